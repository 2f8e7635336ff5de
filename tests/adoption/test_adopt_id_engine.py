"""adopt_id brings an existing flow under management without recreating it; Pulumi's own import option cannot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import requests
from pulumi import automation as auto

from pulumi_pushsmm import Flow
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import EmulatorAdmin, inline_stack

pytestmark = pytest.mark.engine

API_KEY = "adopt-key-2b7e-DO-NOT-LEAK"


@pytest.fixture
def emulator(pulumi_bin_dir: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(api_keys=[API_KEY], rate_limit=0, seed=3) as server:
        yield server


def admin(emulator: EmulatorServer) -> EmulatorAdmin:
    """The emulator's state, read over its admin API."""
    return EmulatorAdmin(emulator.admin_url, int(emulator.accounts[0]["user_id"]))


def account_config(emulator: EmulatorServer) -> dict[str, auto.ConfigValue]:
    return {"pushsmm:apiKey": auto.ConfigValue(API_KEY, secret=True),
            "pushsmm:baseUrl": auto.ConfigValue(emulator.base_url)}


def test_an_existing_flow_is_adopted_without_recreating_it(pulumi_bin_dir: Path, emulator: EmulatorServer,
                                                            tmp_path: Path) -> None:
    site = int(emulator.accounts[0]["website_ids"][0])
    made_by_hand: dict[str, Any] = {"website_id": site, "name": "Legacy welcome", "title": "Hello there",
                                    "description": "Made in the dashboard", "wait_time": 15,
                                    "wait_time_type": "minutes", "url": "https://example.com"}
    response = requests.post(f"{emulator.base_url}/flows", files={k: (None, str(v)) for k, v in made_by_hand.items()},
                             headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
    existing_id = int(response.json()["data"]["id"])
    declared = {**made_by_hand, "title": "Hello, and welcome"}  # the code also fixes the title
    adopt: dict[str, Any] = {"adopt_id": existing_id}

    def program() -> None:
        adopted = Flow("legacy", **adopt, **declared)
        pulumi.export("id", adopted.id)

    stack = inline_stack(tmp_path, program, config=account_config(emulator))
    result = stack.up()
    assert result.outputs["id"].value == str(existing_id)
    flows = admin(emulator).flows()
    assert [f["id"] for f in flows] == [existing_id]  # the same flow: nothing was created
    assert flows[0]["title"] == "Hello, and welcome"
    stack.preview(expect_no_changes=True)
    adopt.clear()  # once adopted, dropping adopt_id from the code changes nothing
    stack.preview(expect_no_changes=True)


def test_pulumi_import_option_is_refused_by_the_engine_for_dynamic_resources(pulumi_bin_dir: Path,
                                                                           emulator: EmulatorServer,
                                                                           tmp_path: Path) -> None:
    """Documents the upstream limit (pulumi/pulumi#16175) that adopt_id works around."""

    def program() -> None:
        Flow("imported", opts=pulumi.ResourceOptions(import_="1"), website_id=1, name="n", title="t",
             description="d", wait_time=1, wait_time_type="days")

    stack = inline_stack(tmp_path, program, config=account_config(emulator))
    with pytest.raises(auto.CommandError, match="__provider"):
        stack.up()
