"""Reading the Pulumi engine's event log into per-flow changes, policy violations and remediations.

The events are the JSON lines ``pulumi --event-log`` writes (the Automation API's own event objects drop
the policy remediation events, so the raw lines are read here). Pulumi blinds every secret in them: a
secret value arrives as ``{SECRET_SIG: SECRET_MARK, "ciphertext": "[secret]"}`` whatever it holds, so a
secret's value never reaches this module, and a summary can only say a secret field is involved.

The provider's state holds optional inputs only when they differ from their default (the state codec),
so both sides of a comparison are filled with the defaults of the schema table before they are compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..names import TYPE_TOKEN
from ..schema import SETTINGS_KEYS, with_defaults
from ..state import DIFFED_KEYS
from .report import OPERATIONS, FieldChange, FlowChange, Remediation, Violation

SECRET_SIG: Final = "4dabf18193072939515e22adb298388d"
"""The key Pulumi marks a serialized special value with."""
SECRET_MARK: Final = "1b47061264138c4ac30d75fd1eb44270"
"""The value of :data:`SECRET_SIG` that says "a secret"."""

COMPARED: Final = (*DIFFED_KEYS, *SETTINGS_KEYS)
"""The fields a summary compares: every input of a flow, its image's hash, and its own settings."""

Event = Mapping[str, Any]

_GENERIC_ERRORS: Final = frozenset(f"{op} failed" for op in ("preview", "update", "refresh", "destroy"))
"""Pulumi's closing line of a failed operation: worth showing only when nothing more specific was said."""


def is_secret(value: Any) -> bool:
    """Whether ``value`` is Pulumi's marker of a (blinded) secret."""
    return isinstance(value, Mapping) and value.get(SECRET_SIG) == SECRET_MARK


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _split(props: Mapping[str, Any] | None) -> tuple[dict[str, Any], set[str]]:
    """The plain compared fields of ``props`` with defaults filled in, and the names of its secret ones."""
    props = props or {}
    secrets = {k for k in COMPARED if is_secret(props.get(k))}
    plain = {k: v for k, v in props.items() if k in COMPARED and k not in secrets}
    return {k: v for k, v in with_defaults(plain).items() if k in COMPARED and k not in secrets}, secrets


def set_fields(props: Mapping[str, Any] | None) -> list[FieldChange]:
    """The fields a new flow sets (those it does not leave at their default), for a create."""
    props = props or {}
    return [FieldChange(k, new=None if is_secret(props[k]) else props[k], secret=is_secret(props[k]))
            for k in COMPARED if k in props]


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, *,
                   known_changed: bool = False) -> list[FieldChange]:
    """The fields that differ between two sets of flow properties, secrets named but never valued.

    Pulumi does not say whether a blinded secret changed. With ``known_changed`` (the provider reported a
    change), a secret field is listed as changed when no plain field differs, since then the change must be
    in the secrets; when plain fields differ too, it is listed as uncertain.
    """
    olds, old_secrets = _split(old)
    news, new_secrets = _split(new)
    secrets = old_secrets | new_secrets
    plain = [FieldChange(k, old=olds.get(k), new=news.get(k)) for k in COMPARED
             if k not in secrets and olds.get(k) != news.get(k)]
    if not known_changed:
        return plain
    return plain + [FieldChange(k, secret=True, certain=not plain) for k in COMPARED if k in secrets]


def _flow_change(metadata: Mapping[str, Any], operation: str) -> FlowChange:
    old, new = metadata.get("old") or {}, metadata.get("new") or {}
    flow_id = str(old.get("id") or new.get("id") or "") or None
    if operation == "create":
        fields = set_fields(new.get("inputs"))
    elif operation == "delete":
        fields = []
    else:
        fields = changed_fields(old.get("inputs"), new.get("inputs"), known_changed=True)
    return FlowChange(_name(str(metadata.get("urn"))), operation, flow_id, fields)


def _payload(events: Iterable[Event], kind: str) -> list[Mapping[str, Any]]:
    return [event[kind] for event in events if event.get(kind)]


def planned_flows(events: Iterable[Event]) -> list[FlowChange]:
    """The flows a preview or update creates, updates, replaces or deletes, in the engine's order.

    A refresh that runs first (``--refresh``) reports its own steps as "refresh"; those are not changes.
    """
    found: dict[str, FlowChange] = {}
    for pre in _payload(events, "resourcePreEvent"):
        metadata = pre.get("metadata") or {}
        if metadata.get("type") == TYPE_TOKEN and metadata.get("op") in OPERATIONS:
            found[str(metadata["urn"])] = _flow_change(metadata, str(metadata["op"]))
    return list(found.values())


def drifted_flows(events: Iterable[Event]) -> list[FlowChange]:
    """The flows a preview-only refresh found changed out of band (inputs only) or deleted.

    A refresh reports every flow whose recorded outputs moved, counters included; only a changed input is
    drift, since counters move whenever subscribers get the flow.
    """
    found: list[FlowChange] = []
    for outputs in _payload(events, "resOutputsEvent"):
        metadata = outputs.get("metadata") or {}
        if metadata.get("type") != TYPE_TOKEN:
            continue
        old, new = metadata.get("old") or {}, metadata.get("new") or {}
        flow_id = str(old.get("id") or "") or None
        if metadata.get("op") == "delete":
            found.append(FlowChange(_name(str(metadata["urn"])), "delete", flow_id))
        elif metadata.get("op") == "update":
            fields = changed_fields(old.get("outputs"), new.get("outputs"))
            if fields:
                found.append(FlowChange(_name(str(metadata["urn"])), "update", flow_id, fields))
    return found


def other_changes(events: Iterable[Event]) -> dict[str, int]:
    """Pulumi's own count of changed resources per operation (its summary), "same" left out."""
    for summary in _payload(events, "summaryEvent"):
        return {op: int(n) for op, n in (summary.get("resourceChanges") or {}).items() if op != "same" and n}
    return {}


def violations(events: Iterable[Event]) -> list[Violation]:
    """The policy violations, each with its level; a stack policy's resource is None."""
    found = []
    for policy in _payload(events, "policyEvent"):
        urn = str(policy.get("resourceUrn") or "")
        lines = str(policy.get("message") or "").strip().splitlines()
        # The first line is the policy's description; what it found in this resource follows.
        message = "\n".join(lines[1:]).strip() or (lines[0] if lines else "")
        found.append(Violation(str(policy.get("policyName")), str(policy.get("policyPackName")),
                               str(policy.get("enforcementLevel")),
                               None if not urn or "::pulumi:pulumi:Stack::" in urn else _name(urn), message))
    return found


def remediations(events: Iterable[Event]) -> list[Remediation]:
    """The remediations the policy packs applied, with the fields each changed."""
    return [Remediation(str(r.get("policyName")), str(r.get("policyPackName")), _name(str(r.get("resourceUrn"))),
                        changed_fields(r.get("before"), r.get("after")))
            for r in _payload(events, "policyRemediationEvent")]


def errors(events: Iterable[Event], *, specific_only: bool = False) -> list[str]:
    """The error diagnostics, each prefixed by its resource's name.

    Pulumi's closing "... failed" is kept only when nothing more specific was said, and not at all
    with ``specific_only``.
    """
    found = []
    for diagnostic in _payload(events, "diagnosticEvent"):
        if diagnostic.get("severity") != "error":
            continue
        message = str(diagnostic.get("message") or "").strip()
        urn = str(diagnostic.get("urn") or "")
        if urn and "::pulumi:pulumi:Stack::" not in urn:
            message = f"{_name(urn)}: {message}"
        if message and message not in found:
            found.append(message)
    specific = [m for m in found if m not in _GENERIC_ERRORS]
    return specific if specific or specific_only else found


def succeeded(events: Iterable[Event]) -> bool:
    """Whether the engine's summary says the operation succeeded (False when there is no summary)."""
    return any(s.get("result") == "succeeded" for s in _payload(events, "summaryEvent"))
