"""diff compares desired inputs with those recorded in the old outputs; every change is an in-place update."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_pushsmm import state
from pulumi_pushsmm.provider import FlowProvider
from tests.support import VALID

pytestmark = pytest.mark.unit

PROVIDER = FlowProvider()


def checked(**changes: Any) -> dict[str, Any]:
    result = PROVIDER.check({}, {**VALID, **changes})
    assert not result.failures
    return result.inputs


def old_outputs(**changes: Any) -> dict[str, Any]:
    """What the state holds after a create: the inputs plus pushsmm's computed outputs."""
    return {**checked(**changes), "user_id": 1, "image_url": None, "datetime": "2026-11-26 10:00:00",
            "total_sent_push_notifications": 0, "last_datetime": None}


def test_same_inputs_mean_no_changes() -> None:
    result = PROVIDER.diff("1", old_outputs(), checked())
    assert result.changes is False
    assert result.replaces == []


def test_computed_outputs_do_not_make_a_diff() -> None:
    olds = {**old_outputs(), "total_sent_push_notifications": 99, "last_sent_datetime": "2026-11-26 11:00:00"}
    assert PROVIDER.diff("1", olds, checked()).changes is False


def test_leaving_out_a_default_matches_the_stored_default() -> None:
    olds = old_outputs(ttl=2419200, urgency="normal", segment="all", is_enabled=True)
    assert PROVIDER.diff("1", olds, checked()).changes is False


def test_every_input_change_is_an_update_in_place() -> None:
    for name, value in [("title", "New title"), ("website_id", 2), ("wait_time_type", "hours"), ("ttl", 3600),
                        ("is_silent", True), ("segment", 5), ("utm_source", "push")]:
        result = PROVIDER.diff("1", old_outputs(), checked(**{name: value}))
        assert result.changes is True, name
        assert result.replaces == [], name
        assert name not in (result.stables or []), name


def test_unknown_input_counts_as_a_change() -> None:
    news = {**checked(), "title": rpc.UNKNOWN}
    result = PROVIDER.diff("1", old_outputs(), news)
    assert result.changes is True
    assert "title" not in (result.stables or [])


def test_new_image_bytes_at_the_same_path_are_a_change() -> None:
    olds = {**old_outputs(), "image": "/img/a.png", "image_sha256": "aa"}
    news = {**checked(), "image": "/img/a.png", "image_sha256": "bb"}
    assert PROVIDER.diff("1", olds, news).changes is True
    news["image_sha256"] = "aa"
    assert PROVIDER.diff("1", olds, news).changes is False


def test_state_written_before_a_field_existed_does_not_diff_on_its_default() -> None:
    olds = state.expand(old_outputs())
    del olds["utm_campaign"]
    assert PROVIDER.diff("1", olds, checked()).changes is False


def test_state_with_every_default_spelled_out_does_not_diff() -> None:
    # Stacks deployed before the state left out defaults hold them all; they must not show a change.
    assert PROVIDER.diff("1", state.expand(old_outputs()), checked()).changes is False
    assert PROVIDER.diff("1", old_outputs(), state.expand(checked())).changes is False


def test_going_back_to_a_default_is_a_change() -> None:
    # The program drops ttl=3600: the input is left out, so it means the default again.
    result = PROVIDER.diff("1", old_outputs(ttl=3600), checked())
    assert result.changes is True and "ttl" not in (result.stables or [])
