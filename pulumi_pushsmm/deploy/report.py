"""What a command across stacks found, per stack: the one model the Markdown and JSON outputs both render.

A :class:`Report` holds one :class:`StackResult` per stack, in the order given. Each names the flows a
preview would change (or a rollout changed, or a refresh found drifted) with their fields, the policy
violations and the remediations the packs applied, and what went wrong. The exit code is decided here,
once, as ``terraform plan -detailed-exitcode`` does: 0 nothing to do, 2 changes (or drift), 1 a failure
or a mandatory policy violation. No Pulumi, no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final

JSON_VERSION: Final = 1
"""The version of :meth:`Report.to_json`'s shape; it changes only when a field is removed or changes meaning."""

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_CHANGES: Final = 2

# Statuses of one stack. A preview ends in NO_CHANGES, CHANGES or FAILED; a rollout in DONE, FAILED,
# NEEDS_RECOVERY or NOT_STARTED; a drift check in NO_DRIFT, DRIFT (or REMEDIATED) or FAILED.
NO_CHANGES: Final = "no changes"
CHANGES: Final = "changes"
FAILED: Final = "failed"
DONE: Final = "done"
NEEDS_RECOVERY: Final = "needs recovery"
NOT_STARTED: Final = "not started"
NO_DRIFT: Final = "no drift"
DRIFT: Final = "drift"
REMEDIATED: Final = "drift remediated"

_FAILING: Final = frozenset({FAILED, NEEDS_RECOVERY, NOT_STARTED})
_CHANGING: Final = frozenset({CHANGES, DRIFT, REMEDIATED})

OPERATIONS: Final = ("create", "update", "replace", "delete")
"""The operations a preview or rollout lists per flow, in the order a summary counts them."""


@dataclass(frozen=True)
class FieldChange:
    """One field of a flow: its old and new value, or only that it is secret.

    ``secret`` fields carry no value at all (Pulumi hands them over blinded, and they are never shown).
    Pulumi does not say whether a secret changed; ``certain`` is False when a secret field may or may not
    be among the changes of a flow whose other fields changed too.
    """

    name: str
    old: Any = None
    new: Any = None
    secret: bool = False
    certain: bool = True


@dataclass
class FlowChange:
    """A flow that a step creates, updates, replaces or deletes (or that drifted: ``update``/``delete``)."""

    name: str
    operation: str
    flow_id: str | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class Violation:
    """A policy violation: its policy, pack, enforcement level, the resource (None for the stack) and message."""

    policy: str
    pack: str
    level: str
    resource: str | None
    message: str

    @property
    def mandatory(self) -> bool:
        """Whether it fails the preview."""
        return self.level == "mandatory"


@dataclass(frozen=True)
class Remediation:
    """A remediation a policy pack applied to a resource's inputs, with the fields it changed."""

    policy: str
    pack: str
    resource: str
    fields: list[FieldChange]


@dataclass
class StackResult:
    """What a command did or found in one stack."""

    stack: str
    status: str
    flows: list[FlowChange] = field(default_factory=list)
    other_changes: dict[str, int] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    remediations: list[Remediation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Flows per operation (only those with at least one)."""
        found = {op: sum(1 for f in self.flows if f.operation == op) for op in OPERATIONS}
        return {op: n for op, n in found.items() if n}

    @property
    def mandatory_violations(self) -> list[Violation]:
        """The violations that fail a preview."""
        return [v for v in self.violations if v.mandatory]


@dataclass
class Report:
    """One command's results over its stacks, in the order they were given."""

    command: str
    stacks: list[StackResult]

    @property
    def exit_code(self) -> int:
        """1 when a stack failed (or was left undone), else 2 when one has changes or drift, else 0."""
        if any(s.status in _FAILING or s.mandatory_violations for s in self.stacks):
            return EXIT_FAILED
        if any(s.status in _CHANGING for s in self.stacks):
            return EXIT_CHANGES
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        """The report as plain data (see :data:`JSON_VERSION`); secret fields carry no value."""
        stacks = []
        for result in self.stacks:
            data = asdict(result)
            for flow in data["flows"]:
                flow["fields"] = [_field_json(f) for f in flow["fields"]]
            for remediation in data["remediations"]:
                remediation["fields"] = [_field_json(f) for f in remediation["fields"]]
            data["counts"] = result.counts()
            stacks.append(data)
        return {"version": JSON_VERSION, "command": self.command, "exit_code": self.exit_code, "stacks": stacks}


def _field_json(data: dict[str, Any]) -> dict[str, Any]:
    # A secret field never had a value here; say so instead of writing nulls that look like values.
    if data["secret"]:
        return {"name": data["name"], "secret": True, "certain": data["certain"]}
    return {"name": data["name"], "old": data["old"], "new": data["new"]}
