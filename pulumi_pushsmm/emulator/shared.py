"""What every part of the backend shares: the store, the clock, and the API's reads of stored records.

``EmulatorBackend`` is one object to its callers (as a moto backend is), put
together from parts that each keep one job's rules next to the state they
change: ``accounts`` (keys, websites, segments) and ``flows`` (flow writes,
images, drift, subscriber counters). Both build on ``BackendState``, which
holds what they have in common, so neither reaches into the other.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from .cleaning import PAGINATION_MODEL, page_window, storable_id, strict_int
from .records import Account, Page
from .storage import Owned, Store


class BackendState:
    """The store, its one lock and the clock, with the reads both the API and the rules use.

    ``clock`` returns epoch seconds and drives every datetime, so tests can move time.
    """

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._lock = store.lock
        self._clock = clock

    def close(self) -> None:
        """Close the database."""
        self._store.close()

    # --- the API's reads ---------------------------------------------------------------------------

    def page_of(
        self,
        record: type[Owned],
        *,
        user_id: int,
        page: str | None,
        results_per_page: str | None,
        website_id: str | None = None,
    ) -> Page[Owned]:
        """A page of the account's websites, segments or flows (optionally of one website), in id order.

        The query is read as PAGINATION_MODEL says: odd page sizes become the
        default, pages below 1 become 1, an unusable ``website_id`` is ignored.
        """
        number, size = page_window(page, results_per_page)
        query: dict[str, str] = {}
        if results_per_page is not None:
            query["results_per_page"] = str(size)
        website_filter = storable_id(strict_int(website_id))
        if website_filter is not None:
            query["website_id"] = str(website_filter)
        total, items = self._store.page(record, user_id, website_filter, size, number)
        return Page(
            items=items,
            page=number,
            page_echo=page if page is not None else PAGINATION_MODEL.first_page,
            results_per_page=size,
            total_results=total,
            total_pages=math.ceil(total / size),
            query=query,
        )

    def one_of(self, record: type[Owned], *, user_id: int | None, record_id: int) -> Owned:
        """One of the account's websites, segments or flows (any account's when ``user_id`` is None).

        Another account's id is simply not found, as on the real server.
        """
        return self._store.one(record, record_id, user_id)

    # --- for the parts ------------------------------------------------------------------------------

    def _now(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self._clock()))

    def _account(self, user_id: int) -> Account:
        return self._store.one(Account, user_id)
