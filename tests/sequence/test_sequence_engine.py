"""FlowSequence under the real Pulumi engine against the emulator, steps in order on one stack.

Covers: children with waits derived from readable delays and shared defaults, a looked-up website
(get_website_output), the ids exposed, inserting a step without touching the others, delays out of
order refused at preview naming the step and field, the policy pack seeing the children as flows,
and destroy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_pushsmm import FlowSequence, FlowStep, get_website_output
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ROOT, Printed, account_config, inline_stack, planned_flow_ops, writes

pytestmark = pytest.mark.engine

KEY = "sequence-key-41c2-DO-NOT-LEAK"
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("welcome", "10m", {"name": "Welcome", "title": "Welcome aboard!", "description": "Thanks."}),
    ("tips", "1d", {"name": "Tips", "title": "Three tips", "description": "A tour.", "urgency": "high"}),
    ("later", "36h", {"name": "Later", "title": "We miss you", "description": "Come back."}),
]


class SequenceStack:
    """One stack whose program declares the series in ``self.steps``."""

    def __init__(self, tmp: Path, server: EmulatorServer) -> None:
        self.server = server
        self.host = f"site{server.accounts[0]['website_ids'][1]}.example.test"
        self.site = int(server.accounts[0]["website_ids"][1])
        self.steps = list(STEPS)
        self.printed = Printed()
        self.stack = inline_stack(tmp, self.program, project="pushsmm-sequence",
                                  config=account_config(server, KEY))

    def program(self) -> None:
        sequence = FlowSequence(
            "onb",
            website=get_website_output(host=pulumi.Output.from_input(self.host)),
            defaults={"url": "https://example.com/start", "utm_source": "pushsmm", "utm_medium": "push",
                      "ttl": 86400, "urgency": "low", "button_title_1": "Open",
                      "button_url_1": "https://example.com/open"},
            steps=[FlowStep(key, delay, **fields) for key, delay, fields in self.steps],
        )
        pulumi.export("ids", sequence.ids)

    def ids(self) -> dict[str, str]:
        return dict(self.stack.outputs()["ids"].value)

    def flows(self) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in self.server.flows_for(KEY)}


@pytest.fixture(scope="module")
def seq(pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SequenceStack]:
    with EmulatorServer(api_keys=[KEY], rate_limit=0, seed=13) as server:
        yield SequenceStack(tmp_path_factory.mktemp("sequence"), server)


def test_01_up_makes_one_flow_per_step_with_the_wait_from_its_delay(seq: SequenceStack) -> None:
    result = seq.stack.up(**seq.printed.io)
    assert result.summary.resource_changes == {"create": 5}  # the stack, the component, three flows
    flows = seq.flows()
    waits = {name: (f["wait_time"], f["wait_time_type"]) for name, f in flows.items()}
    assert waits == {"Welcome": (10, "minutes"), "Tips": (1, "days"), "Later": (36, "hours")}
    assert {f["website_id"] for f in flows.values()} == {seq.site}  # the website looked up by host
    assert all(f["settings"]["ttl"] == 86400 and f["url"] == "https://example.com/start" for f in flows.values())
    assert flows["Tips"]["settings"]["urgency"] == "high" and flows["Later"]["settings"]["urgency"] == "low"
    assert seq.ids() == {"welcome": str(flows["Welcome"]["id"]), "tips": str(flows["Tips"]["id"]),
                         "later": str(flows["Later"]["id"])}
    seq.stack.preview(expect_no_changes=True, **seq.printed.io)


def test_02_inserting_a_step_creates_one_flow_and_leaves_the_others(seq: SequenceStack) -> None:
    before = seq.ids()
    seq.steps.insert(1, ("halfday", "12h", {"name": "Half a day", "title": "Still here?", "description": "Hi."}))
    assert planned_flow_ops(seq.stack, **seq.printed.io) == {"onb-welcome": "same", "onb-halfday": "create",
                                                             "onb-tips": "same", "onb-later": "same"}
    seq.stack.up(**seq.printed.io)
    after = seq.ids()
    assert sorted(after) == ["halfday", "later", "tips", "welcome"]  # (the state keeps object keys sorted)
    assert {k: after[k] for k in before} == before
    assert (seq.flows()["Half a day"]["wait_time"], seq.flows()["Half a day"]["wait_time_type"]) == (12, "hours")


def test_03_delays_out_of_order_fail_the_preview_naming_the_step_and_field(seq: SequenceStack) -> None:
    seq.steps[3] = ("later", "20h", seq.steps[3][2])
    seq.server.clear_request_log()
    with pytest.raises(auto.CommandError) as raised:
        seq.stack.preview(**seq.printed.io)
    message = str(raised.value)
    assert "FlowSequence 'onb': steps[3] ('later').delay '20h' must be later than the previous step's '1d'" in message
    assert "Traceback" not in message
    assert writes(seq.server) == []
    seq.steps[3] = ("later", "36h", seq.steps[3][2])


def test_04_the_policy_pack_sees_the_children_as_flows(seq: SequenceStack, tmp_path: Path) -> None:
    def program() -> None:
        FlowSequence("pol", website_id=1, defaults={"url": "http://example.com/plain", "utm_source": "pushsmm",
                                                    "utm_medium": "push", "utm_campaign": "c"},
                     steps=[FlowStep("a", "10m", title="A", description="a"),
                            FlowStep("b", "1d", title="B", description="b")])

    offline = {"PUSHSMM_BASE_URL": "http://127.0.0.1:9/api", "PUSHSMM_API_KEY": "preview-needs-no-key"}
    stack = inline_stack(tmp_path, program, project="pushsmm-sequence-policy", env=offline)
    printed = Printed()
    with pytest.raises(auto.CommandError):
        stack.preview(policy_packs=[str(ROOT / "policy")], **printed.io)
    assert "[mandatory]  flow-https-urls" in printed.text, printed.text
    assert "Flow \"pol-a\": url must be an https:// URL" in printed.text
    assert "Flow \"pol-b\": url must be an https:// URL" in printed.text


def test_05_destroy_removes_every_step(seq: SequenceStack) -> None:
    seq.stack.destroy(**seq.printed.io)
    assert seq.server.flows_for(KEY) == []
    assert all(KEY not in line for line in seq.printed.lines)
