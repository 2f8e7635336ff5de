"""The requests of pushsmm's published Flows reference, as its curl examples send them, against each target."""

from __future__ import annotations

import pytest

from tests.live.target import Target

pytestmark = pytest.mark.integration


def test_the_references_requests_answer_in_its_shapes(target: Target) -> None:
    name = f"{target.prefix}reference"
    created = target.call("POST", "/flows", files={  # the reference's create: multipart form fields
        "name": (None, name), "website_id": (None, str(target.website_id)), "title": (None, "Example title"),
        "description": (None, "Example description"), "segment": (None, "all"), "wait_time": (None, "3"),
        "wait_time_type": (None, "days")})
    assert created.status_code in (200, 201), created.text
    flow_id = created.json()["data"]["id"]
    assert isinstance(flow_id, int)

    listed = target.call("GET", "/flows", params={"page": 1, "results_per_page": 100})
    assert listed.status_code == 200
    body = listed.json()
    assert {"data", "meta"} <= set(body) and isinstance(body["data"], list)
    assert "total" in body["meta"] or "total_results" in body["meta"]

    fetched = target.call("GET", f"/flows/{flow_id}").json()["data"]
    assert (fetched["name"], fetched["website_id"], fetched["wait_time"], fetched["wait_time_type"]) == (
        name, target.website_id, 3, "days")
    assert {"ttl", "urgency", "is_silent", "is_auto_hide"} <= set(fetched["settings"])

    updated = target.call("POST", f"/flows/{flow_id}", files={"title": (None, "New title")})
    assert updated.status_code == 200 and updated.json()["data"]["id"] == flow_id
    assert target.call("GET", f"/flows/{flow_id}").json()["data"]["title"] == "New title"

    assert target.call("DELETE", f"/flows/{flow_id}").status_code == 200
    assert target.call("GET", f"/flows/{flow_id}").status_code == 404
