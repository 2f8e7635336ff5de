"""The /_emulator admin surface over HTTP, and the Python wrappers of it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    KEY_B,
    NO_ACCESS,
    TIMEOUT,
    FakeClock,
    assert_error,
    create,
    created,
    get,
    update,
)

pytestmark = pytest.mark.integration


def admin(server: EmulatorServer, method: str, path: str = "", body: Any = None) -> requests.Response:
    kwargs: dict[str, Any] = {"timeout": TIMEOUT}
    if body is not None:
        kwargs["json"] = body
    return requests.request(method, f"{server.admin_url}{path}", **kwargs)


def test_overview(server: EmulatorServer) -> None:
    body = admin(server, "GET").json()
    assert body["config"] == {"rate_limit": 0, "create_response": "full", "api_disabled": False}
    assert body["accounts"] == server.accounts
    assert body["faults"] == {"seed": 0, "rules": []}


def test_reset_wipes_data_and_recreates_the_start_up_accounts(server: EmulatorServer) -> None:
    created(server)
    admin(server, "POST", "/accounts", {"api_key": "extra"})
    admin(server, "PATCH", "/config", {"create_response": "id"})
    admin(server, "PUT", "/faults", {"rules": [{"kind": "latency", "latency_ms": 1}]})
    response = admin(server, "POST", "/reset")
    assert response.status_code == 200 and response.json()["accounts"] == server.accounts
    assert [a["user_id"] for a in server.accounts] == [1, 2] and server.accounts[0]["website_ids"] == [1, 2]
    assert server.flows_for(KEY_A) == [] and server.request_log() == []
    assert get(server, "/flows", "extra").status_code == 401
    assert admin(server, "GET", "/config").json()["create_response"] == "full"
    assert admin(server, "GET", "/faults").json()["rules"] == []
    assert created(server)["id"] == 1


def test_create_an_account_and_use_its_key(server: EmulatorServer) -> None:
    response = admin(server, "POST", "/accounts", {"api_key": "new-key", "websites": 3})
    assert response.status_code == 201
    account = response.json()
    assert set(account) == {"user_id", "website_ids", "segment_ids"} and len(account["website_ids"]) == 3
    assert all(len(account["segment_ids"][str(w)]) == 1 for w in account["website_ids"])
    assert "new-key" not in response.text
    websites = get(server, "/websites", "new-key").json()["data"]
    assert [w["id"] for w in websites] == account["website_ids"]
    again = admin(server, "POST", "/accounts", {"api_key": "new-key"})
    assert again.status_code == 200 and again.json() == account
    assert account in admin(server, "GET", "/accounts").json()["accounts"]


@pytest.mark.parametrize("body", [{}, {"api_key": ""}, {"api_key": 5}, {"api_key": "k", "websites": 0}, [1, 2]])
def test_a_bad_account_body_is_a_400(server: EmulatorServer, body: Any) -> None:
    response = admin(server, "POST", "/accounts", body)
    assert response.status_code == 400 and response.json()["errors"][0]["status"] == 400


def test_a_body_that_is_not_json_is_a_400(server: EmulatorServer) -> None:
    response = requests.post(f"{server.admin_url}/accounts", data=b"{nope", timeout=TIMEOUT)
    assert response.status_code == 400 and "Traceback" not in response.text


def test_switch_an_accounts_api_access_and_plan_limit(server: EmulatorServer) -> None:
    user_id = server.accounts[0]["user_id"]
    body = admin(server, "PATCH", f"/accounts/{user_id}", {"api_access": False, "flows_limit": 0}).json()
    assert body["api_access"] is False and body["flows_limit"] == 0
    assert_error(get(server, "/flows"), 401, NO_ACCESS)
    admin(server, "PATCH", f"/accounts/{user_id}", {"api_access": True})
    assert create(server).status_code == 401  # flows_limit 0
    assert admin(server, "PATCH", "/accounts/999", {"api_access": True}).status_code == 404


def test_create_a_website_and_a_segment(server: EmulatorServer) -> None:
    user_id = server.accounts[0]["user_id"]
    website = admin(server, "POST", "/websites", {"user_id": user_id, "name": "Shop", "host": "shop.test"})
    assert website.status_code == 201
    site = website.json()
    assert (site["name"], site["host"], site["scheme"], site["user_id"]) == ("Shop", "shop.test", "https://", user_id)
    segment = admin(server, "POST", "/segments", {"user_id": user_id, "website_id": site["id"], "name": "VIP",
                                                  "type": "custom", "settings": {"subscribers_ids": [1]}})  # fmt: skip
    assert segment.status_code == 201
    seg = segment.json()
    assert get(server, f"/segments/{seg['id']}").json()["data"] == seg
    assert created(server, website_id=site["id"], segment=seg["id"])["segment"] == str(seg["id"])
    foreign = admin(server, "POST", "/segments", {"user_id": server.accounts[1]["user_id"], "website_id": site["id"]})
    assert foreign.status_code == 400
    assert admin(server, "POST", "/websites", {"user_id": 999}).status_code == 404


def test_drift_changes_stored_fields_raw_behind_the_providers_back(server: EmulatorServer) -> None:
    flow = created(server, utm_source="a", ttl="900")
    response = admin(server, "PATCH", f"/flows/{flow['id']}", {
        "title": "  <b>It's raw</b>  ", "wait_time": 999, "is_enabled": False, "total_sent_push_notifications": 7,
        "settings": {"ttl": 1, "is_silent": True, "utm": {"campaign": "z"}},
    })  # fmt: skip
    assert response.status_code == 200
    raw = response.json()["data"]
    assert raw["title"] == "  <b>It's raw</b>  " and raw["wait_time"] == 999 and raw["is_enabled"] == 0
    assert raw["settings"]["ttl"] == 1 and raw["settings"]["is_silent"] == 1
    assert raw["settings"]["utm"] == {"source": "a", "medium": "", "campaign": "z"}
    seen = get(server, f"/flows/{flow['id']}").json()["data"]
    assert seen["title"] == "  <b>It's raw</b>  " and seen["is_enabled"] is False
    assert seen["total_sent_push_notifications"] == 7 and seen["settings"]["urgency"] == flow["settings"]["urgency"]
    assert server.drift_flow(flow["id"], description="py")["description"] == "py"


@pytest.mark.parametrize(
    "body",
    [{"id": 5}, {"user_id": 2}, {"title": 5}, {"wait_time": "5"}, {"settings": {"colour": 1}},
     {"settings": {"utm": {"term": "x"}}}, {"settings": []}, {"is_enabled": "yes"}],
)  # fmt: skip
def test_drift_refuses_unknown_fields_and_wrong_types(server: EmulatorServer, body: dict[str, Any]) -> None:
    flow = created(server)
    assert admin(server, "PATCH", f"/flows/{flow['id']}", body).status_code == 400
    assert get(server, f"/flows/{flow['id']}").json()["data"] == flow


def test_read_and_delete_a_flow_behind_the_providers_back(server: EmulatorServer) -> None:
    flow = created(server, KEY_B)
    raw = admin(server, "GET", f"/flows/{flow['id']}").json()["data"]
    assert raw["id"] == flow["id"] and raw["image"] is None and isinstance(raw["settings"], dict)
    assert admin(server, "DELETE", f"/flows/{flow['id']}").json() == {"deleted": flow["id"]}
    assert get(server, f"/flows/{flow['id']}", KEY_B).status_code == 404
    assert admin(server, "DELETE", f"/flows/{flow['id']}").status_code == 404
    assert admin(server, "GET", f"/flows/{flow['id']}").status_code == 404


def test_list_an_accounts_flows_raw(server: EmulatorServer) -> None:
    a = created(server, KEY_A, name="Tom's")
    created(server, KEY_B)
    rows = admin(server, "GET", f"/accounts/{server.accounts[0]['user_id']}/flows").json()["data"]
    assert [row["id"] for row in rows] == [a["id"]]
    assert rows[0]["name"] == "Tom&#39;s" and rows[0]["is_enabled"] == 1 and "image" in rows[0]
    assert rows == server.flows_for(KEY_A)
    assert admin(server, "GET", "/accounts/999/flows").status_code == 404


def test_request_log_has_time_method_path_query_status_and_never_the_key(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0, clock=clock) as server:
        flow = created(server)
        clock.advance(90.25)
        get(server, "/flows", key="some-other-SECRET", page="2", results_per_page="10")
        update(server, flow["id"], title="x")
        # A key sent in the query by mistake is not kept either.
        get(server, "/websites", api_key="query-SECRET", access_token="token-SECRET", page="1")
        admin(server, "GET", "/config")  # the admin surface is not logged
        response = admin(server, "GET", "/requests")
        assert response.json()["data"] == [
            {"time": "2027-01-15T08:00:00.000Z", "method": "POST", "path": "/api/flows", "query": "",
             "status": 201, "fault": None},
            {"time": "2027-01-15T08:01:30.250Z", "method": "GET", "path": "/api/flows",
             "query": "page=2&results_per_page=10", "status": 401, "fault": None},
            {"time": "2027-01-15T08:01:30.250Z", "method": "POST", "path": f"/api/flows/{flow['id']}", "query": "",
             "status": 200, "fault": None},
            {"time": "2027-01-15T08:01:30.250Z", "method": "GET", "path": "/api/websites",
             "query": "api_key=%5Bredacted%5D&access_token=%5Bredacted%5D&page=1", "status": 200, "fault": None},
        ]  # fmt: skip
        assert "SECRET" not in response.text and "Bearer" not in response.text
        assert admin(server, "DELETE", "/requests").json() == {"data": []}
        assert admin(server, "GET", "/requests").json()["data"] == []


def test_the_admin_surface_answers_with_and_without_a_trailing_slash(server: EmulatorServer) -> None:
    assert admin(server, "GET", "/").json() == admin(server, "GET").json()
    assert admin(server, "GET", "/").json()["accounts"] == server.accounts
    assert admin(server, "PATCH", "/config/", {"rate_limit": 5}).json()["rate_limit"] == 5
    assert admin(server, "GET", "/config").json() == admin(server, "GET", "/config/").json()
    assert admin(server, "GET", f"/flows/{created(server)['id']}/").status_code == 200
    assert admin(server, "GET", "/nope/").status_code == 404


def test_switch_the_create_response_shape(server: EmulatorServer) -> None:
    assert admin(server, "PATCH", "/config", {"create_response": "id"}).json()["create_response"] == "id"
    assert create(server).json() == {"data": {"id": 1}}
    server.configure(create_response="full")
    assert "title" in create(server).json()["data"]
    assert admin(server, "PATCH", "/config", {"create_response": "both"}).status_code == 400
    assert admin(server, "PATCH", "/config", {"colour": "red"}).status_code == 400


def test_api_switched_off_site_wide_redirects_to_an_html_page(server: EmulatorServer) -> None:
    assert admin(server, "PATCH", "/config", {"api_disabled": True}).json()["api_disabled"] is True
    for response in (
        requests.get(f"{server.base_url}/flows", timeout=TIMEOUT, allow_redirects=False),
        create(server),
    ):
        chain = [*response.history, response]
        assert chain[0].status_code == 302 and chain[0].headers["Location"].startswith("/")
        assert "application/json" not in chain[0].headers.get("Content-Type", "")
    landed = get(server, "/flows")
    assert landed.status_code == 200 and landed.headers["Content-Type"].startswith("text/html")
    assert server.flows_for(KEY_A) == []
    server.configure(api_disabled=False)
    assert get(server, "/flows").json()["data"] == []


def test_unknown_admin_methods_are_404(server: EmulatorServer) -> None:
    assert admin(server, "DELETE", "/config").status_code == 404
    assert admin(server, "GET", "/reset").status_code == 404


def test_python_helpers_look_accounts_up_without_creating_them(server: EmulatorServer) -> None:
    assert server.account_for(KEY_B) == server.accounts[1]
    with pytest.raises(KeyError):
        server.flows_for("no-such-key")
    assert len(admin(server, "GET", "/accounts").json()["accounts"]) == 2
    made = server.add_account("made-in-python", websites=1)
    assert server.account_for("made-in-python") == made and len(made["website_ids"]) == 1
