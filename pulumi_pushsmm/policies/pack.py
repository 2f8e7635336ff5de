"""Thin pulumi_policy wrappers around the pure rules, and the ``flow_policies`` factory that builds a pack's list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import ResourceRemediation
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from .. import state
from ..names import TYPE_TOKEN
from .props import UNKNOWN
from .rule import FlowRecord, Rule
from .rules import RULES, RULES_BY_NAME

PACK_NAME: Final = "pushsmm-flows"
"""The name of the ready pack in ``policy/``."""

_UNKNOWN_SENTINELS: Final = frozenset({
    UNKNOWN_ARCHIVE_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE,
})


def plain_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict of a resource's properties as pulumi_policy hands them over.

    Values not known yet become :data:`~pulumi_pushsmm.policies.props.UNKNOWN`,
    whether the proxy raises on reading them (validation) or passes the
    engine's placeholder string through (remediation); numbers, which arrive
    as floats, get their program types back (3.0 -> 3).
    """
    result: dict[str, Any] = {}
    for key in list(props):
        try:
            value = props[key]
        except UnknownValueError:
            value = UNKNOWN
        if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
            value = UNKNOWN
        result[key] = value
    return state.coerce_inputs(result)


def _merged(overrides: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    return {**overrides, **config}


def _resource_policy(rule: Rule, level: EnforcementLevel, overrides: Mapping[str, Any],
                     config_schema: PolicyConfigSchema | None) -> ResourceValidationPolicy:
    check, fill = rule.check, rule.remediate
    assert check is not None

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != TYPE_TOKEN:
            return
        for message in check(args.name, plain_props(args.props), _merged(overrides, args.get_config())):
            report_violation(message, None)

    def remediate(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        if args.resource_type != TYPE_TOKEN or fill is None:
            return None
        changes = fill(args.name, plain_props(args.props), _merged(overrides, args.get_config()))
        if not changes:
            return None
        props = args.props
        setter = getattr(props, "__setitem__", None)
        if setter is None:  # not pulumi_policy's proxy: return a new mapping
            return {**props, **changes}
        for key, value in changes.items():
            setter(key, value)  # the proxy keeps secret inputs secret and unknown ones unknown
        return props

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        # pulumi_policy types remediate as returning an awaitable, but takes a plain mapping (or None) too.
        remediate=cast(ResourceRemediation, remediate) if fill is not None else None,
        enforcement_level=level,
        config_schema=config_schema,
    )


def flow_records(resources: Iterable[PolicyResource]) -> list[FlowRecord]:
    """The stack's Flow resources as the stack rules take them."""
    return [FlowRecord(name=r.name, urn=r.urn, props=plain_props(r.props))
            for r in resources if r.resource_type == TYPE_TOKEN]


def _stack_policy(rule: Rule, level: EnforcementLevel, overrides: Mapping[str, Any],
                  config_schema: PolicyConfigSchema | None) -> StackValidationPolicy:
    stack_check = rule.stack_check
    assert stack_check is not None

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for finding in stack_check(flow_records(args.resources), _merged(overrides, args.get_config())):
            report_violation(finding.message, finding.urn)

    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=level,
        config_schema=config_schema,
    )


def _config_schema(rule: Rule, overrides: Mapping[str, Any]) -> PolicyConfigSchema | None:
    if not rule.config:
        return None
    unknown = sorted(set(overrides) - set(rule.config))
    if unknown:
        raise ValueError(f"policy {rule.name!r} has no settings {unknown}; its settings are {sorted(rule.config)}")
    properties = {key: dict(spec) for key, spec in rule.config.items()}
    for key, value in overrides.items():
        properties[key]["default"] = value
    return PolicyConfigSchema(properties=properties)


def _check_names(kind: str, names: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(RULES_BY_NAME))
    if unknown:
        raise ValueError(f"{kind} names unknown policies {unknown}; the policies are {sorted(RULES_BY_NAME)}")


def flow_policies(
    *,
    enforcement: Mapping[str, EnforcementLevel | str] | None = None,
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> list[Policy]:
    """The pushsmm flow policies, ready for ``PolicyPack(policies=...)``.

    ``enforcement`` changes a policy's default enforcement level by name,
    ``defaults`` its settings' defaults (both stay overridable through the
    pack's ``--policy-pack-config``), and ``include`` / ``exclude`` choose
    which policies to return (default: all, in :data:`RULES` order). Unknown
    policy or setting names raise ``ValueError``.
    """
    enforcement, defaults, exclude = dict(enforcement or {}), dict(defaults or {}), list(exclude)
    chosen = list(include) if include is not None else [rule.name for rule in RULES]
    for kind, names in (("enforcement", enforcement), ("defaults", defaults), ("include", chosen),
                        ("exclude", exclude)):
        _check_names(kind, names)
    policies: list[Policy] = []
    for rule in RULES:
        if rule.name not in chosen or rule.name in exclude:
            continue
        level = EnforcementLevel(enforcement.get(rule.name, rule.enforcement))
        overrides = defaults.get(rule.name, {})
        config_schema = _config_schema(rule, overrides)
        if rule.stack_check is not None:
            policies.append(_stack_policy(rule, level, overrides, config_schema))
        else:
            policies.append(_resource_policy(rule, level, overrides, config_schema))
    return policies
