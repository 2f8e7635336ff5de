"""The CI example (examples/ci/pushsmm-flows.yml) read as data, and its steps run as a runner would run them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tests.support import ROOT

WORKFLOW = ROOT / "examples" / "ci" / "pushsmm-flows.yml"


def load() -> dict[str, Any]:
    """The workflow; YAML 1.1 reads the key ``on`` as True, so it is put back under "on"."""
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


def command_steps(job: str) -> list[dict[str, Any]]:
    """The steps of a job that run pushsmm-pulumi (the others check out, install Python, Pulumi and the venv)."""
    return [step for step in load()["jobs"][job]["steps"] if "pushsmm-pulumi" in step.get("run", "")]


def run_job(job: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the job's pushsmm-pulumi steps in order as GitHub's runner does (bash -eo pipefail), stopping at a failure.

    ``env`` stands in for the workflow's and the job's env (whose values are expressions or the example's
    folders), so only the commands themselves come from the file.
    """
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for step in command_steps(job):
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              env={**os.environ, **env}, cwd=Path(env["GITHUB_WORKSPACE"]), capture_output=True,
                              text=True, timeout=600, check=False)
        if done.returncode != 0:
            break
    return done
