"""Driving the real `pulumi` CLI as a user does (a project folder, subprocesses) against the emulator's admin API.

The engine tests that kill `pulumi up`, read `pulumi stack export`, or run the
recovery command use the CLI in a project folder rather than the Automation API's
inline programs. Each makes an ``Account`` of its own on one emulator per module
(the ``cli_emulator`` and ``admin`` fixtures of tests/conftest.py), so they share
it without seeing each other's flows.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support import engine_env

PROGRAM = '''\
"""N flows on one website; the title and the key come from config, so a test can change them."""
import pulumi
from pulumi_pushsmm import Flow

config = pulumi.Config()
site = config.require_int("site")
title = config.get("title") or "Hello"
for i in range(config.require_int("n")):
    Flow(f"flow-{i:02d}", website_id=site, name=f"Flow {i:02d}", title=title, description=f"Message {i}",
         wait_time=i + 1, wait_time_type="minutes")
'''

HOSTILE_PROGRAM = '''\
"""One hostile Flow: case number $HOSTILE_CASE of cases.json (JSON, so it can hold any string)."""
import itertools
import json
import os
import pathlib

from pulumi_pushsmm import Flow

cases = json.loads(pathlib.Path(__file__).with_name("cases.json").read_text())
Flow("hostile", **cases[int(os.environ["HOSTILE_CASE"])]["inputs"])
'''


N = 30
_keys = itertools.count(1)


class Admin:
    """The emulator's admin surface (not the API the provider uses)."""

    def __init__(self, admin_url: str, base_url: str) -> None:
        self.url = admin_url
        self.base_url = base_url

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def add_account(self, api_key: str) -> dict[str, Any]:
        """A new account for ``api_key``: {user_id, website_ids, segment_ids}."""
        return dict(self.call("POST", "/accounts", json={"api_key": api_key}))

    def flows(self, user_id: int) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/accounts/{user_id}/flows")["data"])

    def set_faults(self, rules: list[dict[str, Any]], seed: int = 0) -> None:
        self.call("PUT", "/faults", json={"rules": rules, "seed": seed})

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    def requests(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/requests")["data"])

    def clear_requests(self) -> None:
        self.call("DELETE", "/requests")


class CliStack:
    """One Pulumi project folder and stack, run through the `pulumi` CLI: a runner's checkout and Pulumi home.

    The state is in a local backend of its own, unless ``env`` names another ``PULUMI_BACKEND_URL``
    (a PostgreSQL database, tests/postgres.py). ``checkout`` starts from a copy of another runner's
    project folder (as a git clone of the project would be, stack config files included), and
    ``init=False`` selects the stack that exists in the backend instead of making it.
    """

    def __init__(self, root: Path, *, program: str = PROGRAM, config: dict[str, str] | None = None,
                 secrets: dict[str, str] | None = None, env: dict[str, str] | None = None, stack: str = "test",
                 checkout: Path | None = None, init: bool = True) -> None:
        self.root = root
        self.project = root / "project"
        self.stack = stack
        self.extra_env = dict(env or {})
        if checkout is not None:
            shutil.copytree(checkout, self.project)
        else:
            self.project.mkdir(parents=True)
            (self.project / "Pulumi.yaml").write_text("name: reliability\nruntime: python\n")
            (self.project / "__main__.py").write_text(program)
        state = root / "state"
        state.mkdir()
        self.env = {**os.environ, **engine_env(state, env)}
        self.env.pop("PUSHSMM_API_KEY", None)
        self.env.pop("PUSHSMM_BASE_URL", None)
        self.env.update(env or {})
        self.output: list[str] = []
        self.run("stack", "init" if init else "select", stack)
        for key, value in (config or {}).items():
            self.run("config", "set", key, value)
        for key, value in (secrets or {}).items():
            self.run("config", "set", "--secret", key, value)

    def runner(self, root: Path) -> CliStack:
        """This stack as another CI runner has it: a checkout of the project, its own Pulumi home, the same backend."""
        return CliStack(root, env=self.extra_env, stack=self.stack, checkout=self.project, init=False)

    def run(self, *args: str, check: bool = True, timeout: float = 300, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
        """`pulumi ARGS --non-interactive`; keeps all it printed in ``output``."""
        done = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.project, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout, check=False)
        self.output += [done.stdout, done.stderr]
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def up(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", "--parallel", "8", *extra)

    def assert_clean_preview(self) -> None:
        self.run("preview", "--expect-no-changes")

    def recover(self) -> subprocess.CompletedProcess[str]:
        """The documented recovery step (``pushsmm-pulumi recover``), run as a module of this interpreter."""
        done = subprocess.run([sys.executable, "-m", "pulumi_pushsmm.cli", "recover"], cwd=self.project, env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)
        self.output += [done.stdout, done.stderr]
        assert done.returncode == 0, f"recover failed:\n{done.stdout}\n{done.stderr}"
        return done

    def export(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "export").stdout)["deployment"])

    def flow_ids(self) -> list[str]:
        """The ids of the Flow resources in the state."""
        return sorted(str(r["id"]) for r in self.export().get("resources") or []
                      if r["type"].endswith("pushsmm:Flow"))

    def start(self, *args: str, quiet: bool = False, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Start `pulumi ARGS` in its own process group, not waiting; its output piped (dropped when ``quiet``)."""
        return subprocess.Popen(["pulumi", *args, "--non-interactive"], cwd=self.project,
                                env={**self.env, **(env or {})},
                                stdout=subprocess.DEVNULL if quiet else subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)

    def up_killed_when(self, ready: Callable[[], bool], timeout: float = 120) -> None:
        """Start `pulumi up` and SIGKILL its whole process group (CLI, language host, provider) once ``ready()``."""
        killed_when(self.start("up", "--yes", "--skip-preview", "--parallel", "8", quiet=True), ready, timeout)


def killed_when(process: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 120) -> None:
    """SIGKILL ``process``'s whole process group (started in a session of its own) once ``ready()``."""
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if process.poll() is not None:
                raise AssertionError("the command finished before the kill point was reached")
            if time.monotonic() > deadline:
                raise AssertionError("the kill point was never reached")
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@dataclass
class Finished:
    """How one of several commands started together ended: exit code, output, seconds from the common start."""

    code: int
    output: str
    seconds: float


def all_at_once(stacks: list[CliStack], *args: str, env: dict[str, str] | None = None) -> list[Finished]:
    """Start `pulumi ARGS` in every stack at the same instant (as runners would), and wait for all of them."""
    started = time.monotonic()
    processes = [stack.start(*args, env=env) for stack in stacks]

    def finish(process: subprocess.Popen[str]) -> Finished:
        output = process.communicate(timeout=900)[0]
        return Finished(process.returncode, output, time.monotonic() - started)

    with ThreadPoolExecutor(len(processes)) as pool:
        finished = list(pool.map(finish, processes))
    for stack, done in zip(stacks, finished, strict=True):
        stack.output.append(done.output)
    return finished


def killed_mid_up(new: Callable[[int], tuple[CliStack, Account]], admin: Admin, kill_after: int,
                  attempts: int = 3) -> tuple[CliStack, Account]:
    """A stack (made by ``new(attempt)``) whose `pulumi up` was SIGKILLed with creates in flight, once
    ``kill_after`` of its flows were stored; the creates the server had already received finish there.

    A SIGKILL in the middle of the file backend's own checkpoint write tears the state file itself
    ("failed to load checkpoint: EOF"): Pulumi's failure, not this provider's. Then a new stack is killed.
    """
    for attempt in range(attempts):
        stack, account = new(attempt)
        # Slow creates, so the kill lands with several of them in flight.
        admin.set_faults([{"kind": "latency", "latency_ms": 400, "methods": ["POST"]}])
        stack.up_killed_when(lambda account=account: len(account.flows()) >= kill_after)
        time.sleep(0.6)  # creates already received finish on the server although their client is gone
        admin.clear_faults()
        if "failed to load checkpoint" not in stack.run("stack", "export", check=False).stderr:
            return stack, account
    raise AssertionError(f"each of {attempts} kills tore the state file itself")


def duplicates(flows: list[dict[str, Any]]) -> list[str]:
    """Names stored more than once."""
    return [name for name, count in Counter(f["name"] for f in flows).items() if count > 1]


class Account:
    """An emulator account of its own for one test, with a key that must never leak."""

    def __init__(self, admin: Admin) -> None:
        self.key = f"reliability-key-{next(_keys)}-{os.urandom(6).hex()}-NEVER-PRINTED"
        info = admin.add_account(self.key)
        self.user_id = int(info["user_id"])
        self.site = int(info["website_ids"][0])
        self.admin = admin

    def flows(self) -> list[dict[str, Any]]:
        return self.admin.flows(self.user_id)

    def ids(self) -> list[str]:
        return sorted(str(f["id"]) for f in self.flows())


def new_stack(tmp_path: Path, account: Account, **extra: str) -> CliStack:
    """A stack of N flows (config ``n``) on the account's website, with the account's key as a secret."""
    return CliStack(tmp_path, config={"pushsmm:baseUrl": account.admin.base_url, "site": str(account.site),
                                      "n": str(N), **extra},
                    secrets={"pushsmm:apiKey": account.key})


def assert_exactly_the_programs_flows(stack: CliStack, account: Account, title: str | None = None) -> None:
    flows = account.flows()
    assert len(flows) == N, f"{len(flows)} flows, not {N}"
    assert duplicates(flows) == []
    assert stack.flow_ids() == account.ids()
    if title is not None:
        assert {f["title"] for f in flows} == {title}
