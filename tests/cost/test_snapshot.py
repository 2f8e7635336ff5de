"""The snapshot's rules: one list for a whole refresh, and never more requests than a GET per read plus one."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from pulumi_pushsmm.snapshot import FlowSnapshot, Page

pytestmark = pytest.mark.unit


class Account:
    """An account of ``count`` flows listed ``page_size`` to a page, counting list requests."""

    def __init__(self, count: int, page_size: int = 1000) -> None:
        self.ids = list(range(1, count + 1))
        self.page_size = page_size
        self.pages_asked: list[int] = []

    def fetch_page(self, page: int) -> Page:
        self.pages_asked.append(page)
        start = (page - 1) * self.page_size
        flows = [{"id": i, "title": f"t{i}"} for i in self.ids[start:start + self.page_size]]
        return flows, max(1, -(-len(self.ids) // self.page_size))


def requests_for(snapshot: FlowSnapshot) -> int:
    """List pages plus the GETs the caller had to make."""
    return snapshot.pages + snapshot.gets


def test_the_first_read_lists_once_and_later_reads_are_served_from_the_list() -> None:
    account = Account(100)
    snapshot = FlowSnapshot(account.fetch_page)
    found = [snapshot.find(i) for i in range(1, 101)]
    assert [f["id"] for f in found if f] == list(range(1, 101))
    assert account.pages_asked == [1] and requests_for(snapshot) == 1 and snapshot.complete


def test_an_id_missing_from_a_complete_list_is_left_to_a_get() -> None:
    snapshot = FlowSnapshot(Account(5).fetch_page)
    assert snapshot.find(3) is not None
    assert snapshot.find(999) is None
    assert (snapshot.pages, snapshot.gets) == (1, 1)


def test_three_flows_in_an_account_of_50000_never_page_through_the_list() -> None:
    account = Account(50_000)
    snapshot = FlowSnapshot(account.fetch_page)
    for flow_id in (49_998, 49_999, 50_000):  # the newest flows: on the last page
        assert snapshot.find(flow_id) is None
    assert account.pages_asked == [1]
    assert requests_for(snapshot) == 4  # page 1, then one GET each: 3 reads + 1


def test_paging_goes_on_only_as_far_as_earlier_pages_paid_for() -> None:
    account = Account(3000)
    snapshot = FlowSnapshot(account.fetch_page)
    for flow_id in range(1, 11):  # ten reads served by page 1 ...
        assert snapshot.find(flow_id) is not None
    assert snapshot.find(2500) is not None  # ... pay for pages 2 and 3
    assert account.pages_asked == [1, 2, 3] and snapshot.complete and snapshot.gets == 0


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("account_size,page_size", [(0, 10), (7, 10), (95, 10), (1000, 25)])
def test_never_more_requests_than_one_get_per_read_plus_one(seed: int, account_size: int, page_size: int) -> None:
    rng = random.Random(seed)
    account = Account(account_size, page_size)
    snapshot = FlowSnapshot(account.fetch_page)
    reads = rng.randint(1, 60)
    for read in range(1, reads + 1):
        snapshot.find(rng.randint(1, account_size + 5))
        assert requests_for(snapshot) <= read + 1


def test_writes_keep_the_snapshot_true() -> None:
    account = Account(3)
    snapshot = FlowSnapshot(account.fetch_page)
    assert snapshot.find(1) == {"id": 1, "title": "t1"}
    snapshot.put({"id": 2, "title": "changed"})
    snapshot.put({"id": 77, "title": "created"})
    snapshot.drop(3)
    assert snapshot.find(2) == {"id": 2, "title": "changed"}
    assert snapshot.find("77") == {"id": 77, "title": "created"}
    assert snapshot.find(3) is None  # deleted: the caller's GET sees the 404
    assert account.pages_asked == [1]


def test_a_failed_page_counts_as_spent_and_is_not_kept() -> None:
    calls: list[int] = []

    def flaky(page: int) -> Page:
        calls.append(page)
        if len(calls) == 1:
            raise ConnectionError("down")
        return [{"id": 1}], 1

    snapshot = FlowSnapshot(flaky)
    with pytest.raises(ConnectionError):
        snapshot.find(1)
    assert not snapshot.complete
    assert snapshot.find(1) == {"id": 1}  # the next read lists again, still within a GET per read plus one
    assert calls == [1, 1] and requests_for(snapshot) == 2


def test_writes_before_the_first_read_leave_nothing_behind() -> None:
    account = Account(3)
    snapshot = FlowSnapshot(account.fetch_page)
    snapshot.put({"id": 1, "title": "as created, before a change behind our back"})
    assert snapshot.find(1) == {"id": 1, "title": "t1"}


def test_concurrent_first_reads_share_one_list() -> None:
    account = Account(200)
    snapshot = FlowSnapshot(account.fetch_page)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda i=i: results.append(snapshot.find(i))) for i in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert account.pages_asked == [1] and all(results)
