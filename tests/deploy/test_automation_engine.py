"""examples/automation/: one inline program deploys the same flows to two websites, run by a Python whose
virtualenv is not on PATH (the `python3` there has no Pulumi at all): the provider process finds the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ENGINE_KEY, ROOT, EmulatorAdmin, engine_env

pytestmark = pytest.mark.engine

EXAMPLE = ROOT / "examples" / "automation" / "deploy.py"


def run_example(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(EXAMPLE), *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def test_the_example_deploys_to_each_website_with_no_path_edit(engine_emulator: EmulatorServer,
                                                               pulumi_bin_dir: Path, tmp_path: Path) -> None:
    path = os.pathsep.join([str(pulumi_bin_dir), "/usr/bin", "/bin"])
    assert str(Path(sys.executable).parent) not in path.split(os.pathsep)
    env = {**engine_env(tmp_path), "PATH": path, "PUSHSMM_API_KEY": ENGINE_KEY,
           "PUSHSMM_BASE_URL": engine_emulator.base_url, "HOME": str(tmp_path)}
    env.pop("PYTHONPATH")  # the package comes from this interpreter's own site-packages
    found = shutil.which("python3", path=path)
    assert found is None or subprocess.run([found, "-c", "import pulumi_pushsmm"], env=env, cwd=tmp_path,
                                           capture_output=True, check=False).returncode != 0, \
        "the python3 on this PATH must not have the package, or the test would prove nothing"
    sites = [str(w) for w in engine_emulator.accounts[0]["website_ids"]]

    first = run_example(env, tmp_path, *(a for site in sites for a in ("--website", site)))

    assert first.returncode == 0, first.stdout + first.stderr
    flows = EmulatorAdmin.of(engine_emulator).flows()
    assert sorted((str(f["website_id"]), f["name"]) for f in flows) == sorted(
        (site, name) for site in sites for name in ("Getting started tips", "Re-engagement", "Welcome"))
    again = run_example(env, tmp_path, *(a for site in sites for a in ("--website", site)))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("no changes") == len(sites)
