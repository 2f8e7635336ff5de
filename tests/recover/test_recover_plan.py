"""How `pushsmm-pulumi recover` settles pending operations, on a state and flows made by hand (no engine)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_pushsmm.recover import FLOW_TYPE, plan
from pulumi_pushsmm.validation import validate_inputs

pytestmark = pytest.mark.unit

PROVIDER_REF = "urn:pulumi:dev::p::pulumi:providers:pulumi-python::default::abc"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:xyz"}


def inputs(name: str) -> dict[str, Any]:
    checked = validate_inputs({"website_id": 1, "name": name, "title": "Hi", "description": "d", "wait_time": 5,
                               "wait_time_type": "minutes"}).inputs
    return {**checked, "image_sha256": "", "__provider": SECRET}


def api_flow(flow_id: int, name: str, **changes: Any) -> dict[str, Any]:
    return {"id": flow_id, "user_id": 1, "website_id": 1, "name": name, "title": "Hi", "description": "d", "url": "",
            "image_url": None, "wait_time": 5, "wait_time_type": "minutes", "segment": "all", "is_enabled": True,
            "settings": {"button_title_1": "", "button_url_1": "", "button_title_2": "", "button_url_2": "",
                         "is_silent": 0, "is_auto_hide": 0, "ttl": 2419200, "urgency": "normal",
                         "utm": {"source": "", "medium": "", "campaign": ""}},
            "datetime": "2026-11-27 10:00:00", **changes}


def pending(name: str, kind: str = "creating") -> dict[str, Any]:
    return {"type": kind, "resource": {"urn": f"urn:pulumi:dev::p::{FLOW_TYPE}::{name}", "custom": True,
                                        "type": FLOW_TYPE, "inputs": inputs(name), "provider": PROVIDER_REF}}


def deployment(*operations: dict[str, Any]) -> dict[str, Any]:
    tracked = {"urn": f"urn:pulumi:dev::p::{FLOW_TYPE}::kept", "type": FLOW_TYPE, "id": "7",
               "inputs": inputs("Kept"), "outputs": {}}
    return {"manifest": {}, "resources": [tracked], "pending_operations": list(operations)}


def test_a_stored_create_is_written_into_the_state_with_its_id() -> None:
    settled, outcomes = plan(deployment(pending("A"), pending("B")), [api_flow(7, "Kept"), api_flow(9, "A")])
    assert [(o.decision, o.flow_id) for o in outcomes] == [("imported", "9"), ("not stored", None)]
    assert "pending_operations" not in settled
    added = settled["resources"][-1]
    assert added["id"] == "9" and added["urn"].endswith("::A") and added["provider"] == PROVIDER_REF
    assert added["outputs"]["__provider"] == SECRET and added["outputs"]["name"] == "A"
    assert added["outputs"]["user_id"] == 1


def test_a_flow_already_in_the_state_is_never_taken_for_a_pending_create() -> None:
    # The pending create has the same content as a tracked flow (a renamed resource, say): not adopted.
    settled, outcomes = plan(deployment(pending("Kept")), [api_flow(7, "Kept")])
    assert outcomes[0].decision == "not stored"
    assert [r["id"] for r in settled["resources"]] == ["7"]


def test_several_matches_are_left_pending_and_listed_nothing_deleted() -> None:
    settled, outcomes = plan(deployment(pending("A")), [api_flow(9, "A"), api_flow(10, "A")])
    assert outcomes[0].decision == "ambiguous" and outcomes[0].candidates == ["9", "10"]
    assert len(settled["pending_operations"]) == 1 and len(settled["resources"]) == 1


def test_a_flow_that_differs_is_not_matched() -> None:
    _, outcomes = plan(deployment(pending("A")), [api_flow(9, "A", title="Other")])
    assert outcomes[0].decision == "not stored"


def test_interrupted_updates_and_deletes_are_dropped_for_up_to_redo() -> None:
    settled, outcomes = plan(deployment(pending("Kept", "updating"), pending("Kept", "deleting")), [])
    assert [o.decision for o in outcomes] == ["dropped", "dropped"]
    assert "pending_operations" not in settled
