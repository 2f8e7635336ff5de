"""`pushsmm-pulumi drift` finds a flow changed and a flow deleted out of band, writes no state, and
`--remediate` puts both back; dev drifts, prod does not. The steps share one project, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.deploy.helpers import POLICY_PACK, Stacks, by_name, section
from tests.support import EmulatorAdmin

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def stacks(deployed: Stacks, cli_emulator: EmulatorServer) -> Stacks:
    """dev and prod deployed, then in dev one flow changed and one deleted by hand."""
    dev = deployed.accounts["dev"]
    by_hand = EmulatorAdmin(cli_emulator.admin_url, dev.user_id)
    flows = by_name(dev)
    by_hand.drift(flows["Welcome"]["id"], title="Changed by hand")
    by_hand.delete(flows["Tips"]["id"])
    return deployed


def test_1_drift_lists_the_changed_field_and_the_deleted_flow_and_writes_no_state(stacks: Stacks,
                                                                                 tmp_path: Path) -> None:
    before = {s: stacks.state_file(s).read_bytes() for s in stacks.names}
    done = stacks.cli("drift", "--stack", "dev", "--stack", "prod", "--summary", str(tmp_path / "drift.md"),
                      "--json", str(tmp_path / "drift.json"))

    assert done.returncode == 2, done.stdout + done.stderr
    assert {s: stacks.state_file(s).read_bytes() for s in stacks.names} == before  # byte for byte
    assert done.stdout.splitlines()[-2:] == ["dev: drift (1 update, 1 delete)", "prod: no drift"]
    markdown = (tmp_path / "drift.md").read_text()
    assert "## pushsmm-pulumi drift: drift found" in markdown
    assert "| stack | result | changed | deleted | policy violations |" in markdown
    dev = section(markdown, "dev")
    assert '- **changed** `welcome`' in dev and '`title`: `"Hello"` → `"Changed by hand"`' in dev
    assert '- **deleted** `tips`' in dev
    assert "<summary><b>prod</b>" not in markdown  # nothing to say about prod beyond its row
    report = json.loads((tmp_path / "drift.json").read_text())
    dev_json = report["stacks"][0]
    assert sorted((f["name"], f["operation"]) for f in dev_json["flows"]) == [("tips", "delete"), ("welcome", "update")]
    welcome = next(f for f in dev_json["flows"] if f["name"] == "welcome")
    assert welcome["fields"] == [{"name": "title", "old": "Hello", "new": "Changed by hand"}]


def test_2_remediate_puts_both_back_in_the_drifted_stack_only(stacks: Stacks) -> None:
    prod_before = stacks.state_file("prod").read_bytes()
    done = stacks.cli("drift", "--stack", "dev", "--stack", "prod", "--remediate", "--policy-pack", POLICY_PACK)

    assert done.returncode == 2, done.stdout + done.stderr  # drift was found (and put back)
    assert done.stdout.splitlines()[-2:] == ["dev: drift remediated (1 update, 1 delete)", "prod: no drift"]
    flows = by_name(stacks.accounts["dev"])
    assert sorted(flows) == ["Tips", "Welcome"] and flows["Welcome"]["title"] == "Hello"
    assert stacks.flow_ids("dev") == stacks.accounts["dev"].ids()
    assert stacks.state_file("prod").read_bytes() == prod_before  # not drifted: not touched

    again = stacks.cli("drift", "--stack", "dev", "--stack", "prod")
    assert again.returncode == 0, again.stdout
    assert again.stdout.splitlines()[-2:] == ["dev: no drift", "prod: no drift"]
