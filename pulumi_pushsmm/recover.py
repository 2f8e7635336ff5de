"""``pushsmm-pulumi recover``: finish a deploy that was killed, so the next ``pulumi up`` makes no duplicates.

When ``pulumi up`` dies (SIGKILL, a lost CI runner, a power cut), every create
it had started is left in the stack's state as a *pending operation* of type
``creating``, with the resource's URN and inputs, because the engine writes it
down before it asks the provider to create. pushsmm may or may not have stored
each of those flows. A plain ``pulumi up`` would drop the pending creates and
create them all again: a duplicate for every one that was stored.

This command settles each pending create of a Flow:

- It lists the account's flows once, using the settings recorded in the stack
  for the provider that ran the create (or ``PUSHSMM_API_KEY`` /
  ``PUSHSMM_BASE_URL``), leaving out every flow already in the state.
- A pending create matched by exactly one of the remaining flows (same website
  and every input equal) was stored: that flow is written into the state as the
  resource, with its id, exactly as a finished create would have written it.
- A pending create matched by none was not stored: it is dropped, and the next
  ``pulumi up`` creates it once.
- A pending create matched by several flows is ambiguous: it is left pending
  and the flows' ids are listed, so a person can decide. Nothing is deleted.

Other pending operations (updates, deletes) are dropped: the resource is still
in the state, so the next ``up`` updates it again (updates are idempotent) or
deletes it again (a 404 then counts as deleted, once the key is shown to be
the owner's).

It imports the edited state with ``pulumi stack import``. The whole recovery is
``pulumi cancel`` (release the dead run's lock), ``pushsmm-pulumi recover``,
``pulumi up``. The key is never printed and never written to a file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from . import schema, state
from .errors import PushsmmError, RecoveryError
from .names import API_KEY_ENV, TYPE_TOKEN
from .session import Settings, resolve_settings, session_for

FLOW_TYPE: Final = TYPE_TOKEN
PROVIDER_KEY: Final = "__provider"

Runner = Callable[[list[str], str | None], str]
"""Runs a ``pulumi`` command line (the arguments after ``pulumi``), with optional stdin; returns stdout."""


@dataclass
class Outcome:
    """What recovery decided for one pending operation."""

    urn: str
    operation: str
    decision: str  # "imported", "not stored", "ambiguous", "dropped"
    flow_id: str | None = None
    candidates: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the user."""
        name = self.urn.split("::")[-1]
        if self.decision == "imported":
            return f"{name}: pushsmm had stored it as flow {self.flow_id}; written into the state (no duplicate)"
        if self.decision == "not stored":
            return f"{name}: pushsmm had not stored it; `pulumi up` will create it"
        if self.decision == "ambiguous":
            ids = ", ".join(self.candidates)
            return (f"{name}: flows {ids} all match it, so it was left pending. Delete the extra ones in pushsmm "
                    "and run `pushsmm-pulumi recover` again")
        return f"{name}: interrupted while {self.operation}; still in the state, `pulumi up` finishes it"


def pulumi_runner(stack: str | None, cwd: str | None) -> Runner:
    """A runner for the ``pulumi`` on PATH, in ``cwd``, for ``stack`` (default: the selected stack)."""

    def run(args: list[str], stdin: str | None = None) -> str:
        command = ["pulumi", *args, "--non-interactive"]
        if stack:
            command += ["--stack", stack]
        try:
            done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise RecoveryError("the `pulumi` command was not found on PATH") from None
        if done.returncode != 0:
            raise RecoveryError(f"`pulumi {' '.join(args)}` failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    return run


def _plain(value: Any) -> Any:
    """A config value from an export made with --show-secrets: secrets come as {"plaintext": json}."""
    if isinstance(value, dict) and "plaintext" in value:
        try:
            return json.loads(value["plaintext"])
        except (TypeError, ValueError):
            return value["plaintext"]
    return value


def _provider_config(revealed: dict[str, Any], provider_ref: str | None) -> dict[str, Any]:
    """The config recorded in the state for the provider that ran the creates (secrets revealed)."""
    for resource in revealed.get("resources") or []:
        if provider_ref and f"{resource.get('urn')}::{resource.get('id')}" == provider_ref:
            return {key: _plain(value) for key, value in (resource.get("inputs") or {}).items()}
    return {}


def _accounts(revealed: dict[str, Any]) -> list[Settings]:
    """The settings of every account a pending Flow create was for: its own ``account=``, else the stack's.

    The stack's are those recorded for the provider that ran the create, falling back to the environment.
    """
    found: list[Settings] = []
    for operation in revealed.get("pending_operations") or []:
        resource = operation.get("resource") or {}
        if operation.get("type") != "creating" or resource.get("type") != FLOW_TYPE:
            continue
        inputs = resource.get("inputs") or {}
        base_url, key = (_plain(inputs.get(k)) for k in schema.ACCOUNT_KEYS)
        config = _provider_config(revealed, resource.get("provider"))
        settings = resolve_settings(config, base_url=base_url or None, api_key=key or None)
        if not settings.api_key:
            raise RecoveryError(
                f"no pushsmm API key: the stack records none for its provider, and {API_KEY_ENV} is not set")
        if settings not in found:
            found.append(settings)
    return found


def plan(deployment: dict[str, Any], flows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Outcome]]:
    """The deployment with every pending operation settled, and what was decided for each.

    ``flows`` are the account's flows as the API lists them. Pure: no network, no files.
    """
    resources: list[dict[str, Any]] = list(deployment.get("resources") or [])
    in_state = {str(r.get("id")) for r in resources if r.get("type") == FLOW_TYPE and r.get("id")}
    free = [f for f in flows if str(f.get("id")) not in in_state]
    taken: set[str] = set()
    outcomes: list[Outcome] = []
    still_pending: list[dict[str, Any]] = []
    for operation in deployment.get("pending_operations") or []:
        resource = dict(operation.get("resource") or {})
        urn, kind = str(resource.get("urn")), str(operation.get("type"))
        if kind != "creating" or resource.get("type") != FLOW_TYPE:
            outcomes.append(Outcome(urn, kind, "dropped"))
            continue
        inputs = dict(resource.get("inputs") or {})
        props = state.expand({k: v for k, v in inputs.items() if k != PROVIDER_KEY})
        matches = [f for f in state.matching_flows(free, props) if str(f["id"]) not in taken]
        if not matches:
            outcomes.append(Outcome(urn, kind, "not stored"))
        elif len(matches) > 1:
            outcomes.append(Outcome(urn, kind, "ambiguous", candidates=[str(f["id"]) for f in matches]))
            still_pending.append(operation)
        else:
            flow = matches[0]
            taken.add(str(flow["id"]))
            outputs = {**state.compact(state.outputs(flow, props)), PROVIDER_KEY: inputs.get(PROVIDER_KEY)}
            resources.append({**resource, "id": str(flow["id"]), "outputs": outputs})
            outcomes.append(Outcome(urn, kind, "imported", flow_id=str(flow["id"])))
    settled = {**deployment, "resources": resources}
    if still_pending:
        settled["pending_operations"] = still_pending
    else:
        settled.pop("pending_operations", None)
    return settled, outcomes


def _account_flows(settings: Settings) -> list[dict[str, Any]]:
    return session_for(settings).all_flows()


def recover(run: Runner, *, dry_run: bool = False,
            list_flows: Callable[[Settings], list[dict[str, Any]]] = _account_flows) -> list[Outcome]:
    """Settle the stack's pending operations (see the module docstring); returns what was decided.

    ``list_flows`` lists one account's flows (through its session, unless a test passes its own).
    """
    exported = json.loads(run(["stack", "export"], None))
    deployment: dict[str, Any] = exported.get("deployment") or {}
    pending = deployment.get("pending_operations") or []
    if not pending:
        return []
    creates = [p for p in pending if p.get("type") == "creating" and (p.get("resource") or {}).get("type") == FLOW_TYPE]
    flows: list[dict[str, Any]] = []
    if creates:
        revealed = json.loads(run(["stack", "export", "--show-secrets"], None)).get("deployment") or {}
        accounts = _accounts(revealed)
        del revealed  # it holds the keys in plain text: keep it no longer than needed
        # Website ids are unique across pushsmm, so the flows of every account involved can be matched together.
        for settings in accounts:
            flows += list_flows(settings)
    settled, outcomes = plan(deployment, flows)
    if not dry_run:
        with tempfile.TemporaryDirectory(prefix="pushsmm-recover-") as folder:
            path = Path(folder) / "deployment.json"
            path.write_text(json.dumps({**exported, "deployment": settled}))
            run(["stack", "import", "--file", str(path)], None)
    return outcomes


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``recover`` to a ``pushsmm-pulumi`` subcommand parser."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "recover", help="after a killed `pulumi up`: settle its pending creates so no flow is duplicated",
        description="Match each create a killed `pulumi up` left pending against the account's flows: a stored "
                    "flow is written into the state with its id, one never stored is left for `pulumi up` to "
                    "create. Run `pulumi cancel` first, and `pulumi up` after.")
    sub.add_argument("--stack", help="the stack (default: the selected one)")
    sub.add_argument("--cwd", help="the Pulumi project directory (default: the current one)")
    sub.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    sub.set_defaults(run=run_command)
    return sub


def run_command(args: argparse.Namespace) -> int:
    """Run ``recover`` from parsed arguments, printing one line per pending operation."""
    outcomes = recover(pulumi_runner(args.stack, args.cwd), dry_run=args.dry_run)
    if not outcomes:
        print("no pending operations: nothing to recover")
        return 0
    for outcome in outcomes:
        print(("would settle " if args.dry_run else "") + outcome.describe())
    ambiguous = [o for o in outcomes if o.decision == "ambiguous"]
    if not ambiguous and not args.dry_run:
        print("done: run `pulumi up` to finish the deploy")
    return 1 if ambiguous else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pulumi_pushsmm.recover``: the same as ``pushsmm-pulumi recover``."""
    top = argparse.ArgumentParser(prog="pushsmm-pulumi")
    add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["recover", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.run(args))
    except PushsmmError as exc:
        print(f"pushsmm-pulumi recover: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
