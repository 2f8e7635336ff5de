"""``pushsmm-pulumi``: the project's command line, one subcommand per job.

``pushsmm-pulumi import --website-id N | --all [--out DIR] [--find-links DIR | --index-url URL]`` writes
a Pulumi project that adopts the account's existing flows, and prints the commands that install and
deploy it (see :mod:`pulumi_pushsmm.adopt`).

``pushsmm-pulumi recover [--stack S] [--dry-run]`` settles the creates a killed ``pulumi up`` left
pending, so the next ``up`` makes no duplicate (see :mod:`pulumi_pushsmm.recover`).

``pushsmm-pulumi preview | up | drift --stack A --stack B ...`` work across a project's stacks: previews
with the policy packs as one Markdown/JSON report, an ordered rollout, and drift reports (see
:mod:`pulumi_pushsmm.deploy`). Their exit codes are those of ``terraform plan -detailed-exitcode``.

The API key is read from an environment variable (``PUSHSMM_API_KEY``, or the one ``--api-key-env``
names), never from the command line, where it would show in the shell history and process list.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .deploy.commands import add_parsers as add_deploy_parsers
from .errors import PushsmmError
from .names import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_VIRTUALENV
from .package_source import add_source_options, source_from
from .recover import add_parser as add_recover_parser
from .session import resolve_settings


def _import(args: argparse.Namespace) -> int:
    from .adopt import ProjectLayout, import_account, next_steps

    api_key = os.environ.get(args.api_key_env)
    if not api_key:
        raise PushsmmError(f"the pushsmm API key is not set: export it as {args.api_key_env}")
    settings = resolve_settings(base_url=args.base_url, api_key=api_key)
    out = Path(args.out)
    layout = ProjectLayout(project_name=args.project_name, virtualenv=args.virtualenv, source=source_from(args))
    imported = import_account(settings, out, website_ids=None if args.all else args.website_id, layout=layout)
    print(next_steps(imported, out, layout, settings, args.api_key_env))
    return 0


def parser() -> argparse.ArgumentParser:
    """The ``pushsmm-pulumi`` argument parser, with its subcommands."""
    top = argparse.ArgumentParser(prog="pushsmm-pulumi", description="Tools for pushsmm flows managed by Pulumi.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = commands.add_parser(
        "import", help="write a Pulumi project that adopts an account's existing flows",
        description="List the account's existing flows and write a ready Pulumi project declaring each one with "
                    "its current values and adopt_id (images downloaded beside it). Its first `pulumi up` "
                    "creates nothing and changes nothing.")
    which = imp.add_mutually_exclusive_group(required=True)
    which.add_argument("--website-id", type=int, action="append", metavar="N",
                       help="import this website's flows (repeat for several)")
    which.add_argument("--all", action="store_true", help="import every flow of the account")
    imp.add_argument("--out", default="pushsmm-adopted", help="new directory for the project (default: %(default)s)")
    imp.add_argument("--project-name", default="pushsmm-adopted", help="Pulumi project name (default: %(default)s)")
    imp.add_argument("--base-url", help=f"API base URL (default: ${BASE_URL_ENV}, else {DEFAULT_BASE_URL})")
    imp.add_argument("--api-key-env", default=API_KEY_ENV, metavar="VAR",
                     help="environment variable holding the account's API key (default: %(default)s)")
    imp.add_argument("--virtualenv", default=DEFAULT_VIRTUALENV, metavar="PATH",
                     help="the project's virtualenv, relative to it or absolute (default: %(default)s, made by the "
                          "printed commands; give an existing one to use it as it is)")
    add_source_options(imp)
    imp.set_defaults(run=_import)
    add_recover_parser(commands)
    add_deploy_parsers(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; an expected failure prints one line, not a traceback.

    A usage error exits 1, not argparse's 2: for ``preview`` and ``drift``, 2 means "changes".
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return 1 if exit_.code == 2 else int(exit_.code or 0)
    try:
        code: int = args.run(args)
    except PushsmmError as exc:
        print(f"pushsmm-pulumi {args.command}: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
