"""The threaded server under parallel requests: every write lands once, ids stay unique."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A, KEY_B, create, get

pytestmark = pytest.mark.integration


def test_parallel_creates_and_reads_from_two_accounts(server: EmulatorServer) -> None:
    keys = [KEY_A, KEY_B] * 15
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda key: create(server, key, title=key[-4:]), keys))
        reads = list(pool.map(lambda key: get(server, "/flows", key, results_per_page="100"), keys))
    assert [r.status_code for r in responses] == [201] * 30
    ids = [r.json()["data"]["id"] for r in responses]
    assert sorted(ids) == list(range(1, 31))
    assert {r.status_code for r in reads} == {200}
    assert len(server.flows_for(KEY_A)) == len(server.flows_for(KEY_B)) == 15
    assert {f["title"] for f in server.flows_for(KEY_B)} == {"bbbb"}
