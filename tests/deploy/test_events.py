"""Reading the engine's event log: flows with their fields, secrets never valued, drift, violations, remediations."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_pushsmm.deploy import events
from pulumi_pushsmm.deploy.report import FieldChange
from pulumi_pushsmm.names import TYPE_TOKEN

pytestmark = pytest.mark.unit

SECRET = {events.SECRET_SIG: events.SECRET_MARK, "ciphertext": "[secret]"}
STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
BASE = {"website_id": 1, "name": "Welcome", "title": "Hello", "description": "Hi", "wait_time": 10,
        "wait_time_type": "minutes", "__provider": SECRET}


def urn(name: str) -> str:
    return f"urn:pulumi:dev::proj::{TYPE_TOKEN}::{name}"


def step(kind: str, op: str, name: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
         key: str = "inputs") -> dict[str, Any]:
    state = {"old": old and {"id": "7", key: old}, "new": new and {"id": "", key: new}}
    return {kind: {"metadata": {"op": op, "urn": urn(name), "type": TYPE_TOKEN, **state}}}


def test_an_update_lists_each_changed_field_with_defaults_filled_in() -> None:
    log = [step("resourcePreEvent", "update", "welcome", BASE, {**BASE, "title": "Hi there", "ttl": 3600})]
    (flow,) = events.planned_flows(log)
    assert (flow.name, flow.operation, flow.flow_id) == ("welcome", "update", "7")
    # ttl was left at its default (absent from the compact state): the default is the old value.
    assert flow.fields == [FieldChange("title", "Hello", "Hi there"), FieldChange("ttl", 2419200, 3600)]


def test_a_secret_that_alone_changed_is_named_changed_and_one_beside_other_changes_is_uncertain() -> None:
    alone = step("resourcePreEvent", "update", "a", {**BASE, "description": SECRET}, {**BASE, "description": SECRET})
    beside = step("resourcePreEvent", "update", "b", {**BASE, "description": SECRET},
                  {**BASE, "description": SECRET, "title": "New"})
    first, second = events.planned_flows([alone, beside])
    assert first.fields == [FieldChange("description", secret=True, certain=True)]
    assert second.fields == [FieldChange("title", "Hello", "New"), FieldChange("description", secret=True,
                                                                              certain=False)]
    assert all(f.old is None and f.new is None for f in first.fields + second.fields if f.secret)


def test_creates_list_what_they_set_deletes_nothing_and_refresh_steps_are_not_changes() -> None:
    log = [step("resourcePreEvent", "refresh", "old", BASE, BASE),
           step("resourcePreEvent", "create", "new", None, {**BASE, "url": "https://e.example"}),
           step("resourcePreEvent", "delete", "old", BASE, None),
           {"resourcePreEvent": {"metadata": {"op": "update", "urn": STACK_URN, "type": "pulumi:pulumi:Stack"}}}]
    created, deleted = events.planned_flows(log)
    assert created.operation == "create" and FieldChange("url", None, "https://e.example") in created.fields
    assert (deleted.name, deleted.operation, deleted.fields) == ("old", "delete", [])


def test_drift_is_a_changed_input_or_a_deleted_flow_never_moved_counters() -> None:
    counted = {**BASE, "total_sent_push_notifications": 3}
    log = [step("resOutputsEvent", "update", "counters", BASE, counted, key="outputs"),
           step("resOutputsEvent", "update", "changed", BASE, {**BASE, "title": "By hand"}, key="outputs"),
           step("resOutputsEvent", "delete", "gone", BASE, None, key="outputs")]
    changed, gone = events.drifted_flows(log)
    assert (changed.name, changed.fields) == ("changed", [FieldChange("title", "Hello", "By hand")])
    assert (gone.name, gone.operation, gone.flow_id) == ("gone", "delete", "7")


def test_violations_remediations_and_errors() -> None:
    log = [
        {"policyEvent": {"resourceUrn": urn("welcome"), "policyName": "flow-https-urls", "policyPackName": "pack",
                         "enforcementLevel": "mandatory", "message": "URLs must use https.\nFlow: url is http\n"}},
        {"policyEvent": {"resourceUrn": STACK_URN, "policyName": "flow-max-per-website", "policyPackName": "pack",
                         "enforcementLevel": "advisory", "message": "At most 20.\n"}},
        {"policyRemediationEvent": {"resourceUrn": urn("tips"), "policyName": "flow-default-utm-tags",
                                    "policyPackName": "pack", "before": BASE,
                                    "after": {**BASE, "utm_source": "pushsmm"}}},
        {"diagnosticEvent": {"severity": "error", "urn": urn("tips"), "message": "pushsmm said no\n"}},
        {"diagnosticEvent": {"severity": "error", "urn": STACK_URN, "message": "preview failed\n"}},
        {"diagnosticEvent": {"severity": "info", "message": "ignored\n"}},
    ]
    mandatory, advisory = events.violations(log)
    assert (mandatory.resource, mandatory.message, mandatory.mandatory) == ("welcome", "Flow: url is http", True)
    assert (advisory.resource, advisory.message, advisory.mandatory) == (None, "At most 20.", False)
    (remediation,) = events.remediations(log)
    assert remediation.resource == "tips" and remediation.fields == [FieldChange("utm_source", "", "pushsmm")]
    assert events.errors(log) == ["tips: pushsmm said no"]
    assert events.errors(log[-2:]) == ["preview failed"]  # said only when nothing more specific was
    assert events.errors(log[-2:], specific_only=True) == []
