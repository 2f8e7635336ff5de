"""The state in a real PostgreSQL (Pulumi's ``postgres://`` DIY backend), shared by runners: the real CLI throughout.

Each "runner" is a checkout of the project with a Pulumi home of its own (``CliStack.runner``),
all on one database of the session's PostgreSQL server (tests/postgres.py) and one emulator
per module. The locking is Pulumi's; what is proved here is that our paths hold on it: two
stacks of one project, one stack deployed from two runners at once, a killed runner recovered
by README's steps (``pulumi cancel``, ``pushsmm-pulumi recover``), and ``import``'s project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.cli_stack import (
    Account,
    Admin,
    CliStack,
    N,
    all_at_once,
    assert_exactly_the_programs_flows,
    duplicates,
)
from tests.postgres import PostgresServer
from tests.support import ROOT, engine_env, make_flow, writes

pytestmark = pytest.mark.engine

LOCKED = "the stack is currently locked by 1 lock(s)"
"""Pulumi's own words for a stack another process holds (pkg/backend/diy/lock.go)."""


def stack_on(root: Path, backend: dict[str, str], account: Account, *, stack: str = "test", n: int = N) -> CliStack:
    """A stack of ``n`` flows on the account's website, its state in ``backend`` (``PULUMI_BACKEND_URL``, ...)."""
    return CliStack(root, env=backend, stack=stack,
                    config={"pushsmm:baseUrl": account.admin.base_url, "site": str(account.site), "n": str(n)},
                    secrets={"pushsmm:apiKey": account.key})


def test_two_stacks_of_one_project_through_up_preview_refresh_and_destroy(
        tmp_path: Path, admin: Admin, postgres: PostgresServer, pg_backend: dict[str, str]) -> None:
    eu, us = Account(admin), Account(admin)
    alpha = stack_on(tmp_path / "runner-1", pg_backend, eu, stack="alpha")
    beta = CliStack(tmp_path / "runner-2", env=alpha.extra_env, stack="beta", checkout=alpha.project,
                    config={"pushsmm:baseUrl": admin.base_url, "site": str(us.site), "n": str(N)},
                    secrets={"pushsmm:apiKey": us.key})
    # Two stacks of one project deploy at once: each has its own lock.
    ups = all_at_once([alpha, beta], "up", "--yes", "--skip-preview", "--parallel", "8")
    assert [done.code for done in ups] == [0, 0], [done.output for done in ups]
    assert_exactly_the_programs_flows(alpha, eu)
    assert_exactly_the_programs_flows(beta, us)
    stored = postgres.stored_keys(pg_backend, ".pulumi/stacks/reliability/")
    assert {".pulumi/stacks/reliability/alpha.json", ".pulumi/stacks/reliability/beta.json"} <= set(stored)

    # A third runner (a checkout holding both stacks' config, as the repository does) sees both; clean previews.
    third = beta.runner(tmp_path / "runner-3")
    listed = third.run("stack", "ls", "--json").stdout
    assert {s["name"] for s in json.loads(listed)} == {"alpha", "beta"}
    third.assert_clean_preview()
    third.run("preview", "--expect-no-changes", "--stack", "alpha")

    # A flow changed behind Pulumi's back: one runner refreshes, and the other runners' previews see it.
    admin.call("PATCH", f"/flows/{beta.flow_ids()[0]}", json={"title": "Changed by hand"})
    beta.run("refresh", "--yes", "--skip-preview")
    assert "Changed by hand" in third.run("stack", "export").stdout
    assert third.run("preview", "--expect-no-changes", check=False).returncode != 0
    third.up()
    beta.assert_clean_preview()

    third.run("destroy", "--yes", "--skip-preview")
    third.run("destroy", "--yes", "--skip-preview", "--stack", "alpha")
    assert eu.flows() == [] and us.flows() == []
    assert alpha.flow_ids() == [] and beta.flow_ids() == []


def test_one_stack_from_two_runners_one_writer_then_a_killed_runner_recovered(
        tmp_path: Path, admin: Admin, postgres: PostgresServer, pg_backend: dict[str, str]) -> None:
    account = Account(admin)
    first = stack_on(tmp_path / "runner-1", pg_backend, account, n=20)
    second = first.runner(tmp_path / "runner-2")

    # 1. Both runners start `pulumi up` of the same stack at once. Slow creates keep the winner's lock held.
    admin.set_faults([{"kind": "latency", "latency_ms": 300, "methods": ["POST"]}])
    for _attempt in range(3):
        ups = all_at_once([first, second], "up", "--yes", "--skip-preview", "--parallel", "8")
        # Pulumi writes its lock, then looks for others: two started within milliseconds may both see the
        # other's and both back off. Neither has written then; start again, as a person would.
        if all(done.code != 0 and LOCKED in done.output for done in ups) and account.flows() == []:
            continue
        break
    admin.clear_faults()
    assert sorted(done.code == 0 for done in ups) == [False, True], [done.output for done in ups]
    winner, loser = sorted(ups, key=lambda done: done.code != 0)
    assert LOCKED in loser.output and "created by" in loser.output
    assert loser.seconds < winner.seconds  # it failed at once, without waiting for the winner
    assert "Traceback" not in loser.output and account.key not in loser.output
    flows = account.flows()
    assert len(flows) == 20 and duplicates(flows) == []
    assert first.flow_ids() == account.ids()
    history = json.loads(second.run("stack", "history", "--json").stdout)
    assert len(history) == 1 and history[0]["result"] == "succeeded"  # one update: the loser wrote nothing
    assert postgres.stored_keys(pg_backend, ".pulumi/locks/") == []
    second.assert_clean_preview()

    # 2. A runner is killed while it deploys 10 more flows (SIGKILL of the CLI, language host and provider):
    #    its lock stays in the database, and some of its creates were stored without being recorded.
    first.run("config", "set", "n", str(N))
    admin.set_faults([{"kind": "latency", "latency_ms": 400, "methods": ["POST"]}])
    first.up_killed_when(lambda: len(account.flows()) >= 24)
    time.sleep(0.6)  # creates already received finish on the server although their client is gone
    admin.clear_faults()
    assert len(postgres.stored_keys(pg_backend, ".pulumi/locks/")) == 1
    blocked = second.run("up", "--yes", "--skip-preview", check=False)
    assert blocked.returncode != 0 and LOCKED in blocked.stdout + blocked.stderr
    assert "(pid " in blocked.stdout + blocked.stderr  # it names the dead runner's host and pid
    orphans = len(account.flows()) - len(first.flow_ids())  # the state is whole: PostgreSQL writes do not tear
    assert orphans > 0, "the kill left no stored-but-unrecorded flow: the test would prove nothing"

    # 3. README's steps, from the other runner: release the dead run's lock, settle its creates, finish.
    second.run("config", "set", "n", str(N))
    second.run("cancel", "--yes")
    assert postgres.stored_keys(pg_backend, ".pulumi/locks/") == []
    recovered = second.recover().stdout
    assert recovered.count("written into the state") == orphans
    second.up()
    assert_exactly_the_programs_flows(second, account)
    first.assert_clean_preview()


IMPORT_KEY = "team-import-key-DO-NOT-LEAK"


def test_the_project_import_generates_deploys_on_postgres(tmp_path: Path, postgres: PostgresServer,
                                                         pg_backend: dict[str, str]) -> None:
    """examples/adopt_account/walkthrough.sh with its state in PostgreSQL: adopts every flow, writes none."""
    with EmulatorServer(api_keys=[IMPORT_KEY], rate_limit=0, seed=23) as server:
        site = int(server.accounts[0]["website_ids"][0])
        ids = [make_flow(server, IMPORT_KEY, website_id=site, name=f"By hand {i}", title=f"Hello {i}")
               for i in range(6)]
        server.clear_request_log()
        (tmp_path / "state").mkdir()
        # As the walkthrough asks: the key and URL exported, and this test run's virtualenv activated.
        env = {**os.environ, **engine_env(tmp_path / "state", pg_backend),
               "PUSHSMM_API_KEY": IMPORT_KEY, "PUSHSMM_BASE_URL": server.base_url, "VIRTUAL_ENV": sys.prefix}
        done = subprocess.run([str(ROOT / "examples" / "adopt_account" / "walkthrough.sh"), "adopted"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert writes(server) == []  # nothing created, nothing changed
        exported = json.loads(done.stdout[done.stdout.rindex("{"):])
        assert sorted(int(i) for i in exported.values()) == sorted(ids)
    assert ".pulumi/stacks/pushsmm-adopted/adopted.json" in postgres.stored_keys(pg_backend, ".pulumi/stacks/")
