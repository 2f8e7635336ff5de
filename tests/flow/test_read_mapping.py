"""The read mapping turns pushsmm's flow object back into program inputs."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_pushsmm import schema, state, wire

pytestmark = pytest.mark.unit


def api_flow(**overrides: Any) -> dict[str, Any]:
    flow: dict[str, Any] = {
        "id": 7, "user_id": 3, "website_id": 2, "name": "Tom&#39;s &#34;welcome&#34; &amp; more",
        "title": "It&#39;s here &amp; now", "description": "Say &quot;hi&quot; & wave", "url": "https://a.io/?x=1&y=2",
        "image_url": None,
        "settings": {
            "ttl": 86400, "urgency": "high", "is_silent": 0, "is_auto_hide": 1,
            "button_title_1": "Open", "button_url_1": "https://a.io/1", "button_title_2": "", "button_url_2": "",
            "utm": {"source": "pushsmm", "medium": "push", "campaign": "welcome"},
        },
        "segment": "12", "wait_time": 3, "wait_time_type": "days", "is_enabled": True,
        "total_sent_push_notifications": 5, "total_displayed_push_notifications": 4,
        "total_clicked_push_notifications": 2, "total_closed_push_notifications": 1,
        "last_sent_datetime": None, "last_datetime": None, "datetime": "2026-11-26 10:00:00",
    }
    flow.update(overrides)
    return flow


def test_quotes_are_unescaped_but_ampersands_are_kept() -> None:
    inputs, _ = wire.read_back(api_flow())
    assert inputs["name"] == "Tom's \"welcome\" &amp; more"
    assert inputs["title"] == "It's here &amp; now"
    assert inputs["description"] == 'Say "hi" & wave'
    assert inputs["url"] == "https://a.io/?x=1&y=2"


def test_settings_are_flattened_and_utm_becomes_utm_fields() -> None:
    inputs, _ = wire.read_back(api_flow())
    assert inputs["ttl"] == 86400 and inputs["urgency"] == "high"
    assert inputs["button_title_1"] == "Open" and inputs["button_url_1"] == "https://a.io/1"
    assert (inputs["utm_source"], inputs["utm_medium"], inputs["utm_campaign"]) == ("pushsmm", "push", "welcome")


def test_zero_one_become_booleans_and_segment_ids_become_integers() -> None:
    inputs, _ = wire.read_back(api_flow())
    assert inputs["is_silent"] is False and inputs["is_auto_hide"] is True and inputs["is_enabled"] is True
    assert inputs["segment"] == 12
    inputs, _ = wire.read_back(api_flow(segment="all", is_enabled=False))
    assert inputs["segment"] == "all" and inputs["is_enabled"] is False


def test_missing_utm_and_nulls_read_as_the_defaults() -> None:
    flow = api_flow(url=None)
    del flow["settings"]["utm"]
    del flow["segment"]
    inputs, _ = wire.read_back(flow)
    assert inputs["url"] == "" and inputs["utm_source"] == "" and inputs["segment"] == "all"


def test_computed_fields_come_back_as_outputs() -> None:
    _, computed = wire.read_back(api_flow())
    assert computed["user_id"] == 3
    assert computed["total_sent_push_notifications"] == 5
    assert computed["datetime"] == "2026-11-26 10:00:00"
    assert set(computed) == {f.name for f in schema.OUTPUT_ONLY_FIELDS}


def test_outputs_keep_the_local_image_only_while_the_flow_has_one() -> None:
    local = {"image": "/img/a.png", "image_sha256": "ab"}
    with_image = state.outputs(api_flow(image_url="https://emu/uploads/x.png"), local)
    assert with_image["image"] == "/img/a.png" and with_image["image_sha256"] == "ab"
    without = state.outputs(api_flow(), local)
    assert without["image"] == "" and without["image_sha256"] == ""
