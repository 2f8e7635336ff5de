"""Each stack rule as a pure function over the stack's flows: violating and passing stacks, settings, unknowns."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.policies import (
    UNKNOWN,
    FlowRecord,
    check_max_flows_per_website,
    check_send_spacing,
    check_unique_names,
)
from tests.policy.helpers import record

pytestmark = pytest.mark.unit

# --- unique names --------------------------------------------------------------------------------


def test_distinct_names_pass_and_the_same_name_on_another_website_is_fine() -> None:
    flows = [record("a", name="Welcome"), record("b", name="Tips"), record("c", name="Welcome", website_id=2)]
    assert check_unique_names(flows) == []


def test_duplicate_name_on_one_website_is_flagged_naming_both_resources() -> None:
    flows = [record("a", name="Welcome"), record("b", name="welcome  "), record("c", name="Tips")]
    findings = check_unique_names(flows)
    assert [f.urn for f in findings] == [flows[1].urn]
    assert findings[0].message == "Flow \"b\": name 'welcome  ' is already used by Flow \"a\" on website 1"


def test_case_sensitivity_is_a_setting() -> None:
    flows = [record("a", name="Welcome"), record("b", name="welcome")]
    assert check_unique_names(flows, {"ignoreCase": False}) == []
    assert len(check_unique_names(flows, {"ignoreCase": True})) == 1


def test_unknown_names_or_websites_are_skipped() -> None:
    flows = [record("a", name="Welcome"), record("b", name=UNKNOWN), record("c", name="Welcome", website_id=UNKNOWN)]
    assert check_unique_names(flows) == []


# --- send spacing --------------------------------------------------------------------------------


def test_flows_far_apart_pass() -> None:
    flows = [record("a", wait_time=10), record("b", wait_time=1, wait_time_type="days"),
             record("c", wait_time=15)]
    assert check_send_spacing(flows) == []


def test_flows_too_close_on_the_same_segment_are_flagged() -> None:
    flows = [record("a", wait_time=10), record("b", wait_time=12)]
    findings = check_send_spacing(flows)
    assert [f.urn for f in findings] == [flows[1].urn]
    assert findings[0].message == (
        'Flow "b": wait_time puts it 12 minutes after subscribing, 2 minutes from Flow "a" (10 minutes) on website 1 '
        "(segments 'all' and 'all'); keep flows at least 5 minutes apart so a new subscriber never gets two pushes "
        "together")


def test_spacing_converts_units_before_comparing() -> None:
    flows = [record("a", wait_time=1, wait_time_type="hours"), record("b", wait_time=62)]
    assert len(check_send_spacing(flows)) == 1


def test_the_same_time_is_too_close() -> None:
    assert len(check_send_spacing([record("a"), record("b")])) == 1


def test_other_websites_other_segments_and_disabled_flows_do_not_clash() -> None:
    assert check_send_spacing([record("a"), record("b", website_id=2)]) == []
    assert check_send_spacing([record("a", segment=3), record("b", segment=4)]) == []
    assert check_send_spacing([record("a"), record("b", is_enabled=False)]) == []


def test_segment_all_reaches_every_segment_unless_configured_otherwise() -> None:
    flows = [record("a", segment="all"), record("b", segment=3)]
    assert len(check_send_spacing(flows)) == 1
    assert check_send_spacing(flows, {"allReachesEverySegment": False}) == []
    assert len(check_send_spacing([record("a", segment=3), record("b", segment=3)])) == 1


def test_gap_is_a_setting() -> None:
    flows = [record("a", wait_time=10), record("b", wait_time=40)]
    assert check_send_spacing(flows) == []
    assert len(check_send_spacing(flows, {"minGapMinutes": 60.0})) == 1
    assert check_send_spacing([record("a"), record("b")], {"minGapMinutes": 0}) == []


def test_every_close_pair_is_reported_once() -> None:
    flows = [record("a", wait_time=10), record("b", wait_time=12), record("c", wait_time=14), record("d", wait_time=30)]
    findings = check_send_spacing(flows)
    assert sorted(f.message.split(":")[0] + "/" + f.message.split("from ")[1].split(" (")[0] for f in findings) == [
        'Flow "b"/Flow "a"', 'Flow "c"/Flow "a"', 'Flow "c"/Flow "b"']


def test_unknown_times_segments_or_websites_are_skipped() -> None:
    assert check_send_spacing([record("a"), record("b", wait_time=UNKNOWN)]) == []
    assert check_send_spacing([record("a"), record("b", segment=UNKNOWN)]) == []
    assert check_send_spacing([record("a"), record("b", website_id=UNKNOWN)]) == []
    assert check_send_spacing([record("a"), record("b", is_enabled=UNKNOWN)]) == []


# --- flows per website ---------------------------------------------------------------------------


def _many(count: int, website_id: object = 1) -> list[FlowRecord]:
    return [record(f"flow-{i:02d}", website_id=website_id, wait_time=10 * (i + 1)) for i in range(count)]


def test_up_to_the_limit_passes() -> None:
    assert check_max_flows_per_website(_many(20)) == []
    assert check_max_flows_per_website(_many(15) + _many(15, website_id=2)) == []


def test_over_the_limit_is_flagged_naming_the_flows() -> None:
    findings = check_max_flows_per_website(_many(21))
    assert len(findings) == 1 and findings[0].urn is None
    message = findings[0].message
    assert message.startswith('website_id 1 has 21 flows ("flow-00", "flow-01", ')
    assert message.endswith('"flow-20"), more than the limit of 20 flows per website')


def test_limit_is_a_setting() -> None:
    assert len(check_max_flows_per_website(_many(3), {"maxFlows": 2.0})) == 1
    assert check_max_flows_per_website(_many(3), {"maxFlows": 3}) == []


def test_flows_of_unknown_website_are_not_counted() -> None:
    assert check_max_flows_per_website(_many(2) + _many(5, website_id=UNKNOWN), {"maxFlows": 2}) == []
