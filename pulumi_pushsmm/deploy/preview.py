"""``pushsmm-pulumi preview``: a policy-checked preview of every stack, as one report.

Each stack gets ``pulumi preview`` with the policy packs (and ``--refresh`` when asked, so a flow changed
out of band shows as the change that puts it back). Its events become the stack's result: the flows to
create, update, replace or delete with their fields, the violations with their levels, the remediations
the packs applied. A mandatory violation or a failed preview makes the stack ``failed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import events
from .parallel import each_stack
from .report import CHANGES, FAILED, NO_CHANGES, Report, StackResult
from .workspace import Echo, EngineRun, Project


@dataclass(frozen=True)
class Checks:
    """What every preview and update runs with: the policy packs and their config files."""

    policy_packs: Sequence[str] = ()
    policy_pack_configs: Sequence[str] = ()
    refresh: bool = False
    extra: Sequence[str] = field(default_factory=tuple)

    def args(self) -> list[str]:
        """The ``pulumi`` flags for them; paths made absolute, since pulumi runs in the project folder."""
        found: list[str] = []
        for pack in self.policy_packs:
            found += ["--policy-pack", str(Path(pack).resolve())]
        for config in self.policy_pack_configs:
            found += ["--policy-pack-config", str(Path(config).resolve())]
        return found + (["--refresh"] if self.refresh else []) + list(self.extra)


def stack_result(stack: str, run: EngineRun, *, changed: str = CHANGES, unchanged: str = NO_CHANGES) -> StackResult:
    """A stack's result from one preview or update: ``changed`` or ``unchanged``, or ``failed``."""
    flows = events.planned_flows(run.events)
    result = StackResult(stack, unchanged, flows=flows, other_changes=events.other_changes(run.events),
                         violations=events.violations(run.events), remediations=events.remediations(run.events))
    if not run.ok or result.mandatory_violations:
        result.status = FAILED
        # A mandatory violation speaks for itself (listed with the violations); Pulumi then only adds
        # "preview failed". Any other failure gets what the engine said, else pulumi's last words.
        result.errors = events.errors(run.events, specific_only=bool(result.mandatory_violations))
        if not result.errors and not result.mandatory_violations:
            result.errors = [_last_lines(run.stderr)]
    elif result.other_changes or flows:
        result.status = changed
    return result


def _last_lines(text: str, count: int = 5) -> str:
    # What pulumi printed last is where it says why it stopped; the rest is progress.
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-count:]) or "pulumi failed without a message"


def preview_stack(project: Project, stack: str, checks: Checks, echo: Echo | None = None) -> StackResult:
    """One stack's policy-checked preview."""
    return stack_result(stack, project.run(stack, ["preview", *checks.args()], echo))


def preview(project: Project, stacks: Sequence[str], checks: Checks, *, parallel: int = 1,
            echo: Echo | None = None) -> Report:
    """Every stack's policy-checked preview (all of them, whatever one finds)."""
    project.check_stacks(stacks)
    return Report("preview", each_stack(stacks, lambda s: preview_stack(project, s, checks, echo), parallel=parallel))
