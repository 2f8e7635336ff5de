"""FlowSequence's plan: delays, units, keys, defaults and the errors that name the step and field."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.errors import SequenceError
from pulumi_pushsmm.names import slug
from pulumi_pushsmm.sequence import FlowStep, parse_delay, plan_steps, wait_of

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
