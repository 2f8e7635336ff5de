"""Several accounts in one program, and on_delete="disable", under the real engine against the emulator.

One stack, steps in order: flows in two accounts (the stack's own, and a second one given as
``account=`` with its key from secret config), then an update, a refresh that finds drift and a
deletion in the second account, a rotation of the second account's key, on_delete changes and
removals, and destroy. Each flow stays in its own account throughout, and no key is in any artifact.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import requests
from pulumi import automation as auto

from pulumi_pushsmm import Account, Flow, FlowSequence, FlowStep
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import Printed, account_config, flow_requests, inline_stack, planned_flow_ops

pytestmark = pytest.mark.engine

KEY_A = "acct-a-key-5e7d-DO-NOT-LEAK"
KEY_B = "acct-b-key-91f0-DO-NOT-LEAK"
KEY_B_NEW = "acct-b-rotated-key-77aa-DO-NOT-LEAK"
KEYS = (KEY_A, KEY_B, KEY_B_NEW)


class TwoAccounts:
    """The stack, the emulator, and the program's desired state."""

    def __init__(self, tmp: Path, server: EmulatorServer) -> None:
        self.server = server
        self.state_dir = tmp / "state"
        self.site_a = int(server.accounts[0]["website_ids"][0])
        self.site_b = int(server.accounts[1]["website_ids"][0])
        self.want: dict[str, Any] = {"b_title": "Hello B", "a_on_delete": None, "keep": True}
        self.printed = Printed()
        self.stack = inline_stack(tmp, self.program, project="pushsmm-accounts",
                                  config=account_config(server, KEY_A, {"pushsmm-accounts:blogKey": KEY_B}))

    def program(self) -> None:
        blog = Account(api_key=pulumi.Config().require_secret("blogKey"), base_url=self.server.base_url)
        common = {"description": "d", "url": "https://example.com"}
        a = Flow("a-welcome", website_id=self.site_a, name="A welcome", title="Hello A", wait_time=10,
                 wait_time_type="minutes", on_delete=self.want["a_on_delete"], **common)
        b = Flow("b-welcome", account=blog, website_id=self.site_b, name="B welcome", title=self.want["b_title"],
                 wait_time=10, wait_time_type="minutes", **common)
        series = FlowSequence("b-series", account=blog, website_id=self.site_b, defaults=common,
                              steps=[FlowStep("tips", "1d", title="Tips"), FlowStep("later", "7d", title="Later")])
        ids = {"a": a.id, "b": b.id, **{f"b-{k}": v.id for k, v in series.flows.items()}}
        if self.want["keep"]:
            keep = Flow("b-keep", account=blog, on_delete="disable", website_id=self.site_b, name="B keep",
                        title="Keep me", wait_time=2, wait_time_type="hours", **common)
            ids["b-keep"] = keep.id
        pulumi.export("ids", ids)

    def names(self, key: str) -> dict[str, dict[str, Any]]:
        """The flows of one account by name, as the emulator stores them."""
        return {f["name"]: f for f in self.server.flows_for(key)}


@pytest.fixture(scope="module")
def two(pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoAccounts]:
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=19) as server:
        yield TwoAccounts(tmp_path_factory.mktemp("accounts"), server)


def test_01_each_flow_is_made_in_its_own_account(two: TwoAccounts) -> None:
    two.stack.up(**two.printed.io)
    assert sorted(two.names(KEY_A)) == ["A welcome"]
    assert sorted(two.names(KEY_B)) == ["B keep", "B welcome", "later", "tips"]
    assert {f["website_id"] for f in two.names(KEY_B).values()} == {two.site_b}
    two.stack.preview(expect_no_changes=True, **two.printed.io)


def test_02_an_update_goes_to_the_flows_account(two: TwoAccounts) -> None:
    before = two.names(KEY_B)["B welcome"]["id"]
    two.want["b_title"] = "Hello again B"
    assert planned_flow_ops(two.stack, **two.printed.io)["b-welcome"] == "update"
    two.stack.up(**two.printed.io)
    assert two.names(KEY_B)["B welcome"]["title"] == "Hello again B"
    assert two.names(KEY_B)["B welcome"]["id"] == before and sorted(two.names(KEY_A)) == ["A welcome"]


def test_03_refresh_reads_each_flow_with_its_own_account(two: TwoAccounts) -> None:
    b_flows = two.names(KEY_B)
    two.server.drift_flow(b_flows["tips"]["id"], title="Edited in the dashboard")
    two.server.delete_flow(b_flows["later"]["id"])  # gone, and B's own key can tell: not "another account's"
    refresh = two.stack.refresh(**two.printed.io)
    assert refresh.summary.resource_changes is not None
    assert refresh.summary.resource_changes.get("update") == 1 and refresh.summary.resource_changes.get("delete") == 1
    two.stack.up(**two.printed.io)
    restored = two.names(KEY_B)
    assert restored["tips"]["title"] == "Tips" and "later" in restored
    two.stack.preview(expect_no_changes=True, **two.printed.io)


def test_04_rotating_a_key_is_an_in_place_change_with_no_request_for_the_flows(two: TwoAccounts) -> None:
    ids = two.stack.outputs()["ids"].value
    user_b = two.server.accounts[1]["user_id"]
    requests.patch(f"{two.server.admin_url}/accounts/{user_b}", json={"api_key": KEY_B_NEW},
                   timeout=10).raise_for_status()
    two.stack.set_config("pushsmm-accounts:blogKey", auto.ConfigValue(KEY_B_NEW, secret=True))
    ops = planned_flow_ops(two.stack, **two.printed.io)
    assert ops == {"a-welcome": "same", "b-welcome": "update", "b-series-tips": "update",
                   "b-series-later": "update", "b-keep": "update"}
    two.server.clear_request_log()
    two.stack.up(**two.printed.io)
    assert flow_requests(two.server) == []
    assert two.stack.outputs()["ids"].value == ids
    two.stack.refresh(**two.printed.io)
    two.stack.preview(expect_no_changes=True, **two.printed.io)  # refresh reached B's flows with the new key


def test_05_on_delete_disable_keeps_a_removed_flow_switched_off(two: TwoAccounts) -> None:
    two.want["a_on_delete"] = "disable"
    two.server.clear_request_log()
    assert planned_flow_ops(two.stack, **two.printed.io)["a-welcome"] == "update"
    two.stack.up(**two.printed.io)
    assert flow_requests(two.server) == []  # changing the option sends nothing
    keep_id = two.names(KEY_B_NEW)["B keep"]["id"]
    two.want["keep"] = False
    two.stack.up(**two.printed.io)
    kept = two.names(KEY_B_NEW)["B keep"]
    assert kept["id"] == keep_id and kept["is_enabled"] in (False, 0)


def test_06_destroy_deletes_or_disables_each_flow_in_its_own_account(two: TwoAccounts) -> None:
    two.stack.destroy(**two.printed.io)
    a = two.names(KEY_A)
    assert sorted(a) == ["A welcome"] and a["A welcome"]["is_enabled"] in (False, 0)
    assert sorted(two.names(KEY_B_NEW)) == ["B keep"]


def test_07_no_key_is_in_any_artifact(two: TwoAccounts) -> None:
    files = [p for p in two.state_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files)
    for path in files:
        data = path.read_bytes()
        assert not any(key.encode() in data for key in KEYS), path
    assert not any(key in two.printed.text for key in KEYS)


def test_08_the_key_is_a_secret_in_the_state_and_not_in_the_provider_pickle(two: TwoAccounts,
                                                                          tmp_path: Path) -> None:
    """Checked on a fresh up: destroy left nothing to look at."""
    two.want.update(keep=True, a_on_delete=None)
    two.stack.up(**two.printed.io)
    try:
        resources = two.stack.export_stack().deployment["resources"]  # (the export shows secrets' plaintext)
        flows = [r for r in resources if r["type"].endswith("pushsmm:Flow")]
        with_account = [r for r in flows if "account_api_key" in r["outputs"]]
        assert len(with_account) == 4
        for resource in with_account:
            for where in ("inputs", "outputs"):
                secret = resource[where]["account_api_key"]
                assert isinstance(secret, dict) and "4dabf18193072939515e22adb298388d" in secret  # Pulumi's secret sig
        for resource in flows:
            pickled = resource["outputs"]["__provider"]
            pickled = pickled["plaintext"] if isinstance(pickled, dict) else pickled
            raw = base64.b64decode(json.loads(pickled) if pickled.startswith('"') else pickled)
            assert not any(key.encode() in raw for key in KEYS)
    finally:
        two.stack.destroy(**two.printed.io)
