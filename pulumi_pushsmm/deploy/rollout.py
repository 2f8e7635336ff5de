"""``pushsmm-pulumi up``: an ordered rollout, each stack previewed with the policy packs and then updated.

Per stack, in the order given: a stack left with pending operations (or a lock) by a killed run stops the
rollout with the recovery steps, or, with ``recover``, gets them run (``pulumi cancel``, then
:func:`pulumi_pushsmm.recover.recover`); then the policy-checked preview; then ``pulumi up``. The first
stack that fails stops the rollout: stacks not started yet are reported ``not started``. With
``parallel`` K, K stacks run at once (for stacks that do not depend on each other).

``pulumi cancel`` deletes the lock of whatever run holds it, so ``recover`` is for a run known to be dead:
in CI, one concurrency group per stack that never cancels a running deploy makes any lock a dead run's.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from .. import recover as recovery
from ..errors import PushsmmError
from .parallel import each_stack
from .preview import Checks, stack_result
from .report import DONE, FAILED, NEEDS_RECOVERY, NOT_STARTED, Report, StackResult
from .workspace import Echo, EngineRun, Project


@dataclass(frozen=True)
class Rollout:
    """How a rollout runs: its checks, whether it recovers a killed run's stack, and how many stacks at once."""

    checks: Checks
    recover: bool = False
    parallel: int = 1


def recovery_steps(project: Project, stack: str) -> list[str]:
    """The commands that settle a stack a killed run left behind, for a person to run."""
    where = f"--stack {shlex.quote(stack)} --cwd {shlex.quote(str(project.folder))}"
    return [
        "the stack is locked or has pending operations: a run still going holds it, or a killed run left it. "
        "Once no process of that run is left, run:",
        f"pulumi cancel --yes {where}",
        f"pushsmm-pulumi recover {where}",
        "then this rollout again (or run it with --recover, which does both)",
    ]


def _recover(project: Project, stack: str, result: StackResult) -> bool:
    """Release the dead run's lock and settle its pending creates; False (with the reason) when that failed."""
    try:
        project.pulumi(stack, ["cancel", "--yes"])
    except PushsmmError as error:
        # With no lock left, cancel has nothing to do; pending operations are still settled below.
        result.notes.append(f"pulumi cancel: {error}")
    try:
        outcomes = recovery.recover(project.runner(stack))
    except PushsmmError as error:
        result.errors.append(f"recovery failed: {error}")
        return False
    result.notes += ["recovered: " + o.describe() for o in outcomes] or ["recovered: no pending operations"]
    ambiguous = [o for o in outcomes if o.decision == "ambiguous"]
    if ambiguous:
        result.errors.append(f"recovery left {len(ambiguous)} create(s) pending: several flows match each")
    return not ambiguous


def _preview_if_settled(project: Project, stack: str, plan: Rollout, echo: Echo | None) -> EngineRun | None:
    """The stack's policy-checked preview, or None when a killed run left it pending operations or its lock."""
    if project.pending_operations(stack):
        return None
    run = project.run(stack, ["preview", *plan.checks.args()], echo)
    return None if run.locked else run


def deploy_stack(project: Project, stack: str, plan: Rollout, echo: Echo | None = None) -> StackResult:
    """Recover if asked, preview with the packs, then update one stack."""
    notes: list[str] = []
    run = _preview_if_settled(project, stack, plan, echo)
    if run is None and plan.recover:
        settled = StackResult(stack, FAILED)
        if not _recover(project, stack, settled):
            return settled
        notes = settled.notes
        run = _preview_if_settled(project, stack, plan, echo)
    if run is None:
        return StackResult(stack, NEEDS_RECOVERY, errors=recovery_steps(project, stack), notes=notes)
    checked = stack_result(stack, run)
    if checked.status == FAILED:
        checked.notes = [*notes, "stopped at the preview: nothing was changed in this stack"]
        return checked
    done = stack_result(stack, project.run(stack, ["up", "--yes", "--skip-preview", *plan.checks.args()], echo),
                        changed=DONE, unchanged=DONE)
    done.notes = notes
    return done


def rollout(project: Project, stacks: Sequence[str], plan: Rollout, echo: Echo | None = None) -> Report:
    """Deploy the stacks in order, stopping at the first that does not finish."""
    project.check_stacks(stacks)
    results = each_stack(stacks, lambda s: deploy_stack(project, s, plan, echo), parallel=plan.parallel,
                         stop=lambda r: r.status != DONE,
                         skipped=lambda s: StackResult(s, NOT_STARTED, notes=["not started: an earlier stack failed"]))
    return Report("up", results)
