"""EmulatorBackend: the emulated service as one object, its run-time switches, and its reset.

Handlers and the server call this one object and it never sees HTTP. Its
rules live in parts, one job each: ``accounts`` (keys, websites, segments),
``flows`` (flow writes, images, drift, subscriber counters), ``ratelimit``
(the per-key windows) and ``request_log``; ``state`` holds what the parts
share. This module puts them together and keeps the switches (rate limit,
create response, API off) that cut across them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Unpack

from .accounts import AccountRules, key_hash
from .exceptions import InvalidAdminRequest
from .faults import FaultInjector, FaultRule
from .flows import FlowRules
from .ratelimit import RateLimiter
from .records import AccountInfo, ConfigChanges, CreateResponse, EmulatorConfig, RateState
from .request_log import RequestLog
from .storage import Store


class EmulatorBackend(AccountRules, FlowRules):
    """Everything the emulated service knows and every rule it applies; it never sees HTTP.

    ``api_keys`` are the accounts made at start-up (and again after ``reset()``),
    each seeded with two websites and one segment per website. ``db_path=None``
    keeps the data in a private in-memory database; a path makes it survive
    restarts. ``clock`` returns epoch seconds and drives datetimes and the
    rate-limit windows, so tests can move time. ``documented_only`` fixes the
    API to what the published reference documents (see ``documented_only``);
    its create response is then ``id``, the default when ``config`` is None.
    """

    def __init__(
        self,
        *,
        api_keys: Sequence[str],
        db_path: str | None = None,
        config: EmulatorConfig | None = None,
        seed: int = 0,
        faults: Iterable[FaultRule] = (),
        clock: Callable[[], float] = time.time,
        documented_only: bool = False,
    ) -> None:
        self._documented_only = documented_only
        if config is None:
            config = EmulatorConfig(create_response="id") if documented_only else EmulatorConfig()
        self._initial = replace(config)
        problem = self._problem(self._initial)
        if problem:
            raise ValueError(problem)
        self._config = replace(self._initial)
        self._startup_keys = list(dict.fromkeys(api_keys))
        self._initial_faults = list(faults)
        self._seed = seed
        self.faults = FaultInjector(seed, self._initial_faults)
        self._rate_limiter = RateLimiter(clock)
        self._requests = RequestLog(clock)
        super().__init__(Store(db_path), clock)
        self._startup_accounts = [self.ensure_account(key)[0] for key in self._startup_keys]

    # --- configuration ----------------------------------------------------------------------------

    @property
    def create_response(self) -> CreateResponse:
        """``full`` (201 with the flow, as the code does) or ``id`` (``{"data": {"id": N}}``, as documented)."""
        return self._config.create_response

    @property
    def documented_only(self) -> bool:
        """Whether the API is only what the published Flows reference documents, in the shapes it shows.

        Fixed at start-up (a reset keeps it): ``/flows`` and ``/flows/{id}``
        alone, every other /api path unknown (404); create and update answer
        ``{"data": {"id": N}}``; a list's ``meta`` holds ``total`` and the page number.
        """
        return self._documented_only

    @property
    def api_disabled(self) -> bool:
        """Whether the API is "switched off site-wide" (every /api call redirects to an HTML page)."""
        return self._config.api_disabled

    def config(self) -> dict[str, Any]:
        """The run-time switches."""
        with self._lock:
            return self._config.to_dict()

    def update_config(self, **changes: Unpack[ConfigChanges]) -> dict[str, Any]:
        """Change some run-time switches; a changed rate limit starts fresh windows. The switches now in force."""
        with self._lock:
            changed = replace(self._config, **changes)
            problem = self._problem(changed)
            if problem:
                raise InvalidAdminRequest(f"{problem}.")
            self._config = changed
            if "rate_limit" in changes:
                self._rate_limiter.clear()
            return self._config.to_dict()

    def reset(self) -> list[AccountInfo]:
        """Forget everything, then recreate the start-up accounts, switches and faults (ids from 1)."""
        with self._store.writing():
            self._store.wipe()
            self._rate_limiter.clear()
            self._requests.clear()
            self._config = replace(self._initial)
            self.faults.configure(self._initial_faults, seed=self._seed)
            self._startup_accounts = [self.ensure_account(key)[0] for key in self._startup_keys]
            return list(self._startup_accounts)

    @property
    def startup_accounts(self) -> list[AccountInfo]:
        """The accounts of the start-up keys, in the order the keys were given."""
        return list(self._startup_accounts)

    def _problem(self, config: EmulatorConfig) -> str | None:
        """What is wrong with these switches in this mode, or None when they are fine."""
        if self._documented_only and config.create_response != "id":
            return 'create_response must be id when documented_only: the reference shows {"data": {"id": N}}'
        return config.problem()

    # --- rate limiting ----------------------------------------------------------------------------

    def hit_rate_limit(self, api_key: str) -> RateState | None:
        """Count one request for the key in its fixed 60 s window; None when limiting is off."""
        return self._rate_limiter.hit(key_hash(api_key), self._config.rate_limit)

    def idle_rate_state(self) -> RateState | None:
        """The headers for a request not tied to a key (a full, untouched window)."""
        return self._rate_limiter.idle(self._config.rate_limit)

    # --- request log ------------------------------------------------------------------------------

    def log_request(self, *, method: str, path: str, query: str = "", status: int | None, fault: str | None) -> None:
        """Record one /api request, stamped with the clock's time (a secret-looking query value is redacted)."""
        self._requests.record(method=method, path=path, query=query, status=status, fault=fault)

    def request_log(self) -> list[dict[str, Any]]:
        """The most recent /api requests (up to ``request_log.REQUEST_LOG_SIZE``), oldest first."""
        return self._requests.entries()

    def clear_request_log(self) -> None:
        """Forget the logged requests."""
        self._requests.clear()
