"""Every shipped example, and the demo, under the real Pulumi engine against the emulator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_pushsmm.emulator import EmulatorServer
from scripts import demo
from tests.support import ENGINE_KEY, ROOT, EmulatorAdmin, account_config, engine_env, table_rows

pytestmark = pytest.mark.engine


def project_stack(project_dir: Path, tmp_path: Path, config: dict[str, auto.ConfigValue]) -> auto.Stack:
    """A throwaway stack of a project directory, with its state in tmp_path."""
    state = tmp_path / "state"
    state.mkdir()
    opts = auto.LocalWorkspaceOptions(env_vars=engine_env(state), secrets_provider="passphrase")
    stack = auto.create_stack(f"test-{uuid.uuid4().hex[:8]}", work_dir=str(project_dir), opts=opts)
    stack.set_all_config(config)
    return stack


def remove(stack: auto.Stack) -> None:
    """Remove the stack and its Pulumi.<stack>.yaml from the example directory."""
    stack.workspace.remove_stack(stack.name, force=True)


def test_welcome_series_deploys_and_settles(engine_emulator: EmulatorServer, tmp_path: Path) -> None:
    site = int(engine_emulator.accounts[0]["website_ids"][1])
    host = f"site{site}.example.test"  # the emulator's seeded host; the example looks the website up by it
    stack = project_stack(ROOT / "examples" / "welcome_series", tmp_path,
                          {**account_config(engine_emulator, ENGINE_KEY), "websiteHost": auto.ConfigValue(host)})
    try:
        preview = stack.preview()
        assert preview.change_summary == {"create": 5}  # the stack, the FlowSequence, three flows
        result = stack.up()
        flows = EmulatorAdmin.of(engine_emulator).flows()
        assert sorted(f["name"] for f in flows) == ["Getting started tips", "Re-engagement", "Welcome"]
        assert {f["website_id"] for f in flows} == {site}
        assert result.outputs["website_id"].value == site
        by_name = {f["name"]: str(f["id"]) for f in flows}
        assert result.outputs["flow_ids"].value == {"welcome": by_name["Welcome"],
                                                    "tips": by_name["Getting started tips"],
                                                    "we-miss-you": by_name["Re-engagement"]}
        stack.preview(expect_no_changes=True)
        stack.destroy()
        assert EmulatorAdmin.of(engine_emulator).flows() == []
    finally:
        remove(stack)


def test_multi_site_previews_the_sequence_for_every_site(engine_emulator: EmulatorServer, tmp_path: Path) -> None:
    website_ids = engine_emulator.accounts[0]["website_ids"]
    sites = [{"websiteHost": f"site{w}.example.test", "landingUrl": f"https://site{w}.example"} for w in website_ids]
    stack = project_stack(ROOT / "examples" / "multi_site", tmp_path,
                          {**account_config(engine_emulator, ENGINE_KEY), "sites": auto.ConfigValue(json.dumps(sites))})
    try:
        preview = stack.preview()
        assert preview.change_summary == {"create": 1 + 4 * len(sites)}  # per site: a FlowSequence and 3 flows
        assert EmulatorAdmin.of(engine_emulator).flows() == []  # a preview writes nothing
    finally:
        remove(stack)


def test_demo_runs_twice_and_settles(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    env = {**engine_env(tmp_path), "PUSHSMM_DEMO_DIR": str(tmp_path / "demo"),
           "PUSHSMM_DEMO_STACK": f"test-{uuid.uuid4().hex[:8]}"}
    env.pop("PULUMI_BACKEND_URL")
    try:
        first = subprocess.run([sys.executable, "scripts/demo.py"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Flows the emulator now holds:" in first.stdout
        assert first.stdout.count("Welcome aboard!") >= 1 and "+ 5 created" in first.stdout
        second = subprocess.run([sys.executable, "scripts/demo.py"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=600)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "5 unchanged" in second.stdout
        # Simulated subscribers reach the stack outputs through the refresh, and the page's address is printed.
        assert '"sent": 50' in first.stdout and '"sent": 100' in second.stdout
        assert "/_emulator/ui" in first.stdout
        # The flows table: one row per flow of the welcome series, waits in correct words, the sends counted.
        rows = {row[2]: row for row in table_rows(first.stdout, demo.COLUMNS)}
        assert {name: row[4] for name, row in rows.items()} == {
            "Welcome": "10 minutes", "Getting started tips": "1 day", "Re-engagement": "7 days"}
        sent = int(re.search(r"its flows sent them (\d+) notifications", first.stdout).group(1))  # type: ignore[union-attr]
        assert sum(int(row[8]) for row in rows.values()) == sent > 0
        assert "1 days" not in first.stdout + second.stdout
        assert "demo-key" not in first.stdout + first.stderr + second.stdout + second.stderr
    finally:
        (ROOT / f"Pulumi.{env['PUSHSMM_DEMO_STACK']}.yaml").unlink(missing_ok=True)
