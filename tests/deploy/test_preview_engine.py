"""`pushsmm-pulumi preview` over two stacks: a mandatory violation exits 1, changes alone 2, nothing to do 0.

One project, stacks dev and prod, shared by the steps in order. dev changes its welcome title and breaks
the https rule; prod's welcome changes only its secret description, and its tips flow is changed by hand
in pushsmm (an out-of-band change that `--refresh` shows as the change putting it back).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.deploy.helpers import POLICY_PACK, Stacks, by_name, section
from tests.support import EmulatorAdmin

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def stacks(deployed: Stacks) -> Stacks:
    return deployed


def preview(stacks: Stacks, out: Path) -> tuple[int, str, dict[str, Any]]:
    """Run the command as the CI example does; its exit code, Markdown and JSON."""
    done = stacks.cli("preview", "--stack", "dev", "--stack", "prod", "--policy-pack", POLICY_PACK, "--refresh",
                      "--summary", str(out / "preview.md"), "--json", str(out / "preview.json"))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, (out / "preview.md").read_text(), json.loads((out / "preview.json").read_text())


def test_1_a_mandatory_violation_fails_and_the_summary_names_fields_levels_and_remediations(
        stacks: Stacks, cli_emulator: EmulatorServer, tmp_path: Path) -> None:
    stacks.set("dev", title="Hello again", url="http://example.com/welcome")
    stacks.set("prod", secret=True, promo="prod promo changed, never shown")
    prod = stacks.accounts["prod"]
    EmulatorAdmin(cli_emulator.admin_url, prod.user_id).drift(by_name(prod)["Tips"]["id"], title="Changed by hand")

    code, markdown, report = preview(stacks, tmp_path)

    assert code == 1
    dev, prod_block = section(markdown, "dev"), section(markdown, "prod")
    assert '- **update** `welcome`' in dev
    assert '`title`: `"Hello"` → `"Hello again"`' in dev
    assert '`url`: `"https://example.com/welcome"` → `"http://example.com/welcome"`' in dev
    assert ("- **mandatory** `flow-https-urls` (pushsmm-flows) on `welcome`: Flow \"welcome\": url must be an "
            "https:// URL, got 'http://example.com/welcome'") in dev
    # The out-of-band change shows as the update that puts the program's value back.
    assert '`title`: `"Changed by hand"` → `"Three tips"`' in prod_block
    # The secret changed alone: named as changed, its values nowhere.
    assert "`description`: changed (secret, value not shown)" in prod_block
    assert ('`flow-default-utm-tags` (pushsmm-flows) on `tips`: `utm_source`: `""` → `"pushsmm"`; '
            '`utm_medium`: `""` → `"push"`; `utm_campaign`: `""` → `"tips"`') in prod_block
    assert "| `dev` | failed | 0 | 1 | 0 | 0 | 1 mandatory |" in markdown
    assert "| `prod` | changes | 0 | 2 | 0 | 0 | none |" in markdown
    everything = markdown + json.dumps(report) + "".join(stacks.output)
    assert "never shown" not in everything
    assert not any(account.key in everything for account in stacks.accounts.values())

    assert report["version"] == 1 and report["exit_code"] == 1
    dev_json, prod_json = report["stacks"]
    assert (dev_json["stack"], dev_json["status"], prod_json["status"]) == ("dev", "failed", "changes")
    assert dev_json["violations"][0] | {"message": ""} == {
        "policy": "flow-https-urls", "pack": "pushsmm-flows", "level": "mandatory", "resource": "welcome",
        "message": ""}
    welcome = next(f for f in prod_json["flows"] if f["name"] == "welcome")
    assert welcome["fields"] == [{"name": "description", "secret": True, "certain": True}]


def test_2_with_the_violation_fixed_only_changes_are_left_exit_2(stacks: Stacks, tmp_path: Path) -> None:
    stacks.set("dev", url="https://example.com/welcome")
    code, markdown, report = preview(stacks, tmp_path)
    assert code == 2, markdown
    assert "mandatory" not in markdown
    assert [s["status"] for s in report["stacks"]] == ["changes", "changes"]
    assert '`title`: `"Hello"` → `"Hello again"`' in section(markdown, "dev")


def test_3_after_the_rollout_nothing_is_left_exit_0(stacks: Stacks, tmp_path: Path) -> None:
    done = stacks.cli("up", "--stack", "dev", "--stack", "prod", "--policy-pack", POLICY_PACK, "--refresh")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == ["dev: done (1 update)", "prod: done (2 update)"]
    assert by_name(stacks.accounts["prod"])["Tips"]["title"] == "Three tips"
    assert by_name(stacks.accounts["dev"])["Welcome"]["title"] == "Hello again"

    code, markdown, report = preview(stacks, tmp_path)
    assert code == 0, markdown
    assert [s["status"] for s in report["stacks"]] == ["no changes", "no changes"]
    assert "## pushsmm-pulumi preview: no changes" in markdown
