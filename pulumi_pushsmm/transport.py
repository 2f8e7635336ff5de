"""The HTTP transport under the pushsmm client: sessions, pacing against the rate limit, and request logging.

It knows nothing about Pulumi (its error messages only name the two settings
it reads). Three jobs, each in one place:

- :func:`new_session` builds a ``requests.Session`` that reads proxy and CA
  settings from the environment once, when it is made. With ``trust_env``
  on, requests re-reads the proxy variables and ``~/.netrc`` on every request
  (0.2 s per hundred requests, and a ``.netrc`` entry would even replace our
  Authorization header), so it is switched off and the values found at start
  are set on the session instead.
- :class:`RateLimiter` paces the requests of one API key so that the
  server's limit (60 a minute on pushsmm) is never hit: it follows
  ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` and, when asked, a lower
  client-side budget for keys shared with other tools. The account's session
  (:mod:`pulumi_pushsmm.session`) holds one limiter per account, shared by every
  thread, on a budget shared by the machine's processes using the same key
  (:mod:`pulumi_pushsmm.shared_budget`).
- :class:`PacedAdapter`, the ``HTTPAdapter`` every session mounts, waits on the
  limiter before each request, feeds it the answer's headers, and writes one
  debug line per request (method, path, status, latency, retries, rate-limit
  remaining) to the ``pulumi_pushsmm.http`` logger: never a header value that
  could hold the key, never a body.

Pacing happens per request as requests sees it. urllib3 retries a request
inside the connection pool, below the adapter, so a retried attempt is not
paced on its own: it is already spaced by the Retry's backoff (which honours
``X-RateLimit-Reset`` on a 429), and the next answer's headers bring the
limiter's count back in line with the server's.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from urllib3.util.retry import Retry

from .shared_budget import Budget, BudgetState, LocalBudget

WINDOW_SECONDS: Final = 60.0
"""Length of pushsmm's rate-limit window, and of the window ``requests_per_minute`` counts in."""

NOTICE_SECONDS: Final = 3.0
"""A wait at least this long is announced at WARNING level, so a user sees why nothing moves."""

RESET_MARGIN_SECONDS: Final = 0.1
"""Slack after the announced reset, for the server's clock ticking a little behind ours.

It also lets a request that met a 429 (another machine on the same key overshot the window) go
first in the next window: its retry waits for the reset itself (:mod:`pulumi_pushsmm.retries`),
so it is counted before the requests this limiter held back, and is not refused twice.
"""

ANSWER_POLL_SECONDS: Final = 0.05
"""How often a request waiting for the answer that opens a new window looks again."""

logger = logging.getLogger("pulumi_pushsmm.http")

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class RateLimiter:
    """Paces the requests of one API key so that the server never has to answer 429.

    Thread-safe. Call :meth:`acquire` before each request (it may sleep), and
    :meth:`observe` with the answer's headers after it (``None`` when the
    request failed without an answer). Two budgets, the stricter wins:

    - the server's, from ``X-RateLimit-Remaining`` in the current window
      (``X-RateLimit-Reset``). The server counts requests in the order they
      reach it, which is not the order they were sent or answered, so the
      limiter keeps the lowest remaining reported in the window and subtracts
      every request still unanswered: any of them may not be counted yet. That
      bound holds in any order. When it reaches 0, wait until the window
      resets; then assume a full window until an answer says otherwise. An
      answer whose window is already over is ignored.
    - the client's, when ``requests_per_minute`` is set: at most that many
      requests in any 60 seconds (a sliding window), for keys that other tools
      use too. Only the limiters with such a budget record their send times, so
      a shared budget counts the requests of the processes that set one.

    What it knows lives in ``budget`` (:mod:`pulumi_pushsmm.shared_budget`): this
    process's own by default, or a file that the other provider processes of the
    machine using the same key read and write too. Then "unanswered" and "sent in
    the last minute" count every process's requests, and an answer any of them got
    teaches all of them, so K stacks deploying at once pace as one client.

    ``clock`` must tell Unix time (``X-RateLimit-Reset`` is a Unix time on
    pushsmm); ``clock`` and ``sleep`` are injectable so tests never sleep.
    ``notify`` is told about every wait of at least ``NOTICE_SECONDS``.
    """

    def __init__(
        self,
        requests_per_minute: int | None = None,
        *,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        notify: Callable[[float, str], None] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.requests_per_minute = _checked_rpm(requests_per_minute)
        self.budget: Budget = budget or LocalBudget()
        self._clock, self._sleep = clock, sleep
        self._notify = notify or _log_wait
        self._announce_lock = threading.Lock()
        self._announced_until = 0.0
        self.waited = 0.0  # total seconds this process spent waiting, for callers that report it

    def set_requests_per_minute(self, requests_per_minute: int | None) -> None:
        """Change the client-side budget (None: only the server's)."""
        self.requests_per_minute = _checked_rpm(requests_per_minute)

    def acquire(self) -> None:
        """Wait until one more request fits both budgets, and count it as sent."""
        while True:
            with self.budget.transaction() as state:
                now = self._clock()
                wait, why = self._wait_needed(state, now)
                if wait <= 0:
                    state.in_flight[self.budget.holder] = state.in_flight.get(self.budget.holder, 0) + 1
                    if self.requests_per_minute is not None:
                        state.sent.append(now)
                    return
            with self._announce_lock:
                announce = wait >= NOTICE_SECONDS and now + wait > self._announced_until + 1.0
                if announce:
                    self._announced_until = now + wait
                self.waited += wait
            if announce:
                self._notify(wait, why)
            self._sleep(wait)

    def _wait_needed(self, state: BudgetState, now: float) -> tuple[float, str]:
        """Seconds to wait before the next request may go (0: go now), and why. Within a transaction."""
        waits: list[tuple[float, str]] = []
        if state.reset is not None and now >= state.reset:
            # The server's window is over: a fresh one holds the whole limit (unknown until an answer says).
            state.stale_before = state.reset + 0.5
            state.reset = None
            state.lowest = state.limit
        if state.lowest is not None and state.lowest - state.in_flight_total() <= 0:
            if state.reset is not None:
                waits.append((state.reset + RESET_MARGIN_SECONDS - now, "the server's limit"))
            else:
                # A fresh window whose count is all in flight: wait for an answer to tell the new reset.
                waits.append((ANSWER_POLL_SECONDS, "the server's limit"))
        while state.sent and state.sent[0] <= now - WINDOW_SECONDS:
            del state.sent[0]
        rpm = self.requests_per_minute
        if rpm is not None and len(state.sent) >= rpm:
            waits.append((state.sent[-rpm] + WINDOW_SECONDS - now, f"requestsPerMinute={rpm}"))
        return max(waits, default=(0.0, ""))

    def observe(self, headers: Mapping[str, str] | None) -> None:
        """Count one request as answered, and take in its rate-limit headers (None: it got no answer)."""
        headers = headers or {}
        limit = _int_header(headers, "X-RateLimit-Limit")
        remaining = _int_header(headers, "X-RateLimit-Remaining")
        now = self._clock()
        reset = reset_header(headers, now)
        with self.budget.transaction() as state:
            state.in_flight[self.budget.holder] = max(state.in_flight.get(self.budget.holder, 0) - 1, 0)
            if limit is not None:
                state.limit = limit
            if remaining is None:
                return
            if reset is not None and (reset <= now or reset < state.stale_before
                                      or (state.reset is not None and reset < state.reset - 0.5)):
                # The count of a window that is over (an answer that arrived late): nothing about this one.
                return
            if reset is not None and (state.reset is None or reset > state.reset + 0.5):
                # A new window: its count replaces whatever the old window said.
                state.reset, state.lowest = reset, remaining
            else:
                state.lowest = remaining if state.lowest is None else min(state.lowest, remaining)

    def remaining(self) -> int | None:
        """Requests the server's window surely still allows by this limiter's count (None: not known yet)."""
        with self.budget.transaction() as state:
            if state.lowest is None:
                return None
            return max(state.lowest - state.in_flight_total(), 0)


def _checked_rpm(requests_per_minute: int | None) -> int | None:
    if requests_per_minute is not None and requests_per_minute < 1:
        raise ValueError(f"requests_per_minute must be a whole number of at least 1, got {requests_per_minute}")
    return requests_per_minute


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def reset_header(headers: Mapping[str, str], now: float) -> float | None:
    """``X-RateLimit-Reset`` as a clock time: a Unix time on pushsmm; a small number is read as seconds."""
    value = headers.get("X-RateLimit-Reset")
    try:
        reset = float(value) if value is not None else None
    except ValueError:
        return None
    if reset is None:
        return None
    seconds = reset - now if reset > 1_000_000_000 else reset
    # A clock far off from the server's must not make us wait more than one window.
    return now + min(seconds, WINDOW_SECONDS)


def _log_wait(seconds: float, why: str) -> None:
    logger.warning("pushsmm rate limit (%s): waiting %.0f s before the next request", why, seconds)


class PacedAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that waits on a :class:`RateLimiter` before each request and logs one line after it."""

    def __init__(self, limiter: RateLimiter | None, max_retries: Retry) -> None:
        super().__init__(max_retries=max_retries)
        self.limiter = limiter

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Send one request, paced; log method, path, status, latency, retries and rate-limit remaining."""
        if self.limiter is not None:
            self.limiter.acquire()
        start = time.perf_counter()
        try:
            response = super().send(request, *args, **kwargs)
        except Exception as exc:
            if self.limiter is not None:
                self.limiter.observe(None)
            _log_request(request, f"failed ({type(exc).__name__})", time.perf_counter() - start, None, None)
            raise
        if self.limiter is not None:
            self.limiter.observe(response.headers)
        retries = getattr(response.raw, "retries", None)
        _log_request(request, str(response.status_code), time.perf_counter() - start,
                     len(retries.history) if retries is not None else 0,
                     response.headers.get("X-RateLimit-Remaining"))
        return response


def _log_request(request: requests.PreparedRequest, status: str, seconds: float, retries: int | None,
                 remaining: str | None) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    # Only the path and query: the key travels in a header, which is never logged; bodies never are.
    parts = urlsplit(request.url or "")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    logger.debug("%s %s -> %s in %.0f ms, retries %s, rate-limit remaining %s", request.method, path, status,
                 seconds * 1000, "?" if retries is None else retries, remaining if remaining is not None else "-")


def environment_proxies(base_url: str) -> dict[str, str]:
    """The proxies the environment sets for ``base_url`` (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY), read now."""
    return dict(get_environ_proxies(base_url))


def new_session(base_url: str, retry: Retry, limiter: RateLimiter | None) -> requests.Session:
    """A session for ``base_url`` whose proxy and CA settings are read from the environment once, here."""
    session = requests.Session()
    session.trust_env = False
    session.proxies.update(environment_proxies(base_url))
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if ca_bundle:
        session.verify = ca_bundle
    adapter = PacedAdapter(limiter, retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
