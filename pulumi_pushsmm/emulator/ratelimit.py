"""Rate limiting as the real server does it: a fixed window of RATE_LIMIT_WINDOW_SECONDS per API key.

Its own small state (one window per key hash), apart from the database: the
counts are not data the service keeps, and a restart starts them afresh.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Final

from .records import RateState

RATE_LIMIT_WINDOW_SECONDS: Final = 60


class RateLimiter:
    """Requests counted per key hash in fixed windows; ``limit`` 0 switches limiting off.

    ``clock`` returns epoch seconds, so tests can move time.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key_hash: str, limit: int) -> RateState | None:
        """Count one request for the key in its window; None when limiting is off."""
        if limit == 0:
            return None
        with self._lock:
            now = self._clock()
            start, used = self._windows.get(key_hash, (now, 0))
            if now >= start + RATE_LIMIT_WINDOW_SECONDS:
                start, used = now, 0
            used += 1
            self._windows[key_hash] = (start, used)
        reset = math.ceil(start + RATE_LIMIT_WINDOW_SECONDS)
        return RateState(limit=limit, remaining=max(limit - used, 0), reset=reset, allowed=used <= limit)

    def idle(self, limit: int) -> RateState | None:
        """The headers for a request not tied to a key (a full, untouched window); None when limiting is off."""
        if limit == 0:
            return None
        reset = math.ceil(self._clock() + RATE_LIMIT_WINDOW_SECONDS)
        return RateState(limit=limit, remaining=limit, reset=reset, allowed=True)

    def clear(self) -> None:
        """Forget every window (after a reset, or when the limit changes)."""
        with self._lock:
            self._windows.clear()
