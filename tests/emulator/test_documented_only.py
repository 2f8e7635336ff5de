"""Documented-only mode: the Flows reference's endpoints alone, in its shapes; the default mode stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    KEY_B,
    MISSING_BEARER,
    NO_ACCESS,
    NOT_FOUND,
    REQUIRED,
    TIMEOUT,
    assert_error,
    bearer,
    create,
    get,
    update,
    website_of,
)

pytestmark = pytest.mark.integration

UNDOCUMENTED_API_PATHS = ["/websites", "/websites/", "/websites/1", "/segments", "/segments/", "/segments/1"]


def admin(server: EmulatorServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{server.admin_url}{path}", json=body, timeout=TIMEOUT)


def flow_ids(server: EmulatorServer, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        response = create(server)
        assert response.status_code == 201, response.text
        ids.append(response.json()["data"]["id"])
    return ids


# --- documented-only ---------------------------------------------------------------------------------------------


def test_create_answers_only_the_id(documented_server: EmulatorServer) -> None:
    response = create(documented_server, name="Hi")
    assert response.status_code == 201
    assert response.json() == {"data": {"id": 1}}
    stored = get(documented_server, "/flows/1").json()["data"]
    assert stored["id"] == 1 and stored["name"] == "Hi"


def test_update_answers_only_the_id_as_the_reference_shows(documented_server: EmulatorServer) -> None:
    [flow_id] = flow_ids(documented_server, 1)
    response = update(documented_server, flow_id, title="Changed")
    assert response.status_code == 200
    assert response.json() == {"data": {"id": flow_id}}
    assert get(documented_server, f"/flows/{flow_id}").json()["data"]["title"] == "Changed"


def test_list_meta_is_the_references(documented_server: EmulatorServer) -> None:
    flow_ids(documented_server, 12)
    body = get(documented_server, "/flows", page="2", results_per_page="10").json()
    assert len(body["data"]) == 2
    assert body["meta"] == {"page": 2, "results_per_page": 10, "total": 12, "total_pages": 2}
    assert list(body["meta"]) == ["page", "results_per_page", "total", "total_pages"]
    assert body["links"]["prev"] == f"{documented_server.base_url}/flows?results_per_page=10&page=1"
    empty = get(documented_server, "/flows", key=KEY_B).json()
    assert empty["meta"] == {"page": 1, "results_per_page": 25, "total": 0, "total_pages": 0}


def test_a_page_below_one_is_shown_as_the_page_served(documented_server: EmulatorServer) -> None:
    flow_ids(documented_server, 1)
    assert get(documented_server, "/flows", page="0").json()["meta"]["page"] == 1


@pytest.mark.parametrize("path", UNDOCUMENTED_API_PATHS)
def test_undocumented_api_paths_are_unknown(documented_server: EmulatorServer, path: str) -> None:
    assert_error(get(documented_server, path), 404, NOT_FOUND)
    assert_error(get(documented_server, path, key=None), 404, NOT_FOUND)  # like any unknown path: no auth check
    assert_error(get(documented_server, path, key="no-such-key"), 404, NOT_FOUND)


def test_an_undocumented_path_answers_exactly_as_an_unknown_one(documented_server: EmulatorServer) -> None:
    unknown = get(documented_server, "/no-such-thing")
    websites = get(documented_server, "/websites")
    assert (websites.status_code, websites.content) == (unknown.status_code, unknown.content)
    assert websites.headers["Content-Type"] == unknown.headers["Content-Type"]


def test_the_flows_endpoints_still_work(documented_server: EmulatorServer) -> None:
    [flow_id] = flow_ids(documented_server, 1)
    flow = get(documented_server, f"/flows/{flow_id}").json()["data"]
    assert flow["website_id"] == website_of(documented_server) and flow["title"] == "Hello"
    assert [f["id"] for f in get(documented_server, "/flows").json()["data"]] == [flow_id]
    assert get(documented_server, "/flows/").status_code == 200
    deleted = requests.delete(f"{documented_server.base_url}/flows/{flow_id}", headers=bearer(), timeout=TIMEOUT)
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert_error(get(documented_server, f"/flows/{flow_id}"), 404, NOT_FOUND)
    assert_error(get(documented_server, "/flows/1", key=KEY_B), 404, NOT_FOUND)


def test_the_servers_rules_and_errors_still_apply(documented_server: EmulatorServer) -> None:
    assert_error(get(documented_server, "/flows", key=None), 401, MISSING_BEARER, "401")
    assert_error(get(documented_server, "/flows", key="no-such-key"), 401, NO_ACCESS)
    assert_error(create(documented_server, title=None), 401, REQUIRED)
    [flow_id] = flow_ids(documented_server, 1)
    update(documented_server, flow_id, wait_time="9999", wait_time_type="days")
    assert get(documented_server, f"/flows/{flow_id}").json()["data"]["wait_time"] == 90


def test_the_admin_surface_still_seeds_websites_and_segments(documented_server: EmulatorServer) -> None:
    user_id = documented_server.accounts[0]["user_id"]
    website = admin(documented_server, "POST", "/websites", {"user_id": user_id, "name": "Shop"})
    assert website.status_code == 201
    segment = admin(documented_server, "POST", "/segments", {"user_id": user_id, "website_id": website.json()["id"]})
    assert segment.status_code == 201
    response = create(documented_server, website_id=website.json()["id"], segment=segment.json()["id"])
    flow = get(documented_server, f"/flows/{response.json()['data']['id']}").json()["data"]
    assert (flow["website_id"], flow["segment"]) == (website.json()["id"], str(segment.json()["id"]))
    joined = admin(documented_server, "POST", f"/websites/{website.json()['id']}/subscribers", {"count": 5})
    assert joined.status_code == 200
    assert admin(documented_server, "POST", "/reset").status_code == 200
    assert_error(get(documented_server, "/websites"), 404, NOT_FOUND)  # a reset keeps the mode
    assert create(documented_server).json() == {"data": {"id": 1}}


def test_create_response_stays_id(documented_server: EmulatorServer) -> None:
    assert admin(documented_server, "GET", "/config").json()["create_response"] == "id"
    assert admin(documented_server, "PATCH", "/config", {"create_response": "full"}).status_code == 400
    assert admin(documented_server, "PATCH", "/config", {"create_response": "id"}).status_code == 200
    with pytest.raises(ValueError, match="documented_only"):
        EmulatorServer(api_keys=[KEY_A], documented_only=True, create_response="full").start()


# --- the default mode, unchanged ------------------------------------------------------------------------------------


def test_default_mode_answers_as_the_servers_code(server: EmulatorServer) -> None:
    created = create(server)
    assert created.status_code == 201 and created.json()["data"]["name"] == "Welcome"
    flow_id = created.json()["data"]["id"]
    updated = update(server, flow_id, title="Changed")
    assert updated.status_code == 200 and updated.json()["data"]["title"] == "Changed"
    meta = get(server, "/flows", page="1").json()["meta"]
    assert meta == {"page": "1", "results_per_page": 25, "total_results": 1, "total_pages": 1}
    assert get(server, "/websites").status_code == 200
    assert get(server, "/segments").status_code == 200
    assert admin(server, "GET", "/config").json()["create_response"] == "full"
    assert admin(server, "PATCH", "/config", {"create_response": "id"}).status_code == 200
    assert create(server).json() == {"data": {"id": flow_id + 1}}
