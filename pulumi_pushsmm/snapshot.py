"""List-backed reads: a refresh of up to 1000 flows in one request instead of one GET per flow.

A ``pulumi refresh`` asks the provider to read every flow of the stack, one
``read`` call each. Sent as one ``GET /flows/{id}`` each, a refresh of 100
flows is 100 requests: over a minute and a half at pushsmm's 60 a minute. The
account's flow list answers up to 1000 flows in one request, so
:class:`FlowSnapshot` serves reads from the list instead.

The rule (never more requests than one GET per read, plus one):

- The first read lists page 1 of the account's flows at the largest page size
  (1000). An account of up to 1000 flows is then complete in one request, and
  every later read in the process is answered from it.
- A read whose id is not in the pages fetched so far fetches the next page
  only while the requests spent so far (pages plus GETs) are fewer than the
  reads asked for so far; otherwise it falls back to one GET. So paging goes
  on only as far as earlier pages paid for themselves: a stack of 3 flows in
  an account of 50,000 flows costs page 1 and then one GET per flow not on it
  (at most 4 requests), never 50 pages. The provider process cannot know how
  many flows the stack has, and this rule needs no such guess.
- An id missing from a complete list, or from the pages fetched when paging
  stopped, is never taken as gone on the list's word: :meth:`FlowSnapshot.find`
  answers None and the caller confirms with one GET (the list may have
  shifted under concurrent writes, and a 404 needs its own checks).
- Writes keep the snapshot true: once a read has listed, a created or updated
  flow is put in it, a deleted one taken out (a later read of it then GETs,
  and sees the 404). Writes before the first read leave nothing behind: that
  read lists afresh.

A process is one ``pulumi`` command, so the snapshot is at most as old as the
command: a read answered from it says what the flow was when the command's
first read ran, as a refresh that read every flow at that moment would.

The provider keeps one snapshot per configured provider object, and the Pulumi
engine makes one Flow provider object per process (every Flow pickles to the
same provider bytes, which the dynamic provider host deserializes and
configures once), so that is one per process, shared by every thread. This
module makes no HTTP calls itself: the caller passes the page-fetching function.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Flow = dict[str, Any]
Page = tuple[list[Flow], int]
"""One page of the flow list: its flows, and the number of pages the list has."""


class FlowSnapshot:
    """The account's flows as listed by the first read of the process, kept true by the process's writes."""

    def __init__(self, fetch_page: Callable[[int], Page]) -> None:
        self._fetch_page = fetch_page
        self._lock = threading.Lock()
        self._flows: dict[str, Flow] = {}
        self._pages_fetched = 0
        self._total_pages: int | None = None  # unknown until page 1 is fetched
        self.reads = 0  # find() calls
        self.pages = 0  # list requests made
        self.gets = 0  # finds answered None: each costs the caller one GET

    @property
    def complete(self) -> bool:
        """True once every page of the list has been fetched."""
        return self._total_pages is not None and self._pages_fetched >= self._total_pages

    def find(self, flow_id: str | int) -> Flow | None:
        """The flow as listed, or None when the caller must GET it (not listed, or paging did not pay)."""
        key = str(flow_id)
        with self._lock:
            self.reads += 1
            while key not in self._flows and not self.complete and self.pages + self.gets < self.reads:
                # Counted before the call: a failed page still spent a request.
                self.pages += 1
                flows, total_pages = self._fetch_page(self._pages_fetched + 1)
                self._pages_fetched += 1
                self._total_pages = max(total_pages, self._pages_fetched)
                for flow in flows:
                    self._flows.setdefault(str(flow["id"]), flow)
            found = self._flows.get(key)
            if found is None:
                self.gets += 1
            return found

    def put(self, flow: Flow) -> None:
        """Record a flow as it is now (after a create, update or adoption), once a read has listed."""
        with self._lock:
            # Before the first read there is no snapshot to keep true; that read will list afresh.
            if self.reads:
                self._flows[str(flow["id"])] = flow

    def drop(self, flow_id: str | int) -> None:
        """Forget a flow (after a delete): a later read of it GETs."""
        with self._lock:
            self._flows.pop(str(flow_id), None)
