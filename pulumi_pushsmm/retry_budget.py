"""The time budget one Flow operation may spend retrying, shared by every request it makes.

Standard library only, so the provider can open a budget without loading the HTTP
stack. The client's urllib3 ``Retry`` reads the deadline (see
``pulumi_pushsmm.client.RateLimitRetry``): a retry whose wait would end after it is
not made, and the last answer or error is returned instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

# The moment (time.monotonic()) after which no request of the current operation is retried. It is
# a context variable, so each thread of the provider (one per Pulumi step) has its own budget.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("pushsmm_retry_deadline", default=None)


def retry_deadline() -> float | None:
    """The time.monotonic() moment after which the current operation stops retrying, if one is set."""
    return _DEADLINE.get()


def remaining() -> float | None:
    """Seconds left in the current budget (never below 0), or None outside any budget."""
    deadline = _DEADLINE.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


@contextlib.contextmanager
def retry_budget(seconds: float) -> Iterator[float]:
    """Bound the time every request made inside the block may spend retrying, all together.

    Nested blocks keep the earlier deadline, so an operation's budget covers the lookups it makes.
    Yields the deadline (a time.monotonic() value).
    """
    outer = _DEADLINE.get()
    deadline = time.monotonic() + max(0.0, seconds)
    if outer is not None:
        deadline = min(deadline, outer)
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)
