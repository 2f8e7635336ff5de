"""Lists and reads: pagination edges, the website filter, websites, segments, and tenant isolation."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    KEY_B,
    NOT_FOUND,
    TIMEOUT,
    assert_error,
    bearer,
    call,
    created,
    get,
    update,
    website_of,
)

pytestmark = pytest.mark.integration


def make_flows(server: EmulatorServer, count: int, key: str = KEY_A, **fields: Any) -> list[int]:
    """Create ``count`` flows directly through the backend (fast), returning their ids."""
    user_id = server.account_for(key)["user_id"]
    site = str(fields.pop("website_id", server.account_for(key)["website_ids"][0]))
    submitted = {"website_id": site, "name": "n", "title": "t", "description": "d", **fields}
    return [server.backend.create_flow(user_id=user_id, submitted=submitted, image=None).id for _ in range(count)]


def link(server: EmulatorServer, query: str) -> str:
    return f"{server.base_url}/flows?{query}"


# --- pagination ------------------------------------------------------------------------------------------------


def test_no_results(server: EmulatorServer) -> None:
    body = get(server, "/flows").json()
    assert body["data"] == []
    assert body["meta"] == {"page": 1, "results_per_page": 25, "total_results": 0, "total_pages": 0}
    assert body["links"] == {"first": link(server, "page=1"), "last": None, "next": None, "prev": None,
                             "self": link(server, "page=1")}  # fmt: skip


def test_exactly_one_page(server: EmulatorServer) -> None:
    ids = make_flows(server, 10)
    body = get(server, "/flows", page="1", results_per_page="10").json()
    assert [flow["id"] for flow in body["data"]] == ids
    assert body["meta"] == {"page": "1", "results_per_page": 10, "total_results": 10, "total_pages": 1}
    assert body["links"]["last"] == link(server, "results_per_page=10&page=1")
    assert body["links"]["next"] is None and body["links"]["prev"] is None


def test_middle_and_last_page(server: EmulatorServer) -> None:
    ids = make_flows(server, 23)
    middle = get(server, "/flows", page="2", results_per_page="10").json()
    assert [flow["id"] for flow in middle["data"]] == ids[10:20]
    assert middle["links"]["next"] == link(server, "results_per_page=10&page=3")
    assert middle["links"]["prev"] == link(server, "results_per_page=10&page=1")
    last = get(server, "/flows", page="3", results_per_page="10").json()
    assert [flow["id"] for flow in last["data"]] == ids[20:]
    assert last["meta"] == {"page": "3", "results_per_page": 10, "total_results": 23, "total_pages": 3}
    assert last["links"]["next"] is None
    assert last["links"]["self"] == last["links"]["last"] == link(server, "results_per_page=10&page=3")


def test_a_page_past_the_end_is_empty(server: EmulatorServer) -> None:
    make_flows(server, 3)
    body = get(server, "/flows", page="5").json()
    assert body["data"] == [] and body["meta"]["page"] == "5" and body["meta"]["total_pages"] == 1
    assert body["links"]["next"] is None and body["links"]["prev"] == link(server, "page=4")


@pytest.mark.parametrize("size", ["7", "0", "-10", "abc", "2000", "24"])
def test_an_invalid_page_size_silently_becomes_25(server: EmulatorServer, size: str) -> None:
    make_flows(server, 30)
    body = get(server, "/flows", results_per_page=size).json()
    assert len(body["data"]) == 25 and body["meta"]["results_per_page"] == 25 and body["meta"]["total_pages"] == 2


@pytest.mark.parametrize("size", [10, 25, 50, 100, 250, 500, 1000])
def test_every_allowed_page_size_is_honoured(server: EmulatorServer, size: int) -> None:
    body = get(server, "/flows", results_per_page=str(size)).json()
    assert body["meta"]["results_per_page"] == size


@pytest.mark.parametrize(("page", "served"), [("0", 1), ("-3", 1), ("abc", 1)])
def test_a_page_below_one_serves_the_first_page_and_is_echoed_as_sent(
    server: EmulatorServer, page: str, served: int
) -> None:
    ids = make_flows(server, 2)
    body = get(server, "/flows", page=page).json()
    assert [flow["id"] for flow in body["data"]] == ids and body["meta"]["page"] == page
    assert body["links"]["self"] == link(server, f"page={served}")


def test_the_website_filter(server: EmulatorServer) -> None:
    first, second = website_of(server, 0, 0), website_of(server, 0, 1)
    on_first = make_flows(server, 2, website_id=first)
    on_second = make_flows(server, 3, website_id=second)
    body = get(server, "/flows", website_id=str(second)).json()
    assert [flow["id"] for flow in body["data"]] == on_second and body["meta"]["total_results"] == 3
    assert body["links"]["self"] == link(server, f"website_id={second}&page=1")
    assert [f["id"] for f in get(server, "/flows", website_id=str(first)).json()["data"]] == on_first
    assert get(server, "/flows", website_id=str(website_of(server, 1))).json()["data"] == []
    assert len(get(server, "/flows", website_id="x").json()["data"]) == 5  # not a number: no filter


def test_links_follow_the_host_the_client_used(server: EmulatorServer) -> None:
    url = server.base_url.replace("127.0.0.1", "localhost")
    body = requests.get(f"{url}/flows", headers=bearer(), timeout=TIMEOUT).json()
    assert body["links"]["first"].startswith("http://localhost:")


# --- websites and segments -------------------------------------------------------------------------------------


def test_websites_list_and_get(server: EmulatorServer) -> None:
    account = server.accounts[0]
    body = get(server, "/websites").json()
    assert [site["id"] for site in body["data"]] == account["website_ids"]
    assert body["meta"] == {"page": 1, "results_per_page": 25, "total_results": 2, "total_pages": 1}
    assert body["links"]["first"] == f"{server.base_url}/websites?page=1"
    site = get(server, f"/websites/{account['website_ids'][1]}").json()["data"]
    assert site == body["data"][1]
    assert {"id", "user_id", "name", "scheme", "host", "path", "is_enabled", "datetime"} <= set(site)
    assert site["user_id"] == account["user_id"] and site["is_enabled"] is True


def test_segments_list_filter_and_get(server: EmulatorServer) -> None:
    account = server.accounts[0]
    body = get(server, "/segments").json()
    assert len(body["data"]) == 2 and body["meta"]["total_results"] == 2
    second_site = account["website_ids"][1]
    only = get(server, "/segments", website_id=str(second_site)).json()["data"]
    assert [s["id"] for s in only] == account["segment_ids"][str(second_site)]
    segment = get(server, f"/segments/{only[0]['id']}").json()["data"]
    assert set(segment) >= {"id", "user_id", "website_id", "name", "type", "settings", "datetime"}
    assert segment["website_id"] == second_site and isinstance(segment["settings"], dict)


def test_websites_and_segments_paginate_like_flows(server: EmulatorServer) -> None:
    for _ in range(11):
        server.add_website(server.accounts[0]["user_id"])
    body = get(server, "/websites", page="2", results_per_page="10").json()
    assert len(body["data"]) == 3 and body["meta"]["total_pages"] == 2 and body["links"]["next"] is None


# --- tenant isolation ------------------------------------------------------------------------------------------


def test_key_a_never_reads_lists_changes_or_deletes_key_b_flows(server: EmulatorServer) -> None:
    theirs = created(server, KEY_B, title="B's flow")
    mine = created(server, KEY_A)
    assert [f["id"] for f in get(server, "/flows").json()["data"]] == [mine["id"]]
    assert [f["id"] for f in get(server, "/flows", KEY_B).json()["data"]] == [theirs["id"]]
    assert_error(get(server, f"/flows/{theirs['id']}"), 404, NOT_FOUND)
    assert_error(update(server, theirs["id"], title="hijacked"), 404, NOT_FOUND)
    response = call(server, "DELETE", f"/flows/{theirs['id']}", KEY_A)
    assert_error(response, 404, NOT_FOUND)
    assert get(server, f"/flows/{theirs['id']}", KEY_B).json()["data"] == theirs
    assert [f["title"] for f in server.flows_for(KEY_B)] == ["B&#39;s flow"]


def test_websites_and_segments_of_another_account_are_not_found(server: EmulatorServer) -> None:
    other = server.accounts[1]
    assert_error(get(server, f"/websites/{other['website_ids'][0]}"), 404, NOT_FOUND)
    segment_id = other["segment_ids"][str(other["website_ids"][0])][0]
    assert_error(get(server, f"/segments/{segment_id}"), 404, NOT_FOUND)
    assert [s["user_id"] for s in get(server, "/segments").json()["data"]] == [server.accounts[0]["user_id"]] * 2
