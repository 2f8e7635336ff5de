"""The CI example's shape: its triggers, one concurrency group per deployed stack that never cancels a deploy,
the rollout's order, pinned actions and no expression inside a script (actionlint and zizmor run in `make lint`)."""

from __future__ import annotations

import re

import pytest

from tests.deploy import workflow

pytestmark = pytest.mark.unit


def test_it_previews_pull_requests_deploys_pushes_to_main_and_checks_drift_on_a_schedule() -> None:
    data = workflow.load()
    assert set(data["on"]) >= {"pull_request", "push", "schedule"}
    assert data["on"]["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    assert "pull_request" in jobs["preview"]["if"]
    assert all("'push'" in jobs[j]["if"] for j in ("deploy-dev", "deploy-prod"))
    assert "'schedule'" in jobs["drift"]["if"]
    assert data["permissions"] == {"contents": "read"}


def test_each_stack_deploys_in_its_own_concurrency_group_never_cancelled_dev_before_prod() -> None:
    jobs = workflow.load()["jobs"]
    groups = {job: jobs[job]["concurrency"] for job in ("deploy-dev", "deploy-prod")}
    assert groups == {"deploy-dev": {"group": "pushsmm-deploy-dev", "cancel-in-progress": False},
                      "deploy-prod": {"group": "pushsmm-deploy-prod", "cancel-in-progress": False}}
    assert jobs["deploy-prod"]["needs"] == "deploy-dev"
    assert "--stack dev " in workflow.command_steps("deploy-dev")[0]["run"]
    assert "--stack prod " in workflow.command_steps("deploy-prod")[0]["run"]


def test_actions_are_pinned_and_scripts_hold_no_expression() -> None:
    for name, job in workflow.load()["jobs"].items():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (name, step["uses"])
            assert "${{" not in step.get("run", ""), (name, step["run"])
        assert workflow.command_steps(name), f"{name} runs no pushsmm-pulumi command"
