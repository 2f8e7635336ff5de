"""What every rule is made of: the :class:`Rule` record, the shapes its checks take, and its settings.

A rule is data (name, description, default enforcement level, the JSON schema
of its settings with their defaults) plus a function. The meaning of each part
is written once, here, on the record type; :func:`settings` reads a policy
config against a rule's schema; the small schema builders below keep every
rule's settings spelled the same way. The rules themselves are in
``resource_rules`` and ``stack_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Level = Literal["advisory", "mandatory", "remediate", "disabled"]
"""An enforcement level, as pulumi_policy's EnforcementLevel values spell it."""

ResourceCheck = Callable[[str, Mapping[str, Any], Mapping[str, Any] | None], list[str]]
"""A resource rule: (URN name, props, policy config) -> violation messages."""


class Finding(NamedTuple):
    """One stack-rule violation: the message and, when it concerns one flow, that flow's URN."""

    urn: str | None
    message: str


@dataclass(frozen=True)
class FlowRecord:
    """One Flow of the stack as a stack rule sees it."""

    name: str
    """The resource's URN name (the first argument of ``Flow(...)``)."""
    urn: str
    """The resource's URN, which a finding about this flow carries."""
    props: Mapping[str, Any]
    """The flow's properties, with :data:`~pulumi_pushsmm.policies.props.UNKNOWN` for values not known yet."""


StackCheck = Callable[[Sequence[FlowRecord], Mapping[str, Any] | None], list[Finding]]
"""A stack rule: (the stack's flows, policy config) -> findings."""


@dataclass(frozen=True)
class Rule:
    """A policy of the pack: name, description, default enforcement, settings schema and logic."""

    name: str
    description: str
    enforcement: Level
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON schema of each setting (the pack's config_schema properties), with its default."""
    check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    remediate: Callable[[str, Mapping[str, Any], Mapping[str, Any] | None], dict[str, Any]] | None = None


def settings(rule: Rule, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rule's settings: each key's schema default, overridden by ``config``.

    Numbers from a policy config arrive as floats (3600.0); integer settings are
    given back as integers. The ``enforcementLevel`` key is not a setting.
    """
    result: dict[str, Any] = {key: spec.get("default") for key, spec in rule.config.items()}
    for key, value in (config or {}).items():
        if key == "enforcementLevel":
            continue
        spec = rule.config.get(key, {})
        if spec.get("type") == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = list(value)
        result[key] = value
    return result


# --- settings schema builders ----------------------------------------------------------------------


def integer(description: str, default: int | None = None, minimum: int = 0) -> dict[str, Any]:
    """An integer setting, at least ``minimum``."""
    spec: dict[str, Any] = {"type": "integer", "minimum": minimum, "description": description}
    if default is not None:
        spec["default"] = default
    return spec


def window(what: str, unit: str, smallest: int) -> dict[str, Any]:
    """The ``min<Unit>`` and ``max<Unit>`` settings of a rule that keeps ``what`` within a window."""
    return {
        f"min{unit.capitalize()}": integer(f"Smallest {what} accepted, in {unit}.", smallest),
        f"max{unit.capitalize()}": integer(f"Largest {what} accepted, in {unit} (no maximum when unset)."),
    }


def string(description: str, default: str, max_length: int) -> dict[str, Any]:
    """A string setting of at most ``max_length`` characters."""
    return {"type": "string", "maxLength": max_length, "default": default, "description": description}


def boolean(description: str, default: bool) -> dict[str, Any]:
    """A true/false setting."""
    return {"type": "boolean", "default": default, "description": description}


def names(description: str, allowed: Sequence[str], default: Sequence[str]) -> dict[str, Any]:
    """A setting that lists some of ``allowed``, each at most once."""
    return {"type": "array", "items": {"type": "string", "enum": list(allowed)}, "uniqueItems": True,
            "default": list(default), "description": description}
