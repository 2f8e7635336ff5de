"""The flow lifecycle under the real Pulumi engine, checked against the emulator's own state at each step.

The tests in this module run in order on one stack: each step starts from the
state the previous one left, as a user's successive `pulumi` commands would.
The whole lifecycle runs twice: against the emulator as the product's code
answers, and serving only pushsmm's documented Flows endpoints.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_pushsmm import Flow, FlowArgs
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import (
    DEFAULT_MODE,
    DOCUMENTED_ONLY,
    EmulatorAdmin,
    account_config,
    inline_stack,
    make_flow,
    planned_flow_ops,
    png_bytes,
)

pytestmark = pytest.mark.engine

API_KEY = "emulator-key-7f3a9c-DO-NOT-LEAK"
TITLE = "Tom's \"deal\" & more"
STORED_TITLE = "Tom&#39;s &#34;deal&#34; & more"  # how pushsmm stores quotes


class Lifecycle:
    """One stack, one emulator, the desired program state, and every line the CLI printed."""

    def __init__(self, tmp: Path, emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.image = tmp / "welcome.png"
        self.image.write_bytes(png_bytes())
        self.site = int(emulator.accounts[0]["website_ids"][0])
        segments = emulator.accounts[0]["segment_ids"]
        self.segment = int(segments[str(self.site)][0] if isinstance(segments, dict) else segments[0])
        self.desired: dict[str, Any] = {"title": TITLE}
        self.printed: list[str] = []
        self.admin = EmulatorAdmin.of(emulator)
        self.stack = inline_stack(tmp, self.program, config=account_config(emulator, API_KEY))

    def program(self) -> None:
        welcome = Flow("welcome", FlowArgs(
            website_id=self.site, name="Welcome", title=self.desired["title"],
            description="Thanks for subscribing.", wait_time=10, wait_time_type="minutes",
            url="https://example.com/welcome", image=str(self.image), is_silent=False, is_auto_hide=False,
            utm_source="pushsmm", utm_medium="push", utm_campaign="welcome"))
        tips = Flow("tips", website_id=self.site, name="Tips", title="Three tips", description="A short tour.",
                    wait_time=1, wait_time_type="days", segment=self.segment, button_title_1="Show me",
                    button_url_1="https://example.com/tour", ttl=86400, urgency="high")
        later = Flow("later", website_id=self.site, name="Later", title="We miss you", description="Come back.",
                     wait_time=7, wait_time_type="days", is_enabled=False, is_silent=True)
        pulumi.export("ids", {"welcome": welcome.id, "tips": tips.id, "later": later.id})

    def out(self, line: str) -> None:
        self.printed.append(line)

    @property
    def io(self) -> dict[str, Any]:
        """Callbacks that keep everything the CLI prints, stdout and stderr."""
        return {"on_output": self.out, "on_error": self.out}

    def flows(self) -> dict[str, dict[str, Any]]:
        """The account's flows by name, as the emulator stores them (read over its admin API)."""
        return {f["name"]: f for f in self.admin.flows()}

    def ids(self) -> dict[str, str]:
        return {k: v for k, v in self.stack.outputs()["ids"].value.items()}


@pytest.fixture(scope="module", params=[DEFAULT_MODE, DOCUMENTED_ONLY])
def life(request: pytest.FixtureRequest, pulumi_bin_dir: Path,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lifecycle]:
    server = EmulatorServer(api_keys=[API_KEY], rate_limit=0, seed=11, documented_only=request.param == DOCUMENTED_ONLY)
    server.start()
    try:
        yield Lifecycle(tmp_path_factory.mktemp("lifecycle"), server)
    finally:
        server.stop()


def test_01_up_creates_three_flows_as_declared(life: Lifecycle) -> None:
    result = life.stack.up(**life.io)
    assert result.summary.resource_changes == {"create": 4}
    flows = life.flows()
    assert sorted(flows) == ["Later", "Tips", "Welcome"]
    welcome, tips, later = flows["Welcome"], flows["Tips"], flows["Later"]
    assert welcome["title"] == STORED_TITLE and welcome["website_id"] == life.site
    assert welcome["settings"]["is_silent"] == 0 and welcome["settings"]["is_auto_hide"] == 0
    assert welcome["settings"]["utm"] == {"source": "pushsmm", "medium": "push", "campaign": "welcome"}
    assert welcome["image"] and welcome["url"] == "https://example.com/welcome"
    assert (welcome["wait_time"], welcome["wait_time_type"]) == (10, "minutes")
    assert str(tips["segment"]) == str(life.segment)
    assert tips["settings"]["button_title_1"] == "Show me" and tips["settings"]["ttl"] == 86400
    assert tips["settings"]["urgency"] == "high"
    assert later["is_enabled"] in (False, 0) and later["settings"]["is_silent"] == 1
    assert set(life.ids().values()) == {str(f["id"]) for f in flows.values()}


def test_02_next_preview_has_no_changes(life: Lifecycle) -> None:
    life.stack.preview(**life.io, expect_no_changes=True)


def test_03_changing_a_title_is_an_update_in_place(life: Lifecycle) -> None:
    before = life.ids()
    life.desired["title"] = "Welcome aboard"
    assert planned_flow_ops(life.stack, **life.io) == {"welcome": "update", "tips": "same", "later": "same"}
    result = life.stack.up(**life.io)
    assert result.summary.resource_changes == {"update": 1, "same": 3}
    assert life.ids() == before
    assert life.flows()["Welcome"]["title"] == "Welcome aboard"


def test_04_new_image_bytes_at_the_same_path_are_uploaded(life: Lifecycle) -> None:
    old_url = life.flows()["Welcome"]["image"]
    life.image.write_bytes(png_bytes(4, 4))
    assert planned_flow_ops(life.stack, **life.io)["welcome"] == "update"
    life.stack.up(**life.io)
    new_url = life.flows()["Welcome"]["image"]
    assert new_url and new_url != old_url
    life.stack.preview(**life.io, expect_no_changes=True)


def test_05_drift_is_found_by_refresh_and_undone_by_up(life: Lifecycle) -> None:
    tips_id = life.ids()["tips"]
    life.admin.drift(tips_id, title="Edited in the dashboard")
    refresh = life.stack.refresh(**life.io)
    assert refresh.summary.resource_changes is not None and refresh.summary.resource_changes.get("update") == 1
    assert planned_flow_ops(life.stack, **life.io)["tips"] == "update"
    life.stack.up(**life.io)
    assert life.flows()["Tips"]["title"] == "Three tips"
    assert life.ids()["tips"] == tips_id


def test_06_a_flow_deleted_behind_our_back_is_dropped_and_recreated(life: Lifecycle) -> None:
    later_id = life.ids()["later"]
    life.admin.delete(later_id)
    refresh = life.stack.refresh(**life.io)
    assert refresh.summary.resource_changes is not None and refresh.summary.resource_changes.get("delete") == 1
    life.stack.up(**life.io)
    assert "Later" in life.flows()
    assert life.ids()["later"] != later_id
    life.stack.preview(**life.io, expect_no_changes=True)


def test_07_flow_get_reads_a_flow_created_outside_pulumi(life: Lifecycle, tmp_path: Path) -> None:
    outside_id = str(make_flow(life.emulator, API_KEY, website_id=life.site, name="Outside", title="Made by hand",
                               description="Not ours", wait_time=2, wait_time_type="hours"))

    def program() -> None:
        found = Flow.get("outside", outside_id)
        pulumi.export("title", found.title)
        pulumi.export("wait", pulumi.Output.concat(found.wait_time.apply(str), " ", found.wait_time_type))
        pulumi.export("defaults", pulumi.Output.all(ttl=found.ttl, urgency=found.urgency, segment=found.segment,
                                                    is_enabled=found.is_enabled, is_silent=found.is_silent,
                                                    url=found.url, image_sha256=found.image_sha256))

    reader = inline_stack(tmp_path, program, project="pushsmm-get", config=account_config(life.emulator, API_KEY))
    result = reader.up(**life.io)
    assert result.outputs["title"].value == "Made by hand"
    assert result.outputs["wait"].value == "2 hours"
    # The state leaves out what is at pushsmm's default; the typed outputs give the default back.
    assert result.outputs["defaults"].value == {"ttl": 2419200, "urgency": "normal", "segment": "all",
                                                "is_enabled": True, "is_silent": False, "url": "", "image_sha256": ""}
    state = next(r for r in reader.export_stack().deployment["resources"] if r["urn"].endswith("::outside"))
    assert not {"ttl", "urgency", "segment", "is_enabled", "is_silent", "url", "image_sha256"} & set(state["outputs"])
    assert state["outputs"]["title"] == "Made by hand" and state["outputs"]["wait_time"] == 2
    reader.destroy(**life.io)  # reading is not owning: the flow stays
    assert "Outside" in life.flows()
    life.admin.delete(outside_id)


def test_08_destroy_leaves_no_flows(life: Lifecycle) -> None:
    life.stack.destroy(**life.io)
    assert life.admin.flows() == []


def test_09_invalid_input_fails_preview_naming_the_field_and_writes_nothing(life: Lifecycle, tmp_path: Path) -> None:
    def program() -> None:
        Flow("bad", website_id=life.site, name="Bad", title="Bad ttl", description="x", wait_time=1,
             wait_time_type="days", ttl=1234)

    bad = inline_stack(tmp_path, program, project="pushsmm-bad", config=account_config(life.emulator, API_KEY))
    life.admin.clear_requests()
    with pytest.raises(auto.CommandError) as raised:
        bad.preview(**life.io)
    message = str(raised.value)
    life.out(message)
    assert "ttl must be one of 0, 900, 1800, 3600" in message and "2419200; got 1234" in message
    assert [r for r in life.admin.requests() if r["method"] != "GET"] == []


def test_10_the_key_never_appears_in_state_or_output(life: Lifecycle) -> None:
    exported = json.dumps(life.stack.export_stack().deployment)
    assert API_KEY not in exported
    assert life.printed, "no CLI output was captured"
    assert all(API_KEY not in line for line in life.printed)
