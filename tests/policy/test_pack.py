"""The pulumi_policy wrappers: the factory, config schemas, unknowns and secrets, and the ready pack directory."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import serialize_properties
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy
from pulumi_policy.secret import secrets_preserving_proxy

from pulumi_pushsmm.policies import RULES, RULES_BY_NAME, TYPE_TOKEN, UNKNOWN, flow_policies, flow_records, plain_props
from tests.policy.helpers import flow

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
POLICY_DIR = ROOT / "policy"
ALL = [rule.name for rule in RULES]


def by_name(policies: list[Policy]) -> dict[str, Policy]:
    return {p.name: p for p in policies}


def wire(props: dict[str, Any]) -> dict[str, Any]:
    """Props as they reach a policy: numbers as floats."""
    return {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in props.items()}


def resource_args(props: dict[str, Any], *, config: dict[str, Any] | None = None, name: str = "welcome",
                  resource_type: str = TYPE_TOKEN) -> ResourceValidationArgs:
    return ResourceValidationArgs(resource_type, unknown_checking_proxy(wire(props)), f"urn:x::{name}", name,
                                  OPTIONS, None, config or {})


def validate(policy: Policy, args: Any) -> list[tuple[str, str | None]]:
    reported: list[tuple[str, str | None]] = []
    assert isinstance(policy, ResourceValidationPolicy | StackValidationPolicy)
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    return reported


# --- the factory ---------------------------------------------------------------------------------


def test_factory_returns_every_rule_in_order_with_its_kind_and_default_level() -> None:
    policies = flow_policies()
    assert [p.name for p in policies] == ALL
    levels = {p.name: p.enforcement_level for p in policies}
    assert levels == {
        "flow-https-urls": EnforcementLevel.MANDATORY,
        "flow-buttons-complete": EnforcementLevel.MANDATORY,
        "flow-ttl-window": EnforcementLevel.ADVISORY,
        "flow-wait-time-window": EnforcementLevel.ADVISORY,
        "flow-utm-tags": EnforcementLevel.ADVISORY,
        "flow-enabled-landing-url": EnforcementLevel.ADVISORY,
        "flow-default-utm-tags": EnforcementLevel.REMEDIATE,
        "flow-unique-names": EnforcementLevel.MANDATORY,
        "flow-send-spacing": EnforcementLevel.ADVISORY,
        "flow-max-per-website": EnforcementLevel.MANDATORY,
    }
    kinds = {p.name: type(p).__name__ for p in policies}
    assert {n for n, k in kinds.items() if k == "StackValidationPolicy"} == {
        "flow-unique-names", "flow-send-spacing", "flow-max-per-website"}
    remediating = [p.name for p in policies if isinstance(p, ResourceValidationPolicy) and p.has_remediation()]
    assert remediating == ["flow-default-utm-tags"]
    assert all(p.description for p in policies)


def test_config_schemas_carry_the_defaults() -> None:
    schemas = {p.name: p.config_schema.properties for p in flow_policies() if p.config_schema is not None}
    assert schemas["flow-ttl-window"]["minSeconds"]["default"] == 3600
    assert "default" not in schemas["flow-ttl-window"]["maxSeconds"]
    assert schemas["flow-wait-time-window"]["minMinutes"]["default"] == 5
    assert schemas["flow-utm-tags"]["required"]["default"] == ["utm_source", "utm_medium", "utm_campaign"]
    assert schemas["flow-send-spacing"]["minGapMinutes"]["default"] == 5
    assert schemas["flow-max-per-website"]["maxFlows"]["default"] == 20
    assert schemas["flow-default-utm-tags"]["utmSource"]["default"] == "pushsmm"
    assert "flow-buttons-complete" not in schemas


def test_enforcement_and_defaults_can_be_changed_by_name() -> None:
    policies = by_name(flow_policies(enforcement={"flow-ttl-window": "mandatory",
                                                  "flow-https-urls": EnforcementLevel.ADVISORY},
                                     defaults={"flow-ttl-window": {"minSeconds": 86400}}))
    ttl = policies["flow-ttl-window"]
    assert ttl.enforcement_level is EnforcementLevel.MANDATORY
    assert policies["flow-https-urls"].enforcement_level is EnforcementLevel.ADVISORY
    assert ttl.config_schema is not None and ttl.config_schema.properties["minSeconds"]["default"] == 86400
    assert validate(ttl, resource_args(flow(ttl=3600)))  # the new default applies without any config
    assert validate(by_name(flow_policies())["flow-ttl-window"], resource_args(flow(ttl=3600))) == []
    assert RULES[2].config["minSeconds"]["default"] == 3600  # the table itself is untouched


def test_include_and_exclude() -> None:
    assert [p.name for p in flow_policies(include=["flow-ttl-window", "flow-https-urls"])] == [
        "flow-https-urls", "flow-ttl-window"]
    assert "flow-send-spacing" not in [p.name for p in flow_policies(exclude=["flow-send-spacing"])]


@pytest.mark.parametrize("kwargs", [{"enforcement": {"flow-nope": "advisory"}}, {"include": ["nope"]},
                                    {"exclude": ["nope"]}, {"defaults": {"flow-ttl-window": {"minimum": 1}}},
                                    {"defaults": {"nope": {}}}])
def test_unknown_names_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"nope|minimum"):
        flow_policies(**kwargs)


# --- props as pulumi_policy hands them over -------------------------------------------------------


def test_plain_props_marks_unknowns_and_restores_integers() -> None:
    proxied = unknown_checking_proxy({"website_id": 1.0, "segment": 3.0, "ttl": 0.0, "url": UNKNOWN_STRING_VALUE,
                                      "wait_time": UNKNOWN_NUMBER_VALUE, "name": "n", "is_enabled": True})
    props = plain_props(proxied)
    assert props == {"website_id": 1, "segment": 3, "ttl": 0, "url": UNKNOWN, "wait_time": UNKNOWN, "name": "n",
                     "is_enabled": True}
    assert type(props["website_id"]) is int
    raw = plain_props(secrets_preserving_proxy({"url": UNKNOWN_STRING_VALUE, "title": Secret("t")}))
    assert raw == {"url": UNKNOWN, "title": "t"}


def test_resource_policy_reports_for_flows_only_and_reads_its_config() -> None:
    https = by_name(flow_policies())["flow-https-urls"]
    assert validate(https, resource_args(flow(url="http://e.com"))) == [
        ("Flow \"welcome\": url must be an https:// URL, got 'http://e.com'", None)]
    assert validate(https, resource_args(flow(url="http://e.com"), resource_type="aws:s3/bucket:Bucket")) == []
    assert validate(https, resource_args(flow(url="http://e.com"), config={"allowHttpHosts": ["e.com"]})) == []
    ttl = by_name(flow_policies())["flow-ttl-window"]
    assert validate(ttl, resource_args(flow(ttl=3600), config={"minSeconds": 7200.0}))  # numbers come as floats


def test_unknown_values_at_preview_are_not_flagged() -> None:
    props = flow(url=UNKNOWN_STRING_VALUE, ttl=UNKNOWN_NUMBER_VALUE, wait_time=UNKNOWN_NUMBER_VALUE,
                 button_title_1="Go", button_url_1=UNKNOWN_STRING_VALUE)
    for policy in flow_policies():
        if isinstance(policy, ResourceValidationPolicy):
            assert validate(policy, resource_args(props)) == [], policy.name


def test_remediation_sets_the_tags_and_keeps_secrets_and_unknowns() -> None:
    remediation = by_name(flow_policies())["flow-default-utm-tags"]
    assert isinstance(remediation, ResourceValidationPolicy)
    props = {**wire(flow(utm_source="", utm_medium="", utm_campaign="")), "title": Secret("Secret title"),
             "image": UNKNOWN_STRING_VALUE}
    args = ResourceValidationArgs(TYPE_TOKEN, secrets_preserving_proxy(props), "urn:x::welcome", "welcome",
                                  OPTIONS, None, {})
    result = remediation.remediate(args)
    assert result is not None and not hasattr(result, "__await__")
    wire_props: Any = serialize_properties(result)
    assert wire_props["utm_source"] == "pushsmm" and wire_props["utm_medium"] == "push"
    assert wire_props["utm_campaign"] == "welcome"
    assert wire_props["image"] == UNKNOWN_STRING_VALUE  # still unknown
    assert wire_props["title"]["value"] == "Secret title"  # still a secret
    assert wire_props["website_id"] == 1.0


def test_remediation_of_a_complete_flow_or_another_type_changes_nothing() -> None:
    remediation = by_name(flow_policies())["flow-default-utm-tags"]
    assert isinstance(remediation, ResourceValidationPolicy)
    assert remediation.remediate(resource_args(flow())) is None
    assert remediation.remediate(resource_args(flow(utm_source=""), resource_type="random:index:Id")) is None


def _resource(resource_name: str, resource_type: str = TYPE_TOKEN, **overrides: Any) -> PolicyResource:
    return PolicyResource(resource_type, unknown_checking_proxy(wire(flow(**overrides))), f"urn:x::{resource_name}",
                          resource_name,
                          OPTIONS, None, None, [], {})


def test_stack_policy_sees_only_flows_and_reports_their_urns() -> None:
    resources = [_resource("a", name="Welcome"), _resource("b", name="Welcome", wait_time=UNKNOWN_NUMBER_VALUE),
                 _resource("other", resource_type="random:index:Id", name="Welcome")]
    assert [r.name for r in flow_records(resources)] == ["a", "b"]
    unique = by_name(flow_policies())["flow-unique-names"]
    assert validate(unique, StackValidationArgs(resources, {})) == [
        ("Flow \"b\": name 'Welcome' is already used by Flow \"a\" on website 1", "urn:x::b")]
    limit = by_name(flow_policies())["flow-max-per-website"]
    assert validate(limit, StackValidationArgs(resources, {"maxFlows": 1.0})) == [
        ('website_id 1 has 2 flows ("a", "b"), more than the limit of 1 flows per website', None)]


# --- through pulumi_policy's analyzer, as the engine calls it --------------------------------------


def servicer(config: dict[str, Any] | None = None) -> Any:
    """pulumi_policy's gRPC servicer for the ready pack's policies (a private class, used as the engine uses it)."""
    server = _PolicyAnalyzerServicer("pushsmm-flows", "0.1.0", flow_policies(), EnforcementLevel.ADVISORY)
    request = proto.ConfigureAnalyzerRequest()
    for name, value in (config or {}).items():
        policy_config = proto.PolicyConfig(enforcementLevel=value.pop("level", proto.ADVISORY))
        policy_config.properties.update(value)
        request.policyConfig[name].CopyFrom(policy_config)
    if config:
        server.Configure(request, None)
    return server


def analyze_request(props: dict[str, Any], name: str = "welcome") -> Any:
    struct = struct_pb2.Struct()
    struct.update(wire(props))
    return proto.AnalyzeRequest(type=TYPE_TOKEN, properties=struct, urn=f"urn:x::{name}", name=name)


def test_servicer_remediates_then_analysis_sees_the_filled_tags() -> None:
    server = servicer()
    request = analyze_request(flow(utm_source="", utm_medium="", utm_campaign="", url=UNKNOWN_STRING_VALUE))
    remediated = server.Remediate(request, None)
    assert [r.policyName for r in remediated.remediations] == ["flow-default-utm-tags"]
    new_props = json_format.MessageToDict(remediated.remediations[0].properties)
    assert {k: new_props[k] for k in ("utm_source", "utm_medium", "utm_campaign", "url")} == {
        "utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": "welcome", "url": UNKNOWN_STRING_VALUE}
    request.properties.Clear()
    request.properties.update(new_props)
    analyzed = server.Analyze(request, None)
    assert [d.policyName for d in analyzed.diagnostics] == []


def test_servicer_levels_and_messages_follow_the_config() -> None:
    request = analyze_request(flow(ttl=3600, url="http://e.com"))
    diagnostics = servicer().Analyze(request, None).diagnostics
    assert {d.policyName: d.enforcementLevel for d in diagnostics} == {"flow-https-urls": proto.MANDATORY}
    assert "url must be an https:// URL" in diagnostics[0].message
    configured = servicer({"flow-ttl-window": {"level": proto.MANDATORY, "minSeconds": 86400}})
    levels = {d.policyName: d.enforcementLevel for d in configured.Analyze(request, None).diagnostics}
    assert levels == {"flow-https-urls": proto.MANDATORY, "flow-ttl-window": proto.MANDATORY}


# --- the ready pack directory --------------------------------------------------------------------


def test_pack_directory_runs_python_from_the_repository_virtualenv() -> None:
    project = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == "../.venv"
    assert (POLICY_DIR / project["runtime"]["options"]["virtualenv"]).resolve() == (ROOT / ".venv").resolve()
    main = (POLICY_DIR / "__main__.py").read_text()
    assert "flow_policies()" in main and "PolicyPack(" in main
    requirements = (POLICY_DIR / "requirements.txt").read_text()
    assert "[policy]" in requirements  # the extra that brings pulumi-policy


def test_example_config_names_only_real_policies_settings_and_levels() -> None:
    example = json.loads((POLICY_DIR / "config.example.json").read_text())
    levels = {level.value for level in EnforcementLevel}
    for name, value in example.items():
        rule = RULES_BY_NAME[name]
        if isinstance(value, str):
            assert value in levels
            continue
        assert value.get("enforcementLevel", "advisory") in levels
        assert set(value) - {"enforcementLevel"} <= set(rule.config), name
        assert check_config_types(rule.config, value) == [], name


def check_config_types(schema: Mapping[str, Mapping[str, Any]], value: Mapping[str, Any]) -> list[str]:
    python_types = {"integer": int, "string": str, "boolean": bool, "array": list}
    return [key for key, setting in value.items()
            if key != "enforcementLevel" and not isinstance(setting, python_types[schema[key]["type"]])]
