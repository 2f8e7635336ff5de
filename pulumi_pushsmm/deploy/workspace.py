"""A Pulumi project folder driven through the Automation API, and the environment its provider process needs.

:class:`Project` wraps a ``pulumi.automation.LocalWorkspace`` on the project folder. It runs each ``pulumi``
command through the workspace's own ``PulumiCommand`` (same binary, environment and non-interactive mode
as ``Stack.preview`` and friends), with ``--stack`` named on every command rather than selected, so
several stacks can run at once without touching the folder's selected stack, and with an event log of
its own, read back as raw JSON lines (see :mod:`pulumi_pushsmm.deploy.events` for why).

The dynamic provider process. Pulumi starts it through ``pulumi-resource-pulumi-python``, a shell script
that runs ``$PULUMI_RUNTIME_VIRTUALENV/bin/python -m pulumi.dynamic`` when the project names a
``virtualenv`` runtime option, and otherwise ``${PULUMI_PYTHON_CMD:-python3} -m pulumi.dynamic``, with
``python3`` taken from ``PATH``. An Automation API program (an inline program has no ``virtualenv``) run
from a virtualenv that is not on ``PATH`` therefore gets a provider process that cannot import this
package. :func:`workspace_options` builds ``LocalWorkspaceOptions`` whose ``env_vars`` (those of the
``pulumi`` processes only, see :func:`provider_env`) start it with the interpreter running the program,
so no caller has to edit ``PATH``. Project folders run by the commands keep their own runtime settings.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..errors import DeployError

if TYPE_CHECKING:
    from pulumi import automation as auto

    from ..recover import Runner

PYTHON_CMD_ENV: Final = "PULUMI_PYTHON_CMD"
"""The variable ``pulumi-resource-pulumi-python`` (and the Python language host) take the interpreter from."""

Echo = Callable[[str], None]
"""Receives each line a ``pulumi`` command prints."""

_LOCKED: Final = "currently locked"
"""What Pulumi says when another run holds the stack's lock (or a dead run left it)."""


def provider_env(env: Mapping[str, str] | None = None, python: str = sys.executable) -> dict[str, str]:
    """``env`` (default: none) made to start the Flow provider process with ``python`` (default: this one).

    ``PATH`` gets ``python``'s folder first, so the ``python3`` that ``pulumi-resource-pulumi-python`` runs
    is that interpreter's (a virtualenv's ``bin`` holds ``python3``). Only when that folder has no
    ``python3`` is ``PULUMI_PYTHON_CMD`` set to ``python`` itself: a full path there breaks older Python
    language hosts when a policy pack names a virtualenv. A ``PULUMI_PYTHON_CMD`` already set is kept. A
    project whose ``Pulumi.yaml`` names a ``virtualenv`` still runs its provider there: that comes first.
    """
    merged = dict(env or {})
    folder = str(Path(python).parent)
    path = merged.get("PATH", os.environ.get("PATH", ""))
    merged["PATH"] = os.pathsep.join([folder, *(p for p in path.split(os.pathsep) if p and p != folder)])
    chosen = merged.get(PYTHON_CMD_ENV) or os.environ.get(PYTHON_CMD_ENV)
    if not chosen and shutil.which("python3", path=folder) is None:
        merged[PYTHON_CMD_ENV] = python
    return merged


def workspace_options(**options: Any) -> auto.LocalWorkspaceOptions:
    """``LocalWorkspaceOptions(**options)`` whose ``env_vars`` let the Flow provider process import this package.

    For Automation API programs: ``auto.create_or_select_stack(name, project_name=..., program=...,
    opts=workspace_options(...))`` runs the dynamic provider with the interpreter running the program.
    """
    from pulumi import automation as auto

    options["env_vars"] = provider_env(options.get("env_vars"))
    return auto.LocalWorkspaceOptions(**options)


@dataclass
class EngineRun:
    """One ``pulumi`` operation: whether it exited 0, the engine's events, and what it wrote to stderr."""

    ok: bool
    events: list[dict[str, Any]]
    stderr: str

    @property
    def locked(self) -> bool:
        """Whether it failed because the stack is locked."""
        return not self.ok and _LOCKED in self.stderr


class Project:
    """One Pulumi project folder and its stacks, through a ``LocalWorkspace``."""

    def __init__(self, work_dir: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> None:
        from pulumi import automation as auto

        folder = Path(work_dir).resolve()
        if not any((folder / f"Pulumi.{ext}").is_file() for ext in ("yaml", "yml", "json")):
            raise DeployError(f"{folder} holds no Pulumi.yaml: pass the project folder with --cwd")
        try:
            # The project's own runtime settings choose its Python, exactly as for `pulumi up` in that folder.
            self.workspace = auto.LocalWorkspace(work_dir=str(folder), env_vars=dict(env or {}))
        except FileNotFoundError:
            raise DeployError("the `pulumi` command was not found on PATH: install the Pulumi CLI") from None
        self.folder = folder
        self._echo_lock = threading.Lock()

    def stack_names(self) -> list[str]:
        """The project's stacks in its backend."""
        return [summary.name for summary in self.workspace.list_stacks()]

    def check_stacks(self, stacks: Sequence[str]) -> None:
        """Refuse, before anything runs, a stack the backend does not hold."""
        known = self.stack_names()
        missing = [s for s in stacks if not any(k == s or k.endswith(f"/{s}") for k in known)]
        if missing:
            raise DeployError(f"no stack {', '.join(missing)} in the project at {self.folder} "
                              f"(its stacks: {', '.join(known) or 'none'})")

    def _command(self, stack: str, args: Sequence[str], echo: Echo | None,
                 extra_env: Mapping[str, str] | None = None) -> tuple[bool, str, str]:
        """Run one command: whether it exited 0, its stdout, and its stderr (kept apart from the echo)."""
        from pulumi import automation as auto

        env = {**self.workspace.env_vars, **(extra_env or {})}
        on_line = self._echo(stack, echo)
        errors: list[str] = []

        def on_error(text: str) -> None:
            errors.append(text)
            if on_line is not None:
                on_line(text)

        try:
            done = self.workspace.pulumi_command.run([*args, "--stack", stack], self.workspace.work_dir, env,
                                                     on_line, on_error)
        except auto.CommandError:
            return False, "", "\n".join(errors)
        return True, done.stdout, done.stderr

    def _echo(self, stack: str, echo: Echo | None) -> Echo | None:
        if echo is None:
            return None

        def line(text: str) -> None:
            # Several stacks may run at once: one whole line at a time, each with its stack's name.
            with self._echo_lock:
                echo(f"[{stack}] {text}")

        return line

    def run(self, stack: str, args: Sequence[str], echo: Echo | None = None) -> EngineRun:
        """Run ``pulumi ARGS --stack STACK`` with an event log; its failure is in the result, not raised."""
        with tempfile.TemporaryDirectory(prefix="pushsmm-deploy-") as folder:
            log = Path(folder) / "events.jsonl"
            # --event-log is offered only with PULUMI_DEBUG_COMMANDS, which the Automation API sets for the same use.
            ok, _, stderr = self._command(stack, [*args, f"--event-log={log}"], echo,
                                          {"PULUMI_DEBUG_COMMANDS": "true"})
            lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return EngineRun(ok, [json.loads(line) for line in lines if line.strip()], stderr)

    def pulumi(self, stack: str, args: Sequence[str]) -> str:
        """Run ``pulumi ARGS --stack STACK`` and return its stdout; a failure raises :class:`DeployError`."""
        ok, stdout, stderr = self._command(stack, args, None)
        if not ok:
            raise DeployError(f"`pulumi {' '.join(args)} --stack {stack}` failed: {stderr.strip()}")
        return stdout

    def pending_operations(self, stack: str) -> list[dict[str, Any]]:
        """The operations a killed run left pending in the stack's state."""
        exported = json.loads(self.pulumi(stack, ["stack", "export"]))
        return list((exported.get("deployment") or {}).get("pending_operations") or [])

    def runner(self, stack: str) -> Runner:
        """A :data:`pulumi_pushsmm.recover.Runner` for one stack of this project."""

        def run(args: list[str], stdin: str | None = None) -> str:
            if stdin is not None:
                raise DeployError("this runner passes no standard input to pulumi")
            return self.pulumi(stack, args)

        return run
