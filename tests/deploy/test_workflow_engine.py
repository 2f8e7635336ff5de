"""The CI example's own commands, run against the emulator with two stacks: the pull-request preview, the
push-to-main rollout (dev, then prod) and the scheduled drift report, each job's steps as written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.deploy import workflow
from tests.deploy.helpers import POLICY_PACK, Stacks, by_name, section
from tests.support import EmulatorAdmin

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def stacks(dev_and_prod: Stacks) -> Stacks:
    made = dev_and_prod
    # Laid out as the workflow expects: the project names its virtualenv `venv`, which the workflow makes
    # (here it is this one), so pulumi runs the program and the provider there whatever is on PATH.
    (made.project / "venv").symlink_to(Path(sys.prefix))
    (made.project / "Pulumi.yaml").write_text(
        "name: reliability\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    return made


def runner_env(stacks: Stacks, tmp_path: Path) -> dict[str, str]:
    """What the runner and the repository's settings give the job: backend, passphrase, folders, summary file."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    summary = tmp_path / "step-summary.md"
    summary.touch()
    return {**stacks.env, "GITHUB_WORKSPACE": str(stacks.project.parent), "PROJECT_DIR": str(stacks.project),
            "POLICY_PACK": POLICY_PACK, "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary),
            "PATH": os.environ["PATH"]}


def test_1_the_pull_request_preview_passes_with_changes_and_writes_the_summary(stacks: Stacks,
                                                                                tmp_path: Path) -> None:
    env = runner_env(stacks, tmp_path)
    done = workflow.run_job("preview", env)
    assert done.returncode == 0, done.stdout + done.stderr  # exit 2 (changes) passes the check
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "## pushsmm-pulumi preview: changes to apply" in summary
    assert "| `dev` | changes | 2 | 0 | 0 | 0 | none |" in summary
    assert "| `prod` | changes | 2 | 0 | 0 | 0 | none |" in summary
    assert all(account.flows() == [] for account in stacks.accounts.values())  # a preview writes nothing


def test_2_a_mandatory_violation_fails_the_pull_request_check(stacks: Stacks, tmp_path: Path) -> None:
    stacks.set("prod", url="http://example.com/welcome")
    try:
        done = workflow.run_job("preview", runner_env(stacks, tmp_path))
    finally:
        stacks.set("prod", url="https://example.com/welcome")
    assert done.returncode == 1
    assert "prod: failed" in done.stdout


def test_3_push_to_main_deploys_dev_then_prod(stacks: Stacks, tmp_path: Path) -> None:
    for job in ("deploy-dev", "deploy-prod"):
        env = runner_env(stacks, tmp_path / job)
        done = workflow.run_job(job, env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "## pushsmm-pulumi up: every stack done" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert all(sorted(by_name(a)) == ["Tips", "Welcome"] for a in stacks.accounts.values())


def test_4_the_scheduled_drift_report_passes_clean_and_fails_on_drift(stacks: Stacks, cli_emulator: EmulatorServer,
                                                                     tmp_path: Path) -> None:
    assert workflow.run_job("drift", runner_env(stacks, tmp_path / "clean")).returncode == 0
    dev = stacks.accounts["dev"]
    EmulatorAdmin(cli_emulator.admin_url, dev.user_id).drift(by_name(dev)["Welcome"]["id"], title="By hand")
    env = runner_env(stacks, tmp_path / "drifted")
    done = workflow.run_job("drift", env)
    assert done.returncode == 2
    assert '`title`: `"Hello"` → `"By hand"`' in section(Path(env["GITHUB_STEP_SUMMARY"]).read_text(), "dev")
