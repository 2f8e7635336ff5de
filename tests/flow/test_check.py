"""check rejects everything pushsmm would silently rewrite, with a message naming the field and what is allowed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_pushsmm import state
from pulumi_pushsmm.provider import FlowProvider
from tests.support import VALID, png_bytes

pytestmark = pytest.mark.unit


def check(**changes: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    news = {**VALID, **changes}
    news = {k: v for k, v in news.items() if v is not _DROP}
    result = FlowProvider().check({}, news)
    return result.inputs, [(f.property, f.reason) for f in result.failures]


_DROP = object()

# (changes, field named, words the message must contain)
BAD_INPUTS: list[tuple[dict[str, Any], str, str]] = [
    ({"website_id": _DROP}, "website_id", "website_id is required"),
    ({"name": _DROP}, "name", "name is required"),
    ({"title": _DROP}, "title", "title is required"),
    ({"description": _DROP}, "description", "description is required"),
    ({"wait_time": _DROP}, "wait_time", "wait_time is required"),
    ({"wait_time_type": _DROP}, "wait_time_type", "wait_time_type is required"),
    ({"website_id": "1"}, "website_id", "must be an integer, not str"),
    ({"website_id": True}, "website_id", "must be an integer, not bool"),
    ({"website_id": 0}, "website_id", "must be a positive integer"),
    ({"name": 42}, "name", "must be a string, not int"),
    ({"name": ""}, "name", "name must not be empty"),
    ({"name": "   "}, "name", "must not start or end with whitespace"),
    ({"name": "n" * 257}, "name", "at most 256 characters, got 257"),
    ({"title": "t" * 65}, "title", "at most 64 characters, got 65"),
    ({"description": "d" * 129}, "description", "at most 128 characters, got 129"),
    ({"title": " Hello"}, "title", "must not start or end with whitespace"),
    ({"description": "Bye\n"}, "description", "must not start or end with whitespace"),
    ({"title": "<b>Hello</b>"}, "title", "must not contain HTML tags"),
    ({"description": "see <a href='x'>here"}, "description", "must not contain HTML tags"),
    ({"name": "x <!-- c -->"}, "name", "must not contain HTML tags"),
    ({"wait_time": "10"}, "wait_time", "must be an integer, not str"),
    ({"wait_time": 1.5}, "wait_time", "must be an integer, not float"),
    ({"wait_time": 0}, "wait_time", "between 1 and 129600 minutes, got 0"),
    ({"wait_time": 129601}, "wait_time", "between 1 and 129600 minutes"),
    ({"wait_time": 2161, "wait_time_type": "hours"}, "wait_time", "between 1 and 2160 hours"),
    ({"wait_time": 91, "wait_time_type": "days"}, "wait_time", "between 1 and 90 days"),
    ({"wait_time_type": "weeks"}, "wait_time_type", "must be one of minutes, hours, days; got 'weeks'"),
    ({"wait_time_type": "Days"}, "wait_time_type", "must be one of minutes, hours, days"),
    ({"ttl": 1234}, "ttl", "ttl must be one of 0, 900, 1800, 3600"),
    ({"ttl": "3600"}, "ttl", "must be an integer, not str"),
    ({"ttl": -1}, "ttl", "2419200; got -1"),
    ({"urgency": "urgent"}, "urgency", "must be one of low, normal, high; got 'urgent'"),
    ({"is_silent": "false"}, "is_silent", "must be a boolean, not str"),
    ({"is_auto_hide": 1}, "is_auto_hide", "must be a boolean, not int"),
    ({"is_enabled": "yes"}, "is_enabled", "must be a boolean, not str"),
    ({"url": "ftp://example.com"}, "url", "must be an http:// or https:// URL"),
    ({"url": "example.com"}, "url", "must be an http:// or https:// URL"),
    ({"url": "https://example.com/" + "a" * 500}, "url", "at most 512 characters"),
    ({"url": "https://exa mple.com"}, "url", "must not contain whitespace"),
    ({"button_url_1": "javascript:alert(1)", "button_title_1": "Go"}, "button_url_1", "http:// or https://"),
    ({"button_title_1": "Open"}, "button_url_1", "button_url_1 is required when button_title_1 is set"),
    ({"button_url_1": "https://example.com"}, "button_title_1", "button_title_1 is required when button_url_1"),
    ({"button_title_2": "Later"}, "button_url_2", "button_url_2 is required when button_title_2 is set"),
    ({"button_url_2": "https://example.com"}, "button_title_2", "button_title_2 is required when button_url_2"),
    ({"button_title_1": "A very long button", "button_url_1": "https://x.io"}, "button_title_1", "at most 16"),
    ({"utm_source": "s" * 129}, "utm_source", "at most 128 characters"),
    ({"title": "It's " + "x" * 56}, "title", "got 65 (each ' or \" counts as 5"),
    ({"utm_medium": " push"}, "utm_medium", "must not start or end with whitespace"),
    ({"utm_campaign": "<i>x</i>"}, "utm_campaign", "must not contain HTML tags"),
    ({"segment": "vip"}, "segment", 'must be "all" or a positive integer segment id'),
    ({"segment": "12"}, "segment", 'must be "all" or a positive integer segment id'),
    ({"segment": 0}, "segment", "got 0"),
    ({"image": "/nonexistent/welcome.png"}, "image", "does not exist"),
    ({"image": "welcome.bmp"}, "image", "must be a jpg, jpeg, png, svg, webp, gif file"),
    ({"image": 7}, "image", "must be a string, not int"),
    ({"colour": "red"}, "colour", "colour is not a Flow input; the inputs are: website_id, name"),
    ({"is_silnt": True}, "is_silnt", "is_silnt is not a Flow input (did you mean is_silent?); the inputs are: "),
]


@pytest.mark.parametrize(("changes", "field", "words"), BAD_INPUTS, ids=[f"{i:02d}-{c[1]}" for i, c in
                                                                         enumerate(BAD_INPUTS)])
def test_bad_input_is_refused_with_a_message_naming_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    _, failures = check(**changes)
    assert failures, f"{changes} was accepted"
    messages = [reason for prop, reason in failures if prop == field]
    assert messages, f"no failure names {field}: {failures}"
    assert any(words in m for m in messages), f"{words!r} not in {messages}"
    assert all(m.startswith(field) for m in messages), messages


def test_there_are_at_least_forty_bad_inputs() -> None:
    assert len(BAD_INPUTS) >= 40


def test_each_problem_is_its_own_failure() -> None:
    _, failures = check(title="<b>" + "x" * 70, ttl=5, urgency="now")
    fields = sorted(p for p, _ in failures)
    assert fields == ["title", "title", "ttl", "urgency"]


def test_valid_input_passes_and_the_state_keeps_only_what_differs_from_a_default() -> None:
    inputs, failures = check()
    assert failures == []
    # Each default left out costs the engine's checkpoint nothing; absent means pushsmm's default.
    for name in ("ttl", "urgency", "segment", "is_silent", "is_auto_hide", "is_enabled", "url", "button_title_1",
                 "utm_source", "image", "image_sha256"):
        assert name not in inputs, name
    full = state.expand(inputs)
    assert full["ttl"] == 2419200
    assert full["urgency"] == "normal"
    assert full["segment"] == "all"
    assert full["is_silent"] is False and full["is_auto_hide"] is False and full["is_enabled"] is True
    assert full["url"] == "" and full["button_title_1"] == "" and full["utm_source"] == ""


def test_a_default_given_explicitly_is_left_out_too_and_other_values_are_kept() -> None:
    inputs, failures = check(ttl=2419200, is_enabled=True, is_silent=True, segment=5, urgency="high", url="")
    assert failures == []
    assert "ttl" not in inputs and "is_enabled" not in inputs and "url" not in inputs
    assert inputs["is_silent"] is True and inputs["segment"] == 5 and inputs["urgency"] == "high"


def test_quotes_ampersands_and_edge_lengths_are_fine() -> None:
    _, failures = check(title=("Tom's \"deal\" & more" + "x" * 64)[:52], name="n" * 256, wait_time=90,
                        wait_time_type="days", ttl=0, segment=3, url="http://example.com/a?b=c&d=e")
    assert failures == []


def test_whole_numbers_sent_as_floats_by_the_engine_become_integers() -> None:
    inputs, failures = check(website_id=2.0, wait_time=5.0, ttl=3600.0, segment=7.0)
    assert failures == []
    assert [type(inputs[k]) for k in ("website_id", "wait_time", "ttl", "segment")] == [int] * 4
    _, failures = check(wait_time=2.5)
    assert failures == [("wait_time", "wait_time must be an integer, not float")]


def test_unknown_values_at_preview_pass_through() -> None:
    inputs, failures = check(website_id=rpc.UNKNOWN, title=rpc.UNKNOWN, button_title_1=rpc.UNKNOWN, image=rpc.UNKNOWN)
    assert failures == []
    assert inputs["website_id"] == rpc.UNKNOWN and inputs["title"] == rpc.UNKNOWN


def test_image_is_checked_and_its_hash_recorded(tmp_path: Path) -> None:
    image = tmp_path / "welcome.png"
    image.write_bytes(png_bytes())
    first, failures = check(image=str(image))
    assert failures == []
    image.write_bytes(png_bytes(2, 2))
    second, _ = check(image=str(image))
    assert len(first["image_sha256"]) == 64
    assert first["image_sha256"] != second["image_sha256"]


def test_image_with_wrong_contents_or_too_big_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a not a png")
    _, failures = check(image=str(fake))
    assert any("is not a valid png image" in r for _, r in failures)
    big = tmp_path / "big.gif"
    big.write_bytes(b"GIF89a" + b"\x00" * (2 * 1024 * 1024))
    _, failures = check(image=str(big))
    assert any("at most 2 MB" in r for _, r in failures)


def test_unreadable_image_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dir.png"
    folder.mkdir()
    _, failures = check(image=str(folder))
    assert failures and failures[0][0] == "image" and "must be a regular file, " in failures[0][1]
    assert "is a directory" in failures[0][1]
