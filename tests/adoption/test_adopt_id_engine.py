"""adopt_id brings an existing flow under management without recreating it; Pulumi's own import option cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_pushsmm import Flow
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ENGINE_KEY, EmulatorAdmin, account_config, inline_stack, make_flow

pytestmark = pytest.mark.engine


def test_an_existing_flow_is_adopted_without_recreating_it(pulumi_bin_dir: Path, engine_emulator: EmulatorServer,
                                                            tmp_path: Path) -> None:
    site = int(engine_emulator.accounts[0]["website_ids"][0])
    made_by_hand: dict[str, Any] = {"website_id": site, "name": "Legacy welcome", "title": "Hello there",
                                    "description": "Made in the dashboard", "wait_time": 15,
                                    "wait_time_type": "minutes", "url": "https://example.com"}
    existing_id = make_flow(engine_emulator, ENGINE_KEY, **made_by_hand)
    declared = {**made_by_hand, "title": "Hello, and welcome"}  # the code also fixes the title
    adopt: dict[str, Any] = {"adopt_id": existing_id}

    def program() -> None:
        adopted = Flow("legacy", **adopt, **declared)
        pulumi.export("id", adopted.id)

    stack = inline_stack(tmp_path, program, config=account_config(engine_emulator, ENGINE_KEY))
    result = stack.up()
    assert result.outputs["id"].value == str(existing_id)
    flows = EmulatorAdmin.of(engine_emulator).flows()
    assert [f["id"] for f in flows] == [existing_id]  # the same flow: nothing was created
    assert flows[0]["title"] == "Hello, and welcome"
    stack.preview(expect_no_changes=True)
    adopt.clear()  # once adopted, dropping adopt_id from the code changes nothing
    stack.preview(expect_no_changes=True)


def test_pulumi_import_option_is_refused_by_the_engine_for_dynamic_resources(pulumi_bin_dir: Path,
                                                                           engine_emulator: EmulatorServer,
                                                                           tmp_path: Path) -> None:
    """Documents the upstream limit (pulumi/pulumi#16175) that adopt_id works around."""

    def program() -> None:
        Flow("imported", opts=pulumi.ResourceOptions(import_="1"), website_id=1, name="n", title="t",
             description="d", wait_time=1, wait_time_type="days")

    stack = inline_stack(tmp_path, program, config=account_config(engine_emulator, ENGINE_KEY))
    with pytest.raises(auto.CommandError, match="__provider"):
        stack.up()
