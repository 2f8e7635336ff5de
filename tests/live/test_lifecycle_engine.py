"""The Flow lifecycle through the real `pulumi` CLI, against each target (the real API when its variables are set).

In order, on one stack: create (one flow with an image), a clean preview, an update, drift made
through pushsmm's own update endpoint and undone, a flow deleted out of band and dropped by
refresh, a wrong key that makes refresh and destroy fail without changing anything, import of the
run's flows, and destroy. Only the documented Flows endpoints are needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli_stack import CliStack
from tests.live.target import Target
from tests.support import png_bytes

pytestmark = pytest.mark.engine

PROGRAM = '''\
"""Three flows named with the run's prefix; the first has an image. Title and key come from config."""
import pulumi
from pulumi_pushsmm import Flow

config = pulumi.Config()
site, prefix = config.require_int("site"), config.require("prefix")
title = config.get("title") or "Hello"
for i in range(3):
    Flow(f"flow-{i}", website_id=site, name=f"{prefix}{i}", title=title, description=f"Message {i}",
         wait_time=i + 1, wait_time_type="days", image=config.require("image") if i == 0 else None)
'''


class Run:
    """The target, its stack, and what the steps share."""

    def __init__(self, target: Target, root: Path) -> None:
        self.target = target
        image = root / "welcome.png"
        image.write_bytes(png_bytes(4, 4))
        self.stack = CliStack(root / "stack", program=PROGRAM,
                              config={"pushsmm:baseUrl": target.base_url, "site": str(target.website_id),
                                      "prefix": target.prefix, "image": str(image)},
                              secrets={"pushsmm:apiKey": target.api_key})
        self.root = root

    def by_name(self) -> dict[str, dict[str, Any]]:
        """This run's flows in the account, by name."""
        return {str(f["name"]): f for f in self.target.ours()}

    def state(self) -> list[dict[str, Any]]:
        """The Flow resources of the state (ids and outputs), to compare before and after a failed command."""
        return sorted(({"id": r["id"], "outputs": {k: v for k, v in r["outputs"].items() if k != "__provider"}}
                       for r in self.stack.export()["resources"] if r["type"].endswith("pushsmm:Flow")),
                      key=lambda r: str(r["id"]))


@pytest.fixture(scope="module")
def run(target: Target, pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    made = Run(target, tmp_path_factory.mktemp(f"live-{target.name}"))
    try:
        yield made
    finally:
        made.stack.run("destroy", "--yes", "--skip-preview", "--run-program", check=False)


def test_01_up_creates_the_flows_one_with_its_image(run: Run) -> None:
    run.stack.up()
    flows = run.by_name()
    assert sorted(flows) == [f"{run.target.prefix}{i}" for i in range(3)]
    assert flows[f"{run.target.prefix}0"]["image_url"] and not flows[f"{run.target.prefix}1"]["image_url"]
    assert sorted(run.stack.flow_ids()) == sorted(str(f["id"]) for f in flows.values())


def test_02_the_next_preview_has_no_changes(run: Run) -> None:
    run.stack.assert_clean_preview()


def test_03_an_update_changes_the_flows_in_place(run: Run) -> None:
    ids = run.stack.flow_ids()
    run.stack.run("config", "set", "title", "Updated")
    run.stack.up()
    assert {f["title"] for f in run.by_name().values()} == {"Updated"}
    assert run.stack.flow_ids() == ids


def test_04_drift_made_in_pushsmm_is_found_and_undone(run: Run) -> None:
    drifted = run.by_name()[f"{run.target.prefix}1"]
    changed = run.target.call("POST", f"/flows/{drifted['id']}", files={"title": (None, "Changed in pushsmm")})
    assert changed.status_code == 200
    found = run.stack.run("preview", "--refresh", "--diff", "--expect-no-changes", check=False)
    assert found.returncode != 0 and "Changed in pushsmm" in found.stdout + found.stderr
    run.stack.up("--refresh")
    assert run.by_name()[f"{run.target.prefix}1"]["title"] == "Updated"
    run.stack.assert_clean_preview()


def test_05_refresh_drops_exactly_the_flow_deleted_out_of_band(run: Run) -> None:
    gone = run.by_name()[f"{run.target.prefix}2"]
    assert run.target.call("DELETE", f"/flows/{gone['id']}").status_code == 200
    before = run.stack.flow_ids()
    run.stack.run("refresh", "--yes", "--skip-preview")
    assert run.stack.flow_ids() == sorted(i for i in before if i != str(gone["id"]))
    run.stack.up()
    assert len(run.by_name()) == 3


def test_06_a_wrong_key_makes_refresh_and_destroy_fail_and_change_nothing(run: Run) -> None:
    state, flows = run.state(), run.by_name()
    run.stack.run("config", "set", "--secret", "pushsmm:apiKey", "wrong-key-NEVER-PRINTED")
    try:
        for command in (["refresh", "--yes", "--skip-preview"], ["destroy", "--yes", "--skip-preview"]):
            done = run.stack.run(*command, "--run-program", check=False)
            printed = done.stdout + done.stderr
            assert done.returncode != 0 and "HTTP 401" in printed and "Traceback" not in printed, printed
            assert run.state() == state and run.by_name() == flows
    finally:
        run.stack.run("config", "set", "--secret", "pushsmm:apiKey", run.target.api_key)
    assert all(run.target.api_key not in text and "NEVER-PRINTED" not in text for text in run.stack.output)


def test_07_import_writes_a_project_that_adopts_the_runs_flows(run: Run) -> None:
    out = run.root / "imported"
    env = {"PATH": run.stack.env["PATH"], "PUSHSMM_API_KEY": run.target.api_key}
    done = subprocess.run([sys.executable, "-m", "pulumi_pushsmm.cli", "import", "--website-id",
                           str(run.target.website_id), "--out", str(out), "--base-url", run.target.base_url],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    program = (out / "__main__.py").read_text()
    ours = run.by_name()
    for flow in ours.values():
        assert f"adopt_id={flow['id']}" in program
    if len(run.target.flows()) != len(ours):
        return  # the website holds flows of others too: adopting them all is not this suite's to do
    adopter = CliStack(run.root / "adopter", program=program,
                       config={"pushsmm:baseUrl": run.target.base_url}, secrets={"pushsmm:apiKey": run.target.api_key})
    for image in (out / "images").glob("*"):
        (adopter.project / "images").mkdir(exist_ok=True)
        (adopter.project / "images" / image.name).write_bytes(image.read_bytes())
    before = {name: (f["id"], f["title"], f["image_url"]) for name, f in ours.items()}
    adopter.up()
    after = {name: (f["id"], f["title"], f["image_url"]) for name, f in run.by_name().items()}
    assert after == before  # the first up of the imported project creates nothing and changes nothing
    adopter.assert_clean_preview()
    adopter.run("stack", "rm", "--force", "--yes")  # forget the adopted flows; the lifecycle stack still has them


def test_08_destroy_removes_the_runs_flows(run: Run) -> None:
    # --run-program: the failed wrong-key commands recorded that key as the provider's; the config has the right one.
    run.stack.run("destroy", "--yes", "--skip-preview", "--run-program")
    assert run.by_name() == {}
    assert json.dumps(run.stack.export()).count("pushsmm:Flow") == 0
