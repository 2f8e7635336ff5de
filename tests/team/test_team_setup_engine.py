"""README's "Team setup", every command as written: runners on one PostgreSQL state, a killed one, K stacks on one key.

The runners are folders with a Pulumi home each and the CI's secrets in their environment
(the database password, the passphrase, the key); the first step of README sets the backend
and the passphrase from them. ``PUSHSMM_BASE_URL`` stands in for pushsmm.com: the emulator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.cli_stack import PROGRAM, CliStack, duplicates, killed_when
from tests.postgres import PASSWORD, PostgresServer
from tests.support import bearer, engine_env
from tests.team.helpers import run_steps, step

pytestmark = pytest.mark.engine

KEY = "team-setup-key-DO-NOT-LEAK"
TEAM_PROGRAM = '''\
"""A welcome series on website 1: as many flows as $TEAM_FLOWS says (3 unless set)."""
import os

from pulumi_pushsmm import Flow

for i in range(int(os.environ.get("TEAM_FLOWS", "3"))):
    Flow(f"welcome-{i}", website_id=1, name=f"Welcome {i}", title="Welcome aboard!",
         description="Thanks for subscribing.", wait_time=i + 1, wait_time_type="days")
'''


@pytest.fixture(scope="module")
def emulator(pulumi_bin_dir: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(api_keys=[KEY], rate_limit=0, seed=29) as server:
        yield server


def runner(root: Path, server: EmulatorServer, *, with_key: bool) -> dict[str, str]:
    """A CI runner's environment: its secrets and a Pulumi home of its own; no backend or passphrase until README's."""
    (root / "home").mkdir(parents=True)
    env = {**os.environ, **engine_env(root / "home")}
    for name in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PGPASSWORD", "PUSHSMM_API_KEY"):
        env.pop(name, None)
    env.update(PULUMI_DB_PASSWORD=PASSWORD, PULUMI_PASSPHRASE="team-passphrase", PUSHSMM_BASE_URL=server.base_url)
    if with_key:
        env["PUSHSMM_API_KEY"] = KEY
    return env


def test_runners_share_the_state_and_a_killed_one_is_recovered_as_written(
        tmp_path: Path, emulator: EmulatorServer, postgres: PostgresServer) -> None:
    url = postgres.backend_env(postgres.new_database())["PULUMI_BACKEND_URL"]
    first, second = tmp_path / "runner-1" / "my-flows", tmp_path / "runner-2" / "my-flows"
    first.mkdir(parents=True)
    (first / "Pulumi.yaml").write_text("name: my-flows\nruntime: python\n")
    (first / "__main__.py").write_text(TEAM_PROGRAM)
    first_env = runner(tmp_path / "runner-1", emulator, with_key=True)

    # The first runner makes the stack, stores the key (encrypted), deploys.
    done = run_steps(["runner-env", "stack-once", "deploy"], url, first, first_env)
    assert KEY not in done.stdout + done.stderr and KEY not in (first / "Pulumi.prod.yaml").read_text()
    assert len(emulator.flows_for(KEY)) == 3

    # Another runner, with the committed Pulumi.prod.yaml and no key of its own: nothing to do.
    shutil.copytree(first, second)
    second_env = runner(tmp_path / "runner-2", emulator, with_key=False)
    emulator.clear_request_log()
    run_steps(["runner-env", "deploy"], url, second, second_env)
    assert [entry for entry in emulator.request_log() if entry["method"] != "GET"] == []

    # The first runner is killed while it deploys 27 more flows; the second recovers as README says.
    emulator.set_faults({"kind": "latency", "latency_ms": 400, "methods": ["POST"]})
    script = f"{step('runner-env', url)}\nexec pulumi up --yes --skip-preview --parallel 8\n"
    deploying = subprocess.Popen(["bash", "-e", "-c", script], cwd=first, env={**first_env, "TEAM_FLOWS": "30"},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                                 start_new_session=True)
    killed_when(deploying, lambda: len(emulator.flows_for(KEY)) >= 15)
    time.sleep(0.6)  # creates already received finish on the server although their client is gone
    emulator.clear_faults()
    second_env["TEAM_FLOWS"] = "30"  # the program's change, as committed
    recovered = run_steps(["runner-env", "killed-runner", "deploy"], url, second, second_env)
    assert "written into the state" in recovered.stdout
    flows = emulator.flows_for(KEY)
    assert len(flows) == 30 and duplicates(flows) == []
    assert postgres.stored_keys({"PULUMI_BACKEND_URL": url}, ".pulumi/locks/") == []


STACKS = ("shop-eu", "shop-us", "shop-asia")
LIMIT = 20
FLOWS = 7
"""Per stack: with the website lookup, 3 x 8 = 24 requests, 5 over the window of 20 the test opens first."""


def test_k_stacks_on_one_key_at_20_a_minute_all_succeed_with_no_429(
        tmp_path: Path, pulumi_bin_dir: Path, pg_backend: dict[str, str]) -> None:
    """README's K-stacks command: three `pulumi up` at once from one runner on one key; the limit binds once."""
    with EmulatorServer(api_keys=[KEY], rate_limit=LIMIT, seed=31) as server:
        # Open the key's window now: it then ends while the stacks are made and deploy, not a minute after.
        requests.get(f"{server.base_url}/websites", headers=bearer(KEY), timeout=10).raise_for_status()
        site = str(server.accounts[0]["website_ids"][0])
        settings = {"pushsmm:baseUrl": server.base_url, "site": site, "n": str(FLOWS)}
        shop = CliStack(tmp_path, program=PROGRAM, env=pg_backend, stack=STACKS[0], config=settings,
                        secrets={"pushsmm:apiKey": KEY})
        for name in STACKS[1:]:
            shop.run("stack", "init", name)
            shop.run("config", "set-all", "--stack", name, "--secret", f"pushsmm:apiKey={KEY}",
                     *[f"--plaintext={key}={value}" for key, value in settings.items()])
        # pushsmm answers over the internet, not loopback: with creates taking 300 ms, the three stacks have
        # many requests in flight at once, which is when processes pacing alone overshoot the window.
        server.set_faults({"kind": "latency", "latency_ms": 300, "methods": ["POST"]})
        done = run_steps(["k-stacks"], pg_backend["PULUMI_BACKEND_URL"], shop.project, shop.env)
        statuses = [entry["status"] for entry in server.request_log()]
        flows = server.flows_for(KEY)
    assert 429 not in statuses
    assert len(statuses) > LIMIT and len(flows) == len(STACKS) * FLOWS  # each `up` succeeded, with all its flows
    # The limit bound: some stack waited for the next window (and said so), and none was refused.
    assert "pushsmm WARNING: pushsmm rate limit (the server's limit): waiting" in done.stdout + done.stderr
