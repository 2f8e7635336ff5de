"""The ``pushsmm-pulumi preview``, ``up`` and ``drift`` subcommands: their options, outputs and exit codes.

Every choice is a flag and nothing prompts, so a CI runner can drive them unattended. Each prints what
``pulumi`` prints (each line prefixed with its stack), then one line per stack, and writes the report as
Markdown (``--summary``) and JSON (``--json``) when asked, even when a stack failed. The exit code carries
the answer: 0 nothing to change, 2 changes (or drift), 1 a failure, a stack left undone, or a mandatory
policy violation. A usage error exits 1 too, so that 2 always means "changes".

The Automation API is imported only when a command runs, so ``pushsmm-pulumi --help`` stays quick.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import DeployError
from .report import Report
from .summary import console_lines, markdown

EXIT_CODES = ("exit codes: 0 nothing to change; 2 changes to apply (drift: drift found); 1 a failure, a stack left "
              "undone, or a mandatory policy violation (and a usage error)")


def _common(sub: argparse.ArgumentParser, *, policy: bool = True) -> None:
    sub.add_argument("--stack", action="append", required=True, metavar="NAME",
                     help="a stack of the project (repeat, in order)")
    sub.add_argument("--cwd", default=".", metavar="DIR", help="the Pulumi project folder (default: the current one)")
    if policy:
        sub.add_argument("--policy-pack", action="append", default=[], metavar="DIR",
                         help="run this policy pack (repeat for several)")
        sub.add_argument("--policy-pack-config", action="append", default=[], metavar="FILE",
                         help="a JSON config for the policy pack given in the same position")
    sub.add_argument("--summary", metavar="FILE.md",
                     help="write the report as Markdown (for a pull-request comment or $GITHUB_STEP_SUMMARY)")
    sub.add_argument("--json", dest="json_file", metavar="FILE", help="write the report as JSON")
    sub.add_argument("--parallel", type=int, default=1, metavar="K",
                     help="run K stacks at once, for stacks that do not depend on each other (default: 1)")
    sub.add_argument("--quiet", action="store_true", help="do not print pulumi's own output")


def _checks(args: argparse.Namespace, *, refresh: bool = False) -> Any:
    from .preview import Checks

    return Checks(args.policy_pack, args.policy_pack_config, refresh)


def _run_preview(args: argparse.Namespace) -> Report:
    from .preview import preview

    return preview(_project(args), args.stack, _checks(args, refresh=args.refresh), parallel=args.parallel,
                   echo=_echo(args))


def _run_up(args: argparse.Namespace) -> Report:
    from .rollout import Rollout, rollout

    plan = Rollout(_checks(args, refresh=args.refresh), recover=args.recover, parallel=args.parallel)
    return rollout(_project(args), args.stack, plan, echo=_echo(args))


def _run_drift(args: argparse.Namespace) -> Report:
    from .drift import drift

    return drift(_project(args), args.stack, remediate=args.remediate, checks=_checks(args), parallel=args.parallel,
                 echo=_echo(args))


def _project(args: argparse.Namespace) -> Any:
    from .workspace import Project

    return Project(args.cwd)


def _echo(args: argparse.Namespace) -> Callable[[str], None] | None:
    return None if args.quiet else lambda line: print(line, flush=True)


def write_outputs(report: Report, summary: str | None, json_file: str | None) -> None:
    """Write the Markdown and JSON files asked for."""
    if summary:
        Path(summary).write_text(markdown(report), encoding="utf-8")
    if json_file:
        Path(json_file).write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _command(run: Callable[[argparse.Namespace], Report]) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        if args.parallel < 1:
            raise DeployError("--parallel must be 1 or more")
        report = run(args)
        write_outputs(report, args.summary, args.json_file)
        for line in console_lines(report):
            print(line)
        return report.exit_code

    return command


def add_parsers(commands: Any) -> None:
    """Add ``preview``, ``up`` and ``drift`` to a ``pushsmm-pulumi`` subcommand parser."""
    pre = commands.add_parser(
        "preview", help="policy-checked previews of several stacks, as one Markdown/JSON report",
        description="Preview each stack of the project with the policy packs and report, per stack, the flows to "
                    "create, update, replace or delete with their changed fields (secrets never shown), the policy "
                    "violations with their levels and the remediations applied. " + EXIT_CODES,
        epilog="Example: pushsmm-pulumi preview --stack dev --stack prod --policy-pack policy --refresh "
               "--summary preview.md --json preview.json")
    _common(pre)
    pre.add_argument("--refresh", action="store_true",
                     help="refresh first, so a flow changed out of band shows as the change that restores it")
    pre.set_defaults(run=_command(_run_preview))

    up = commands.add_parser(
        "up", help="an ordered rollout: each stack previewed with the policy packs, then updated",
        description="Deploy the stacks in the order given, each after its policy-checked preview; stop at the first "
                    "failure and report which stacks were done. A stack that a killed run left locked or with "
                    "pending operations stops the rollout with the recovery steps, unless --recover. "
                    "exit codes: 0 every stack done; 1 a stack failed or was left undone.")
    _common(up)
    up.add_argument("--refresh", action="store_true", help="refresh each stack before its preview and update")
    up.add_argument("--recover", action="store_true",
                    help="for a stack a killed run left behind: run `pulumi cancel` and `pushsmm-pulumi recover`, "
                         "then go on (only when no process of that run is left)")
    up.set_defaults(run=_command(_run_up))

    drift = commands.add_parser(
        "drift", help="report flows changed or deleted out of band, writing no state",
        description="Refresh each stack in preview-only mode (no state is written) and report the flows changed "
                    "out of band, field by field, and those deleted. With --remediate, run `pulumi up --refresh` "
                    "on the drifted stacks only. " + EXIT_CODES)
    _common(drift)
    drift.add_argument("--remediate", action="store_true",
                       help="put the drifted stacks back with `pulumi up --refresh` (the exit code is still 2: "
                            "drift was found)")
    drift.set_defaults(run=_command(_run_drift))
