"""``pushsmm-pulumi drift``: which flows were changed or deleted out of band, without writing any state.

Each stack gets ``pulumi refresh --preview-only``: the provider reads every flow (one list request per
1000 flows, see :mod:`pulumi_pushsmm.snapshot`) and the engine reports what a refresh would record, but
records nothing. A flow whose inputs moved is listed field by field; a flow pushsmm no longer has is
listed as deleted. Counters moving (subscribers got the flow) are not drift.

With ``remediate``, each drifted stack (only those) then gets ``pulumi up --refresh``, with the policy
packs: the refresh records what pushsmm holds, and the update puts the program's flows back.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import events
from .parallel import each_stack
from .preview import Checks, stack_result
from .report import DONE, DRIFT, FAILED, NO_DRIFT, REMEDIATED, Report, StackResult
from .workspace import Echo, Project


def drift_stack(project: Project, stack: str, echo: Echo | None = None) -> StackResult:
    """One stack's drift, from a preview-only refresh."""
    run = project.run(stack, ["refresh", "--preview-only"], echo)
    if not run.ok:
        return StackResult(stack, FAILED, errors=events.errors(run.events) or [run.stderr.strip()[-2000:]])
    flows = events.drifted_flows(run.events)
    return StackResult(stack, DRIFT if flows else NO_DRIFT, flows=flows)


def remediate_stack(project: Project, found: StackResult, checks: Checks, echo: Echo | None = None) -> StackResult:
    """Put a drifted stack's flows back with ``pulumi up --refresh``; ``found`` gains how it went."""
    args = ["up", "--yes", "--skip-preview", *Checks(checks.policy_packs, checks.policy_pack_configs, True).args()]
    done = stack_result(found.stack, project.run(found.stack, args, echo), changed=DONE, unchanged=DONE)
    if done.status == FAILED:
        found.status = FAILED
        found.errors += ["remediation failed: " + e for e in done.errors]
    else:
        found.status = REMEDIATED
        found.notes.append(f"remediated with `pulumi up --refresh`: {_described(done)}")
    found.violations, found.remediations = done.violations, done.remediations
    return found


def _described(done: StackResult) -> str:
    counts = done.counts()
    return ", ".join(f"{n} flow(s) {op}d" for op, n in counts.items()) or "nothing left to change"


def drift(project: Project, stacks: Sequence[str], *, remediate: bool = False, checks: Checks | None = None,
          parallel: int = 1, echo: Echo | None = None) -> Report:
    """Every stack's drift; with ``remediate``, the drifted stacks put back."""
    project.check_stacks(stacks)

    def one(stack: str) -> StackResult:
        found = drift_stack(project, stack, echo)
        if remediate and found.status == DRIFT:
            return remediate_stack(project, found, checks or Checks(), echo)
        return found

    return Report("drift", each_stack(stacks, one, parallel=parallel))
