"""The log of /api requests that the admin surface shows: time, method, path, query, status, fault; never a key.

Its own small state, apart from the database: a bounded list of the most
recent requests, stamped with the backend's clock.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from .records import LogEntry

REQUEST_LOG_SIZE: Final = 10_000  # the request log keeps the most recent entries only
_SECRET_NAME: Final = re.compile(r"key|token|secret|auth|pass", re.IGNORECASE)


class RequestLog:
    """The most recent /api requests (up to REQUEST_LOG_SIZE), oldest first."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: deque[LogEntry] = deque(maxlen=REQUEST_LOG_SIZE)
        self._lock = threading.Lock()

    def record(self, *, method: str, path: str, query: str = "", status: int | None, fault: str | None) -> None:
        """Record one request, stamped with the clock's time (a secret-looking query value is redacted)."""
        stamp = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        entry = LogEntry(time=stamp, method=method, path=path, query=loggable(query), status=status, fault=fault)
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        """The logged requests in JSON form, oldest first."""
        with self._lock:
            return [entry.to_dict() for entry in self._entries]

    def clear(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._entries.clear()


def loggable(query: str) -> str:
    """The query string as sent, but with the value of any key-, token- or secret-like parameter redacted.

    The API takes its key only in the Authorization header; a client that puts
    one in the query by mistake must not find it in the log.
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(_SECRET_NAME.search(name) for name, _ in pairs):
        return query
    return urlencode([(name, "[redacted]" if _SECRET_NAME.search(name) else value) for name, value in pairs])
