"""POST /_emulator/websites/{id}/subscribers: simulated subscribers move a website's flow counters."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    NOT_FOUND,
    TIMEOUT,
    FakeClock,
    assert_error,
    created,
    get,
    segment_of,
    website_of,
)

pytestmark = pytest.mark.integration

COUNTERS = ("sent", "displayed", "clicked", "closed")


def subscribe(server: EmulatorServer, website_id: int, body: Any) -> requests.Response:
    return requests.post(f"{server.admin_url}/websites/{website_id}/subscribers", json=body, timeout=TIMEOUT)


def api_flow(server: EmulatorServer, flow_id: int) -> dict[str, Any]:
    """The flow as the real API answers it."""
    response = get(server, f"/flows/{flow_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def counters(flow: dict[str, Any]) -> dict[str, int]:
    return {name: flow[f"total_{name}_push_notifications"] for name in COUNTERS}


def test_every_matching_flow_sends_and_the_api_shows_the_counters(server: EmulatorServer) -> None:
    site = website_of(server)
    segment = segment_of(server, site)
    to_all = created(server, title="To everyone", wait_time=10, wait_time_type="minutes")
    to_segment = created(server, title="To the segment", segment=segment)
    disabled = created(server, title="Switched off", is_enabled=0)
    elsewhere = created(server, title="Other site", website_id=website_of(server, index=1))

    response = subscribe(server, site, {"count": 200, "seed": 1})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["website_id"], body["count"], body["seed"]) == (site, 200, 1)
    joined = {entry["segment_id"]: entry["joined"] for entry in body["segments"]}
    assert set(joined) == {segment} and 0 < joined[segment] < 200
    sends = {entry["flow_id"]: entry for entry in body["flows"]}
    assert set(sends) == {to_all["id"], to_segment["id"], disabled["id"]}  # only this website's flows
    assert sends[to_all["id"]]["sent"] == 200
    assert sends[to_segment["id"]]["sent"] == joined[segment]
    assert counters(api_flow(server, disabled["id"])) == dict.fromkeys(COUNTERS, 0)
    assert api_flow(server, disabled["id"])["last_sent_datetime"] is None
    assert counters(api_flow(server, elsewhere["id"])) == dict.fromkeys(COUNTERS, 0)
    for flow in (to_all, to_segment):
        stored = api_flow(server, flow["id"])
        assert counters(stored) == {name: sends[flow["id"]][name] for name in COUNTERS}
        assert stored["last_sent_datetime"] is not None
    segment_row = get(server, f"/segments/{segment}").json()["data"]
    assert segment_row["total_subscribers"] == joined[segment]


def test_the_ratios_are_plausible(server: EmulatorServer) -> None:
    site = website_of(server)
    flow = created(server)
    subscribe(server, site, {"count": 2000, "seed": 7})
    got = counters(api_flow(server, flow["id"]))
    assert got["sent"] == 2000
    assert 0.85 <= got["displayed"] / got["sent"] <= 0.99  # most notifications are displayed
    assert 0.03 <= got["clicked"] / got["displayed"] <= 0.15  # a few percent are clicked
    assert 0.2 <= got["closed"] / (got["displayed"] - got["clicked"]) <= 0.5


def test_the_settings_move_the_ratios(server: EmulatorServer) -> None:
    site = website_of(server)
    plain = created(server, title="Plain", urgency="normal")
    expiring = created(server, title="Now or never", ttl=0)
    subscribe(server, site, {"count": 2000, "seed": 3})
    assert api_flow(server, expiring["id"])["total_displayed_push_notifications"] < 0.7 * 2000
    assert api_flow(server, plain["id"])["total_displayed_push_notifications"] > 0.85 * 2000


def test_counters_add_up_over_calls_and_last_sent_is_the_service_clock(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0, clock=clock) as server:
        site = website_of(server)
        flow = created(server)
        first = subscribe(server, site, {"count": 10, "seed": 1}).json()["flows"][0]
        clock.advance(3600)
        second = subscribe(server, site, {"count": 5, "seed": 2}).json()["flows"][0]
        stored = api_flow(server, flow["id"])
        assert counters(stored) == {name: first[name] + second[name] for name in COUNTERS}
        assert stored["last_sent_datetime"] == "2027-01-15 09:00:00"  # 1_800_000_000 + 1 h, UTC


def test_one_seed_gives_the_same_numbers() -> None:
    answers = []
    for _ in range(2):
        with EmulatorServer(api_keys=[KEY_A], rate_limit=0) as server:
            created(server, title="A")
            created(server, title="B", segment=segment_of(server, website_of(server)))
            answers.append(subscribe(server, website_of(server), {"count": 300, "seed": 42}).json())
    assert answers[0] == answers[1]
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0) as server:
        created(server, title="A")
        created(server, title="B", segment=segment_of(server, website_of(server)))
        assert subscribe(server, website_of(server), {"count": 300, "seed": 43}).json() != answers[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Field 'count' is required."),
        ({"count": "50"}, "Field 'count' must be of type int."),
        ({"count": True}, "Field 'count' must be of type int."),
        ({"count": -1}, "Field 'count' must be from 0 to 10000."),
        ({"count": 10001}, "Field 'count' must be from 0 to 10000."),
        ({"count": 5, "seed": 1.5}, "Field 'seed' must be of type int."),
        ([5], "The body must be a JSON object."),
    ],
)
def test_bad_bodies_are_refused_naming_the_field(server: EmulatorServer, body: Any, message: str) -> None:
    assert_error(subscribe(server, website_of(server), body), 400, message)


def test_an_unknown_website_is_not_found(server: EmulatorServer) -> None:
    assert_error(subscribe(server, 999, {"count": 1}), 404, NOT_FOUND)
