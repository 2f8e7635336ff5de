"""Segment lookups and ``Flow.get(account=)`` under the real Pulumi engine against the emulator, in order on one stack.

Two accounts each have a segment named "VIP", with different ids, as two environments would. The program finds
the stack account's VIP segment by name (``get_segment_output``) and gives it to a ``FlowSequence`` as a default,
lists that website's segments (``get_segments``), finds the other account's VIP segment through ``account=``,
and reads a flow of the other account with ``Flow.get(..., account=...)``. A refresh then reads that flow again
with the other account's key, and destroy leaves it alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_pushsmm import Account, Flow, FlowSequence, FlowStep, get_segment_output, get_segments
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import Printed, account_config, inline_stack, make_flow

pytestmark = pytest.mark.engine

KEY = "lookups-engine-key-a-DO-NOT-LEAK"
OTHER_KEY = "lookups-engine-key-b-DO-NOT-LEAK"


class LookupStack:
    """The emulator's two accounts, each with a VIP segment; a flow of the other account; the stack."""

    def __init__(self, tmp: Path, server: EmulatorServer) -> None:
        self.server, self.tmp = server, tmp
        self.site = int(server.accounts[0]["website_ids"][0])
        self.other_site = int(server.accounts[1]["website_ids"][0])
        self.vip = int(server.add_segment(int(server.accounts[0]["user_id"]), self.site, name="VIP")["id"])
        self.other_vip = int(server.add_segment(int(server.accounts[1]["user_id"]), self.other_site,
                                                name="VIP")["id"])
        self.other_flow = make_flow(server, OTHER_KEY, website_id=self.other_site, name="Theirs",
                                    title="Made in the other account", segment=self.other_vip)
        self.printed = Printed()
        self.stack = inline_stack(tmp, self.program, project="pushsmm-lookups",
                                  config=account_config(server, KEY, {"pushsmm-lookups:otherKey": OTHER_KEY}))

    def program(self) -> None:
        other = Account(api_key=pulumi.Config().require_secret("otherKey"), base_url=self.server.base_url)
        series = FlowSequence("series", website_id=self.site,
                              defaults={"segment": get_segment_output(self.site, name="VIP"), "description": "d"},
                              steps=[FlowStep("welcome", "10m", title="Hi"),
                                     FlowStep("tips", "1d", title="Tips", segment="all")])
        theirs = Flow.get("theirs", str(self.other_flow), account=other)
        pulumi.export("ids", series.ids)
        pulumi.export("segments", [(s.id, s.name) for s in get_segments(self.site)])
        pulumi.export("other_vip", get_segment_output(self.other_site, name="VIP", account=other).id)
        pulumi.export("theirs", pulumi.Output.all(title=theirs.title, segment=theirs.segment,
                                                  website_id=theirs.website_id))

    def outputs(self) -> dict[str, Any]:
        return {k: v.value for k, v in self.stack.outputs().items()}


@pytest.fixture(scope="module")
def looked(pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LookupStack]:
    with EmulatorServer(api_keys=[KEY, OTHER_KEY], rate_limit=0, seed=23) as server:
        yield LookupStack(tmp_path_factory.mktemp("lookups"), server)


def test_01_a_segment_found_by_name_is_the_sequence_default_and_flow_get_reads_the_other_account(
        looked: LookupStack) -> None:
    looked.stack.up(**looked.printed.io)
    flows = {f["name"]: f for f in looked.server.flows_for(KEY)}
    assert sorted(flows) == ["tips", "welcome"]
    assert flows["welcome"]["segment"] == str(looked.vip)  # the id of this account's "VIP", found by name
    assert flows["tips"]["segment"] == "all"  # the step's own segment overrides the default
    out = looked.outputs()
    assert [name for _, name in out["segments"]] == [f"Engaged subscribers of website {looked.site}", "VIP"]
    assert out["other_vip"] == looked.other_vip != looked.vip  # the same name, another account's id
    assert out["theirs"] == {"title": "Made in the other account", "segment": looked.other_vip,
                             "website_id": looked.other_site}
    looked.stack.preview(expect_no_changes=True, **looked.printed.io)


def test_02_refresh_reads_the_flow_got_with_account_in_that_account(looked: LookupStack) -> None:
    looked.server.drift_flow(looked.other_flow, title="Edited in the other account")
    looked.stack.refresh(**looked.printed.io)
    state = next(r for r in looked.stack.export_stack().deployment["resources"] if r["urn"].endswith("::theirs"))
    assert state["outputs"]["title"] == "Edited in the other account"
    # The export shows secrets' plaintext: the key is one there, and on disk only as ciphertext.
    assert "4dabf18193072939515e22adb298388d" in state["outputs"]["account_api_key"]
    on_disk = b"".join(p.read_bytes() for p in (looked.tmp / "state").rglob("*") if p.is_file())
    assert OTHER_KEY.encode() not in on_disk and OTHER_KEY not in looked.printed.text


def test_03_destroy_deletes_the_sequence_and_leaves_the_flow_it_only_read(looked: LookupStack) -> None:
    looked.stack.destroy(**looked.printed.io)
    assert looked.server.flows_for(KEY) == []
    assert [f["title"] for f in looked.server.flows_for(OTHER_KEY)] == ["Edited in the other account"]
