"""How many API requests each Pulumi operation costs, counted in the emulator's request log.

pushsmm allows 60 requests a minute, so these counts are the provider's first
cost. They are deterministic, so they are asserted here; the times are the
benchmark's business (``make bench``). The tests run in order on one stack of
N flows, as a user's successive commands would.

The provider process runs with ``PUSHSMM_LOG=debug``: the last test checks
that its per-request lines reach Pulumi's own output, which is also where a
long rate-limit wait is announced without any flag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_pushsmm import TYPE_TOKEN, Flow
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import EmulatorAdmin, account_config, inline_stack

pytestmark = pytest.mark.engine

N = 60
CHANGED = 5
API_KEY = "request-counts-key-91d2-DO-NOT-LEAK"


class CountedStack:
    """A stack of N flows against one emulator, with the request log read per operation."""

    def __init__(self, tmp: Path, emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.site = int(emulator.accounts[0]["website_ids"][0])
        segments = emulator.accounts[0]["segment_ids"]
        self.segment = int(segments[str(self.site)][0])
        self.admin = EmulatorAdmin.of(emulator)
        self.titles = {i: f"Message {i}" for i in range(N)}
        self.printed: list[str] = []
        self.stack = inline_stack(tmp, self.program, project="pushsmm-counts", config=account_config(emulator, API_KEY),
                                  env={"PUSHSMM_LOG": "debug"})

    def program(self) -> None:
        for i in range(N):
            # A few flows target a segment, so the segments lookup is part of the count.
            Flow(f"flow-{i}", website_id=self.site, name=f"Flow {i}", title=self.titles[i],
                 description="Counted", wait_time=i + 1, wait_time_type="hours",
                 segment=self.segment if i % 10 == 0 else "all")
        pulumi.export("count", N)

    @property
    def io(self) -> dict[str, Any]:
        return {"on_output": self.printed.append, "on_error": self.printed.append}

    def counted(self, operation: Any, **kwargs: Any) -> Counter[str]:
        """Run one operation; return its requests as "METHOD /path-kind" counts (flow ids folded)."""
        self.admin.clear_requests()
        operation(**self.io, **kwargs)
        log = self.admin.requests()
        assert all(entry["status"] != 429 for entry in log)
        return Counter(f"{e['method']} {_kind(e['path'])}" for e in log)


def _kind(path: str) -> str:
    parts = path.split("?")[0].rstrip("/").split("/")
    return "/".join("{id}" if p.isdigit() else p for p in parts)


@pytest.fixture(scope="module")
def counted(pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CountedStack]:
    with EmulatorServer(api_keys=[API_KEY], rate_limit=0, seed=3) as server:
        yield CountedStack(tmp_path_factory.mktemp("counts"), server)


def test_00_a_preview_of_n_new_flows_costs_at_most_the_two_lookups(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.preview)
    assert sum(requests.values()) <= 2, requests
    assert set(requests) <= {"GET /api/websites", "GET /api/segments"}


def test_01_up_creating_n_flows_costs_n_posts_plus_one_lookup_each(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.up)
    assert requests["POST /api/flows"] == N
    assert requests["GET /api/websites"] <= 1 and requests["GET /api/segments"] <= 1
    assert sum(requests.values()) <= N + 2, requests


def test_02_a_no_change_preview_costs_at_most_the_two_lookups(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.preview, expect_no_changes=True)
    assert sum(requests.values()) <= 2, requests
    assert set(requests) <= {"GET /api/websites", "GET /api/segments"}


def test_03_changing_k_flows_costs_k_requests(counted: CountedStack) -> None:
    for i in range(CHANGED):
        counted.titles[i] = f"Changed {i}"
    requests = counted.counted(counted.stack.up)
    assert requests == Counter({"POST /api/flows/{id}": CHANGED}), requests


def test_04_refresh_of_n_flows_costs_at_most_three_requests(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.refresh)
    assert sum(requests.values()) <= 3, requests
    assert requests["GET /api/flows/{id}"] == 0


def test_05_preview_refresh_of_n_flows_costs_at_most_three_requests(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.preview, refresh=True, expect_no_changes=True)
    assert sum(requests.values()) <= 3, requests
    assert requests["GET /api/flows/{id}"] == 0


def test_06_refresh_still_sees_a_flow_deleted_behind_our_back(counted: CountedStack) -> None:
    flows = [r for r in counted.stack.export_stack().deployment["resources"] if r["type"] == TYPE_TOKEN]
    gone = str(flows[-1]["id"])
    counted.admin.delete(gone)
    requests = counted.counted(counted.stack.refresh)
    # The list does not have it; one GET confirms the 404 before the flow leaves the state.
    assert requests["GET /api/flows/{id}"] == 1 and sum(requests.values()) <= 4, requests
    ids = {str(r.get("id")) for r in counted.stack.export_stack().deployment["resources"]}
    assert gone not in ids


def test_07_destroy_costs_one_delete_per_flow(counted: CountedStack) -> None:
    requests = counted.counted(counted.stack.destroy)
    assert requests == Counter({"DELETE /api/flows/{id}": N - 1}), requests
    assert counted.admin.flows() == []


def test_08_the_debug_log_reaches_pulumis_output_and_never_holds_the_key(counted: CountedStack) -> None:
    text = "\n".join(counted.printed)
    assert "pushsmm DEBUG: POST /api/flows -> 201 in " in text
    assert "pushsmm DEBUG: GET /api/flows?page=1&results_per_page=1000 -> 200 in " in text
    assert API_KEY not in text
