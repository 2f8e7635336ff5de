"""How the client retries: urllib3 ``Retry`` policies, one per kind of request, bounded by the operation's budget.

Reads and updates may be sent again; a create only when it cannot have reached the server
(see :func:`write_retry`). Every policy honours ``Retry-After`` and pushsmm's
``X-RateLimit-Reset``, stops at the operation's deadline (:mod:`pulumi_pushsmm.retry_budget`),
and, once the operation has waited long, says what it waits for. The retry loop itself is
urllib3's; nothing here sends a request.
"""

from __future__ import annotations

import time
from typing import Any, Final, Self

from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from .retry_budget import note_wait
from .retry_budget import remaining as budget_remaining
from .transport import reset_header

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})


class RateLimitRetry(Retry):
    """urllib3's Retry, also honouring pushsmm's ``X-RateLimit-Reset``, and stopping at the operation's deadline.

    The deadline comes from :func:`retry_budget` (the client sets one around every call); a retry
    whose wait would end after it is not made, so the last answer or error is returned instead.
    ``host`` (set by the client, carried by every copy) names the server in the notice a long
    wait gives (see :func:`~pulumi_pushsmm.retry_budget.note_wait`).
    """

    host: str = ""

    def new(self, **kw: Any) -> Self:
        """urllib3 makes a new Retry after every attempt: keep the host."""
        made = super().new(**kw)
        made.host = self.host
        return made

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """Wait before the next attempt, first saying what it waits for once the operation has waited long."""
        last = self.history[-1] if self.history else None
        if response is not None:
            reason = f"HTTP {response.status}"
        elif last is not None and last.error is not None:
            reason = _error_words(last.error)
        else:
            reason = "no answer yet"
        note_wait(self.host or "pushsmm", reason)
        super().sleep(response)

    def is_exhausted(self) -> bool:
        """Out of retries by count, or out of time for the wait that would come next."""
        remaining = budget_remaining()
        if remaining is not None and remaining <= self.get_backoff_time():
            return True
        return super().is_exhausted()

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """Seconds to wait: Retry-After if present, else until the rate-limit window resets; never past the deadline."""
        retry_after = super().get_retry_after(response)
        if retry_after is None and response.status == 429:
            retry_after = _rate_limit_reset(response)
        remaining = budget_remaining()
        if retry_after is not None and remaining is not None:
            retry_after = max(0.0, min(retry_after, remaining))
        return retry_after


def for_host(retry: Retry, host: str) -> Retry:
    """``retry`` naming ``host`` in its long-wait notices (a Retry of our own kind; another is left as it is)."""
    if isinstance(retry, RateLimitRetry):
        retry.host = host
    return retry


def _error_words(error: Exception) -> str:
    """A transport error in a few words, for the notice of a long wait."""
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "no answer in time"
    return type(error).__name__


def _rate_limit_reset(response: BaseHTTPResponse) -> float | None:
    now = time.time()
    reset = reset_header(response.headers, now)
    return None if reset is None else max(0.0, reset - now)


def read_retry(total: int = 6, backoff_factor: float = 0.5) -> Retry:
    """Retry for idempotent requests (GET, DELETE): transport errors and 429/5xx, with backoff."""
    return RateLimitRetry(
        total=total,
        backoff_factor=backoff_factor,
        backoff_max=30,
        status_forcelist=RETRYABLE_STATUSES,
        allowed_methods=frozenset({"GET", "DELETE"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def update_retry(total: int = 6, backoff_factor: float = 0.5) -> Retry:
    """Retry for updates (POST /flows/{id}): the same as reads, because an update only sets fields.

    Sending the same update twice leaves the flow as sending it once, so an update that met a
    5xx, a dropped connection or a timeout is sent again, exactly like a GET.
    """
    return read_retry(total, backoff_factor).new(allowed_methods=frozenset({"POST"}))


def write_retry(total: int = 6, backoff_factor: float = 0.5) -> Retry:
    """Retry for creates (POST /flows), which are not idempotent.

    Only what cannot have reached the server is retried: a refused connection,
    and a 429, which pushsmm answers before doing anything. A read error or a
    5xx may come after the flow was stored, so it is left to the caller, which
    looks for the flow before it creates it again (see the provider's create).
    """
    return RateLimitRetry(
        total=total,
        connect=total,
        read=0,
        other=0,
        backoff_factor=backoff_factor,
        backoff_max=30,
        status_forcelist=frozenset({429}),
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
