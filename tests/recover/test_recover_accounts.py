"""`pushsmm-pulumi recover` with flows of several accounts: each pending create is looked for in its own account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_pushsmm.recover import FLOW_TYPE, recover
from pulumi_pushsmm.session import Settings
from pulumi_pushsmm.validation import validate_inputs

pytestmark = pytest.mark.unit

PROVIDER_REF = "urn:pulumi:dev::p::pulumi:providers:pulumi-python::default::abc"
PROVIDER_INPUTS = {"pushsmm:apiKey": "stack-key", "pushsmm:baseUrl": "http://127.0.0.1:1/api"}


def flow_inputs(name: str, website_id: int, account: dict[str, Any]) -> dict[str, Any]:
    checked = validate_inputs({"website_id": website_id, "name": name, "title": "Hi", "description": "d",
                               "wait_time": 5, "wait_time_type": "minutes"}).inputs
    return {**checked, "image_sha256": "", "__provider": "pickle", **account}


def api_flow(flow_id: int, name: str, website_id: int) -> dict[str, Any]:
    return {"id": flow_id, "user_id": 1, "website_id": website_id, "name": name, "title": "Hi", "description": "d",
            "url": "", "image_url": None, "wait_time": 5, "wait_time_type": "minutes", "segment": "all",
            "is_enabled": True, "settings": {"ttl": 2419200, "urgency": "normal", "utm": {}}}


def test_pending_creates_are_matched_in_their_own_accounts() -> None:
    other = {"account_base_url": "http://127.0.0.1:2/api", "account_api_key": "other-key"}
    operations = [
        {"type": "creating", "resource": {"urn": f"urn:pulumi:dev::p::{FLOW_TYPE}::{name}", "type": FLOW_TYPE,
                                          "custom": True, "provider": PROVIDER_REF,
                                          "inputs": flow_inputs(name.title(), site, account)}}
        for name, site, account in [("mine", 1, {}), ("theirs", 5, other)]
    ]
    provider = {"urn": "urn:pulumi:dev::p::pulumi:providers:pulumi-python::default", "id": "abc",
                "inputs": PROVIDER_INPUTS}
    exported = json.dumps({"deployment": {"resources": [provider], "pending_operations": operations}})
    flows = {("http://127.0.0.1:1/api", "stack-key"): [api_flow(11, "Mine", 1)],
             ("http://127.0.0.1:2/api", "other-key"): [api_flow(12, "Theirs", 5)]}
    asked: list[tuple[str, str]] = []

    def list_flows(settings: Settings) -> list[dict[str, Any]]:
        assert settings.api_key is not None
        asked.append((settings.base_url, settings.api_key))
        return flows[asked[-1]]

    outcomes = recover(lambda args, stdin: exported, dry_run=True, list_flows=list_flows)
    assert sorted(asked) == sorted(flows)
    assert [(o.urn.split("::")[-1], o.decision, o.flow_id) for o in outcomes] == [
        ("mine", "imported", "11"), ("theirs", "imported", "12")]
