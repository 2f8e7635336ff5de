"""The time budget one Flow operation may spend retrying, shared by every request it makes.

Standard library only, so the provider can open a budget without loading the HTTP
stack. The client's urllib3 ``Retry`` reads the deadline (see
``pulumi_pushsmm.client.RateLimitRetry``): a retry whose wait would end after it is
not made, and the last answer or error is returned instead. The client also caps each
request's own timeouts at what is left, so no request outlives its operation.

A long wait is never silent: once an operation has been retrying for
``NOTICE_AFTER_SECONDS``, every retry says (at most every ``NOTICE_AFTER_SECONDS``)
what it is waiting for: the host, the last status or error, and the seconds left.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

NOTICE_AFTER_SECONDS: Final = 10.0
"""An operation retrying this long says what it waits for, and again every as many seconds."""

logger = logging.getLogger("pulumi_pushsmm.retry")


@dataclass
class _Operation:
    started: float  # time.monotonic()
    deadline: float
    last_notice: float = 0.0


# The current operation's budget. It is a context variable, so each thread of the provider (one per
# Pulumi step) has its own.
_OPERATION: contextvars.ContextVar[_Operation | None] = contextvars.ContextVar("pushsmm_retry_budget", default=None)


def retry_deadline() -> float | None:
    """The time.monotonic() moment after which the current operation stops retrying, if one is set."""
    operation = _OPERATION.get()
    return None if operation is None else operation.deadline


def remaining() -> float | None:
    """Seconds left in the current budget (never below 0), or None outside any budget."""
    operation = _OPERATION.get()
    return None if operation is None else max(0.0, operation.deadline - time.monotonic())


@contextlib.contextmanager
def retry_budget(seconds: float) -> Iterator[float]:
    """Bound the time every request made inside the block may spend retrying, all together.

    Nested blocks keep the earlier deadline, so an operation's budget covers the lookups it makes.
    Yields the deadline (a time.monotonic() value).
    """
    outer = _OPERATION.get()
    now = time.monotonic()
    deadline = now + max(0.0, seconds)
    if outer is not None:
        deadline = min(deadline, outer.deadline)
    token = _OPERATION.set(_Operation(started=outer.started if outer else now, deadline=deadline))
    try:
        yield deadline
    finally:
        _OPERATION.reset(token)


def note_wait(host: str, reason: str) -> None:
    """Before a retry's wait: once the operation has retried for a while, say what it is waiting for."""
    operation = _OPERATION.get()
    if operation is None:
        return
    now = time.monotonic()
    if now - operation.started < NOTICE_AFTER_SECONDS or now - operation.last_notice < NOTICE_AFTER_SECONDS:
        return
    operation.last_notice = now
    logger.warning("still waiting for %s (%s): %.0f s so far, retrying for up to %.0f s more (pushsmm:retryTimeout)",
                   host, reason, now - operation.started, max(0.0, operation.deadline - now))
