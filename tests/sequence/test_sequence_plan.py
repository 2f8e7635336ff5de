"""FlowSequence's plan: delays, units, keys, defaults and the errors that name the step and field; its typed args."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_pushsmm import FlowSequence, FlowSequenceArgs, GetSegmentResult
from pulumi_pushsmm.errors import SequenceError
from pulumi_pushsmm.names import slug
from pulumi_pushsmm.sequence import FlowStep, parse_delay, plan_steps, wait_of
from tests.support import RecordingMocks, mypy_errors

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("delay", "minutes"), [
    ("10m", 10), ("2h", 120), ("3d", 4320), ("1d12h", 2160), ("1d 12h", 2160), ("90 minutes", 90),
    (" 1 day ", 1440), ("90d", 129600), ("2160h", 129600),
])
def test_readable_delays_parse_to_minutes(delay: str, minutes: int) -> None:
    assert parse_delay(delay) == minutes


@pytest.mark.parametrize("delay", ["", "10", "m", "10x", "1.5h", "-1d", "0m", "91d", "10m junk", "h10"])
def test_bad_delays_name_the_field_and_the_allowed_forms(delay: str) -> None:
    with pytest.raises(SequenceError, match=r"steps\[0\]\.delay must be"):
        parse_delay(delay, "steps[0].delay")


@pytest.mark.parametrize(("minutes", "wait"), [
    (10, (10, "minutes")), (60, (1, "hours")), (90, (90, "minutes")), (120, (2, "hours")),
    (1440, (1, "days")), (2160, (36, "hours")), (4320, (3, "days")), (1441, (1441, "minutes")),
])
def test_the_largest_unit_that_divides_the_delay_exactly_is_used(minutes: int, wait: tuple[int, str]) -> None:
    assert wait_of(minutes) == wait


def test_defaults_apply_and_steps_override_them() -> None:
    plan = plan_steps("onb", [FlowStep("welcome", "10m", title="Hi", description="d"),
                              FlowStep("tips", "1d", title="Tips", description="d", urgency="high")],
                      {"url": "https://e.example", "urgency": "low", "ttl": 86400})
    (first, one), (second, two) = plan
    assert (first.key, second.key) == ("welcome", "tips")
    assert one == {"name": "welcome", "url": "https://e.example", "urgency": "low", "ttl": 86400,
                   "title": "Hi", "description": "d", "wait_time": 10, "wait_time_type": "minutes"}
    assert two["urgency"] == "high" and (two["wait_time"], two["wait_time_type"]) == (1, "days")


@pytest.mark.parametrize(("steps", "message"), [
    ([FlowStep("a", "1h"), FlowStep("b", "1h")], r"steps\[1\] \('b'\)\.delay '1h' must be later than .*'1h'"),
    ([FlowStep("a", "1d"), FlowStep("b", "2h")], r"steps\[1\] \('b'\)\.delay '2h' must be later"),
    ([FlowStep("a", "1h"), FlowStep("a", "2h")], r"steps\[1\]\.key 'a' is already the key of steps\[0\]"),
    ([FlowStep("Welcome!", "1h")], r"steps\[0\]\.key must be .* got 'Welcome!'"),
    ([FlowStep("a", "1h", titel="x")],
     r"steps\[0\] \('a'\): 'titel' is not a Flow input \(did you mean title\?\); the allowed"),
    ([FlowStep("a", "1h", wait_time=3)], r"steps\[0\] \('a'\): wait_time is set by the sequence"),
    ([FlowStep("a", "1h", website_id=3)], r"website_id is set by the sequence"),
    ([], r"steps must list at least one FlowStep"),
])
def test_mistakes_name_the_step_and_field(steps: list[FlowStep], message: str) -> None:
    with pytest.raises(SequenceError, match=message):
        plan_steps("onb", steps, {})


def test_bad_defaults_name_the_field() -> None:
    with pytest.raises(SequenceError, match=r"defaults: 'colour' is not a Flow input"):
        plan_steps("onb", [FlowStep("a", "1h")], {"colour": "red"})


def test_sequence_error_is_a_pulumi_run_error_so_it_prints_without_a_traceback() -> None:
    import pulumi

    assert issubclass(SequenceError, pulumi.RunError)


def test_slug_makes_readable_keys() -> None:
    assert slug("Tom's \"deal\" & more!") == "tom-s-deal-more"
    assert slug("***") == ""


def test_sequence_args_or_keywords_make_the_same_flows_and_a_looked_up_segment_gives_its_id() -> None:
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    vip = GetSegmentResult(id=42, website_id=3, name="VIP", type="filter", total_subscribers=9)
    steps = [FlowStep("welcome", "10m", title="Hi", description="d"),
             FlowStep("tips", "1d", title="Tips", description="d", segment="all")]

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        by_args = FlowSequence("by-args", FlowSequenceArgs(website_id=3, steps=steps, defaults={"segment": vip}))
        by_keywords = FlowSequence("by-keywords", website_id=3, steps=steps,
                                   defaults={"segment": pulumi.Output.from_input(vip)})
        return pulumi.Output.all(by_args.ids, by_keywords.ids)

    program()
    for name in ("by-args", "by-keywords"):
        assert mocks.inputs[f"{name}-welcome"]["segment"] == 42  # the segment's id, not the result object
        assert mocks.inputs[f"{name}-tips"]["segment"] == "all"  # a step's own segment overrides the default
        assert mocks.inputs[f"{name}-tips"]["website_id"] == 3


def test_a_misspelled_or_missing_sequence_input_is_named() -> None:
    step = FlowStep("a", "1h", title="t", description="d")
    with pytest.raises(TypeError, match=r"FlowSequence got unknown inputs: webiste_id \(did you mean website_id\?\)"):
        FlowSequence("onb", webiste_id=3, steps=[step])  # type: ignore[call-overload]
    with pytest.raises(SequenceError, match=r"FlowSequence 'onb': steps is required"):
        FlowSequence("onb", FlowSequenceArgs(website_id=3))  # type: ignore[typeddict-item]


def test_mypy_checks_step_fields_and_sequence_args(tmp_path: Path) -> None:
    errors = mypy_errors(tmp_path, textwrap.dedent("""
        from pulumi_pushsmm import FlowSequence, FlowSequenceArgs, FlowStep, get_segment, get_segment_output

        steps = [FlowStep("welcome", "10m", title="Hi", description="d", urgency="high")]
        FlowSequence("a", FlowSequenceArgs(website_id=1, steps=steps, defaults={"segment": get_segment(1, name="V")}))
        FlowSequence("b", website_id=1, steps=steps, defaults={"segment": get_segment_output(1, name="V")})
        FlowStep("tips", "1d", titel="Tips")
        FlowStep("tips", "1d", urgency="urgent")
        FlowSequenceArgs(website_id=1, steps=steps, stepz=steps)
    """))
    assert [e.split(":")[1] for e in errors] == ["7", "8", "9"], errors
    assert 'Unexpected keyword argument "titel" for "FlowStep"' in errors[0]
    assert 'Argument "urgency" to "FlowStep" has incompatible type' in errors[1]
    assert 'Extra key "stepz" for TypedDict "FlowSequenceArgs"' in errors[2]
