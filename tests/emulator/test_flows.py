"""Flows on the twin: the object shape, and every create/update/delete quirk of docs/pushsmm-api.md."""

from __future__ import annotations

import re

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    KEY_B,
    NOT_FOUND,
    REQUIRED,
    assert_error,
    call,
    create,
    created,
    get,
    segment_of,
    update,
    website_of,
)

pytestmark = pytest.mark.integration

REFERENCE_KEYS = {
    "id", "user_id", "website_id", "name", "title", "description", "url", "image_url", "settings", "wait_time",
    "wait_time_type", "is_enabled", "total_sent_push_notifications", "total_displayed_push_notifications",
    "total_clicked_push_notifications", "total_closed_push_notifications", "last_sent_datetime", "last_datetime",
    "datetime",
}  # fmt: skip
REFERENCE_SETTINGS = {
    "ttl", "urgency", "is_silent", "is_auto_hide", "button_title_1", "button_url_1", "button_title_2", "button_url_2",
}  # fmt: skip


# --- the object --------------------------------------------------------------------------------------------


def test_created_flow_has_every_reference_key_plus_segment_and_utm(server: EmulatorServer) -> None:
    response = create(server, utm_source="news")
    assert response.status_code == 201
    flow = response.json()["data"]
    assert set(flow) == REFERENCE_KEYS | {"segment"}
    assert set(flow["settings"]) == REFERENCE_SETTINGS | {"utm"}
    assert flow["settings"]["utm"] == {"source": "news", "medium": "", "campaign": ""}
    assert flow["segment"] == "all"
    assert flow["settings"]["is_silent"] == 0 and flow["settings"]["is_auto_hide"] == 0
    assert flow["is_enabled"] is True
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", flow["datetime"])
    assert flow["last_sent_datetime"] is None and flow["last_datetime"] is None and flow["image_url"] is None
    assert all(flow[f"total_{kind}_push_notifications"] == 0 for kind in ("sent", "displayed", "clicked", "closed"))
    assert flow["user_id"] == server.accounts[0]["user_id"]
    assert get(server, f"/flows/{flow['id']}").json() == {"data": flow}


def test_create_can_answer_the_documented_id_only_shape() -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0, create_response="id") as server:
        response = create(server)
        assert response.status_code == 201
        assert response.json() == {"data": {"id": 1}}


# --- create: required fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["website_id", "name", "title", "description"])
def test_a_missing_or_blank_required_field_is_a_401(server: EmulatorServer, field: str) -> None:
    assert_error(create(server, **{field: None}), 401, REQUIRED)
    assert_error(create(server, **{field: "   "}), 401, REQUIRED)
    assert server.flows_for(KEY_A) == []


def test_wait_time_and_type_are_not_required_despite_the_reference(server: EmulatorServer) -> None:
    flow = created(server)
    assert (flow["wait_time"], flow["wait_time_type"]) == (1, "days")


def test_a_urlencoded_body_is_accepted_and_json_is_not(server: EmulatorServer) -> None:
    fields = {"website_id": "1", "name": "n", "title": "t", "description": "d"}
    form = call(server, "POST", "/flows", data=fields)
    assert form.status_code == 201
    as_json = call(server, "POST", "/flows", json=fields)
    assert_error(as_json, 401, REQUIRED)  # PHP's $_POST is empty for a JSON body


# --- create: silent coercions ----------------------------------------------------------------------------------


def test_text_is_trimmed_stripped_of_tags_and_quotes_become_entities(server: EmulatorServer) -> None:
    flow = created(
        server,
        name='  <b>Tom\'s</b> "deal"  ',
        title="<script>x</script>Hi & bye",
        description="line <br/>two",
        button_title_1=" <i>Go</i> ",
        utm_campaign="'q'",
        url=" https://example.com/?a=1&b=2 ",
    )
    assert flow["name"] == "Tom&#39;s &#34;deal&#34;"
    assert flow["title"] == "xHi & bye"
    assert flow["description"] == "line two"
    assert flow["settings"]["button_title_1"] == "Go"
    assert flow["settings"]["utm"]["campaign"] == "&#39;q&#39;"
    assert flow["url"] == "https://example.com/?a=1&b=2"


def test_text_is_cut_to_its_maximum_length(server: EmulatorServer) -> None:
    long_url = "https://example.com/" + "p" * 600
    flow = created(
        server,
        name="n" * 300,
        title="t" * 100,
        description="d" * 200,
        button_title_1="b" * 20,
        button_title_2="c" * 20,
        button_url_1=long_url,
        button_url_2=long_url,
        url=long_url,
        utm_source="s" * 200,
        utm_medium="m" * 200,
        utm_campaign="c" * 200,
    )
    settings = flow["settings"]
    assert (len(flow["name"]), len(flow["title"]), len(flow["description"])) == (256, 64, 128)
    assert (len(settings["button_title_1"]), len(settings["button_title_2"])) == (16, 16)
    assert len(flow["url"]) == len(settings["button_url_1"]) == len(settings["button_url_2"]) == 512
    assert {len(value) for value in settings["utm"].values()} == {128}


def test_entities_count_towards_the_length(server: EmulatorServer) -> None:
    assert created(server, title="'" * 64)["title"] == ("&#39;" * 13)[:64]


@pytest.mark.parametrize(
    ("wait_time", "wait_time_type", "expected"),
    [
        ("0", "minutes", (1, "minutes")),
        ("-7", "hours", (1, "hours")),
        ("abc", "days", (1, "days")),
        ("12abc", "minutes", (12, "minutes")),
        ("129601", "minutes", (129600, "minutes")),
        ("2161", "hours", (2160, "hours")),
        ("91", "days", (90, "days")),
        ("5", "weeks", (5, "days")),
        ("500", "Minutes", (90, "days")),
    ],
)
def test_wait_time_is_clamped_and_a_bad_type_becomes_days(
    server: EmulatorServer, wait_time: str, wait_time_type: str, expected: tuple[int, str]
) -> None:
    flow = created(server, wait_time=wait_time, wait_time_type=wait_time_type)
    assert (flow["wait_time"], flow["wait_time_type"]) == expected


@pytest.mark.parametrize(("ttl", "expected"), [("0", 0), ("900", 900), ("1234", 2419200), ("soon", 2419200)])
def test_an_invalid_ttl_becomes_28_days(server: EmulatorServer, ttl: str, expected: int) -> None:
    assert created(server, ttl=ttl)["settings"]["ttl"] == expected


@pytest.mark.parametrize(("urgency", "expected"), [("low", "low"), ("high", "high"), ("urgent", "normal")])
def test_urgency_is_accepted_and_an_invalid_one_becomes_normal(
    server: EmulatorServer, urgency: str, expected: str
) -> None:
    assert created(server, urgency=urgency)["settings"]["urgency"] == expected


def test_an_unknown_or_foreign_website_becomes_the_accounts_first(server: EmulatorServer) -> None:
    first = website_of(server, 0, 0)
    assert created(server, website_id=website_of(server, 0, 1))["website_id"] == website_of(server, 0, 1)
    assert created(server, website_id=99999)["website_id"] == first
    assert created(server, website_id=website_of(server, 1, 0))["website_id"] == first
    assert created(server, website_id="x")["website_id"] == first


def test_a_segment_not_of_that_website_becomes_all(server: EmulatorServer) -> None:
    first, second = website_of(server, 0, 0), website_of(server, 0, 1)
    own = segment_of(server, first)
    assert created(server, website_id=first, segment=own)["segment"] == str(own)
    assert created(server, website_id=first, segment="all")["segment"] == "all"
    assert created(server, website_id=first, segment=segment_of(server, second))["segment"] == "all"
    assert created(server, website_id=first, segment=segment_of(server, website_of(server, 1), 1))["segment"] == "all"
    assert created(server, website_id=first, segment="424242")["segment"] == "all"
    assert created(server, website_id=first, segment="everyone")["segment"] == "all"


@pytest.mark.parametrize("value", ["0", "1", "", "false"])
def test_on_create_sending_is_silent_or_is_auto_hide_sets_it_whatever_the_value(
    server: EmulatorServer, value: str
) -> None:
    settings = created(server, is_silent=value, is_auto_hide=value)["settings"]
    assert (settings["is_silent"], settings["is_auto_hide"]) == (1, 1)


def test_on_create_leaving_the_flags_out_gives_zero(server: EmulatorServer) -> None:
    settings = created(server)["settings"]
    assert (settings["is_silent"], settings["is_auto_hide"]) == (0, 0)


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("1", True), ("0", False), ("", False)])
def test_is_enabled_defaults_to_true_and_takes_the_value_sent(
    server: EmulatorServer, value: str | None, expected: bool
) -> None:
    assert created(server, is_enabled=value)["is_enabled"] is expected


# --- update --------------------------------------------------------------------------------------------------


def test_update_answers_200_with_the_full_object_and_unsent_fields_keep_their_value(server: EmulatorServer) -> None:
    flow = created(server, url="https://a.io", ttl="900", urgency="high", wait_time="3", wait_time_type="hours",
                   is_silent="1", utm_medium="push", button_title_2="More")  # fmt: skip
    response = update(server, flow["id"], title="New title")
    assert response.status_code == 200
    after = response.json()["data"]
    assert after["title"] == "New title"
    unchanged = {key: value for key, value in after.items() if key not in ("title", "last_datetime")}
    assert unchanged == {key: value for key, value in flow.items() if key not in ("title", "last_datetime")}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", after["last_datetime"])


def test_update_with_no_fields_changes_nothing_but_last_datetime(server: EmulatorServer) -> None:
    flow = created(server)
    after = update(server, flow["id"]).json()["data"]
    assert {**after, "last_datetime": None} == flow


def test_update_applies_the_same_cleaning(server: EmulatorServer) -> None:
    flow = created(server)
    after = update(server, flow["id"], name=" <p>It's</p> ", title="x" * 80).json()["data"]
    assert (after["name"], after["title"]) == ("It&#39;s", "x" * 64)


def test_update_keeps_the_old_value_for_an_invalid_enum(server: EmulatorServer) -> None:
    site = website_of(server)
    flow = created(server, website_id=site, ttl="900", urgency="low", wait_time="2", wait_time_type="hours",
                   segment=segment_of(server, site))  # fmt: skip
    after = update(
        server, flow["id"], ttl="1", urgency="asap", wait_time_type="fortnights", segment="999", website_id="99999"
    ).json()["data"]
    assert after["settings"]["ttl"] == 900 and after["settings"]["urgency"] == "low"
    assert (after["wait_time"], after["wait_time_type"]) == (2, "hours")
    assert after["segment"] == str(segment_of(server, site)) and after["website_id"] == site


def test_update_sets_valid_enums_and_reclamps_the_wait_time(server: EmulatorServer) -> None:
    flow = created(server, wait_time="500", wait_time_type="minutes")
    after = update(server, flow["id"], wait_time_type="days", ttl="0", urgency="high", segment="all").json()["data"]
    assert (after["wait_time"], after["wait_time_type"]) == (90, "days")
    assert (after["settings"]["ttl"], after["settings"]["urgency"]) == (0, "high")


def test_update_moving_to_another_website_drops_a_segment_of_the_old_one(server: EmulatorServer) -> None:
    first, second = website_of(server, 0, 0), website_of(server, 0, 1)
    flow = created(server, website_id=first, segment=segment_of(server, first))
    after = update(server, flow["id"], website_id=second).json()["data"]
    assert (after["website_id"], after["segment"]) == (second, "all")
    again = update(server, flow["id"], segment=segment_of(server, second)).json()["data"]
    assert again["segment"] == str(segment_of(server, second))


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("1", 1), ("", 0), ("yes", 1)])
def test_update_booleans_take_the_value_sent(server: EmulatorServer, value: str, expected: int) -> None:
    start = 1 - expected
    flow = created(server, **({"is_silent": "1", "is_auto_hide": "1"} if start else {}), is_enabled=str(start))
    after = update(server, flow["id"], is_silent=value, is_auto_hide=value, is_enabled=value).json()["data"]
    assert (after["settings"]["is_silent"], after["settings"]["is_auto_hide"]) == (expected, expected)
    assert after["is_enabled"] is bool(expected)


def test_update_sets_and_clears_text_fields(server: EmulatorServer) -> None:
    flow = created(server, url="https://a.io", utm_source="s")
    after = update(server, flow["id"], url="", utm_source="", utm_campaign="c", name="").json()["data"]
    assert after["url"] == "" and after["name"] == ""
    assert after["settings"]["utm"] == {"source": "", "medium": "", "campaign": "c"}


def test_update_of_an_unknown_id_is_a_404(server: EmulatorServer) -> None:
    assert_error(update(server, 424242, title="x"), 404, NOT_FOUND)


# --- delete --------------------------------------------------------------------------------------------------


def test_delete_answers_200_with_an_empty_body_then_404(server: EmulatorServer) -> None:
    flow = created(server)
    path = f"/flows/{flow['id']}"
    first = call(server, "DELETE", path)
    assert first.status_code == 200 and first.content == b""
    assert_error(get(server, path), 404, NOT_FOUND)
    assert_error(call(server, "DELETE", path), 404, NOT_FOUND)


# --- unsupported methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("PUT", "/flows/1"), ("PATCH", "/flows/1"), ("DELETE", "/flows"),
                                              ("PUT", "/flows"), ("POST", "/websites"), ("DELETE", "/segments/1"),
                                              ("OPTIONS", "/flows")])  # fmt: skip
def test_an_unsupported_method_is_a_404(server: EmulatorServer, method: str, path: str) -> None:
    created(server)
    response = call(server, method, path)
    assert_error(response, 404, NOT_FOUND)


def test_an_unsupported_method_without_a_key_is_still_a_401(server: EmulatorServer) -> None:
    response = call(server, "PUT", "/flows/1", key=None)
    assert response.status_code == 401


def test_account_b_flows_are_separate(server: EmulatorServer) -> None:
    a = created(server, KEY_A)
    b = created(server, KEY_B)
    assert a["user_id"] != b["user_id"] and b["website_id"] == website_of(server, 1)
