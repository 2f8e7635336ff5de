"""Across machines only the server's headers are shared: a 429 stays invisible and costs at most one retry per request.

Two clients, each with a limiter of its own (no shared budget: two runners on two machines),
send on one key from three threads each, more than one window allows, against the emulator
over real HTTP. Each limiter knows only its own requests in flight, so together they overshoot
a window now and then; the request refused waits for the window's reset and goes first in the
next one (the limiter's own waits end a margin after the reset: transport.RESET_MARGIN_SECONDS),
so its one retry is answered. The emulator's window is cut from 60 s to 1 s (it runs in this
process), so the test takes seconds, not minutes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_pushsmm.client import PushsmmClient
from pulumi_pushsmm.emulator import EmulatorServer, ratelimit
from tests.support import website_of

pytestmark = pytest.mark.integration

KEY = "two-machines-key-DO-NOT-LEAK"
LIMIT = 8
"""Requests per window: more than the six the two machines have in flight at once, as with pushsmm's 60."""
PER_THREAD = 2


@pytest.fixture
def short_window_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    monkeypatch.setattr(ratelimit, "RATE_LIMIT_WINDOW_SECONDS", 1)
    with EmulatorServer(api_keys=[KEY], rate_limit=LIMIT) as server:
        yield server


def test_two_machines_on_one_key_see_no_429_and_retry_each_request_at_most_once(
        short_window_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture) -> None:
    server = short_window_emulator
    site = website_of(server)
    machines = [PushsmmClient(server.base_url, KEY), PushsmmClient(server.base_url, KEY)]
    assert machines[0].limiter is not machines[1].limiter

    def deploy(client: PushsmmClient) -> list[int]:
        made = []
        for i in range(PER_THREAD):
            form = {"website_id": str(site), "name": f"Flow {i}", "title": "Hi", "description": "One of many"}
            made.append(int(client.create_flow(form)["id"]))  # a create: never sent twice but after a 429
            client.get_flow(made[-1])
        return made

    with caplog.at_level(logging.DEBUG, logger="pulumi_pushsmm.http"), ThreadPoolExecutor(6) as pool:
        made = [flow_id for ids in pool.map(deploy, [c for c in machines for _ in range(3)]) for flow_id in ids]
    for client in machines:
        client.close()

    statuses = [entry["status"] for entry in server.request_log()]
    assert statuses.count(429) > 0, "no request met a 429: the test would prove nothing"
    assert len(made) == len(set(made)) == 6 * PER_THREAD  # every create succeeded, none twice
    assert len(server.flows_for(KEY)) == 6 * PER_THREAD
    retries = [int(m.group(1)) for r in caplog.records if (m := re.search(r"retries (\d+)", r.getMessage()))]
    assert len(retries) == 2 * 6 * PER_THREAD and max(retries) <= 1, retries
    assert sum(retries) == statuses.count(429)  # each 429 on the wire is one retry of one request
