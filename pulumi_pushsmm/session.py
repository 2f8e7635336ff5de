"""The account session: settings resolved once, and one session per pushsmm account in the process.

Everything that talks to pushsmm goes through here: the provider, the lookups, ``recover``,
``import`` and the command line. Two jobs, each in exactly one place:

- :func:`resolve_settings` turns the stack config (or a provider's recorded config), an
  :class:`~pulumi_pushsmm.Account`'s URL and key, and the ``PUSHSMM_*`` environment variables
  into one :class:`Settings`: base URL, key, requests per minute, retry timeout, log level.
- :func:`session_for` hands out the one :class:`AccountSession` of an account, keyed by its base
  URL and a digest of its key (never the key itself). The session owns what belongs to the
  account for the life of the process: the rate limiter (so every thread and every caller paces
  together), the client, the cached websites, segments and flows, and the ownership checks with
  their messages (:mod:`pulumi_pushsmm.ownership`). ``/websites`` and ``/segments`` are not in
  pushsmm's published reference: where they are not served, their lists are None, with one
  warning per process.

Nothing here imports the HTTP stack until a request is about to be made, so a no-change preview,
which configures the provider and checks every flow without asking pushsmm, never loads
``requests``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import urlsplit

from .configuration import (
    check_base_url,
    flag_setting,
    log_level_setting,
    rate_limit_dir_setting,
    requests_per_minute_setting,
)
from .errors import PushsmmApiError, PushsmmConfigError
from .names import (
    API_KEY_CONFIG,
    API_KEY_ENV,
    BASE_URL_CONFIG,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_RETRY_TIMEOUT,
    LOG_ENV,
    RATE_LIMIT_DIR_ENV,
    REQUESTS_PER_MINUTE_CONFIG,
    REQUESTS_PER_MINUTE_ENV,
    RETRY_TIMEOUT_CONFIG,
    RETRY_TIMEOUT_ENV,
    TRUST_NOT_FOUND_CONFIG,
    TRUST_NOT_FOUND_ENV,
)
from .ownership import AccountChecks, warn_once
from .shared_budget import default_directory
from .snapshot import FlowSnapshot

if TYPE_CHECKING:
    from .client import PushsmmClient
    from .transport import RateLimiter

OPTIONAL_STATUSES: Final = frozenset({401, 403, 404})
"""How a server or plan without an undocumented list endpoint (``/websites``, ``/segments``) answers it."""


class ConfigSource(Protocol):
    """Stack config by full key (``pushsmm:apiKey``): a dict, or the Config a dynamic provider's configure gets."""

    def get(self, key: str, /) -> Any:
        """The value of ``key``, or None when it is not set."""


@dataclass(frozen=True)
class Settings:
    """How to reach one pushsmm account, and how patiently. Made only by :func:`resolve_settings`."""

    base_url: str
    api_key: str | None = field(repr=False)
    requests_per_minute: int | None = None
    """A client-side budget below pushsmm's own 60 a minute (None: only the server's)."""
    retry_timeout: float = DEFAULT_RETRY_TIMEOUT
    """Seconds one operation may spend retrying, all its requests together."""
    log_level: str = ""
    """``PUSHSMM_LOG``: "", "debug", "info" or "warning"."""
    trust_not_found: bool = False
    """``pushsmm:trustNotFound``: count a 404 as "deleted" even when the key cannot be confirmed as the owner's."""
    rate_limit_dir: str | None = None
    """``PUSHSMM_RATE_LIMIT_DIR``: where this machine's processes share each key's budget (None: not shared)."""

    @property
    def ident(self) -> tuple[str, str]:
        """(base URL, SHA-256 of the key): what tells accounts apart, holding no key."""
        return self.base_url, hashlib.sha256((self.api_key or "").encode()).hexdigest()


def resolve_settings(config: ConfigSource | None = None, *, base_url: str | None = None,
                     api_key: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """The one place settings are read: explicit values, else the config, else the environment, else defaults.

    ``config`` holds stack config keys (``pushsmm:apiKey``, ...): the provider's configure request,
    a program's ``pulumi.Config``, or the config a provider recorded in the state. ``base_url`` and
    ``api_key`` are an :class:`~pulumi_pushsmm.Account`'s (or a command line's); an account's flows
    keep the stack's pacing and retry timeout. Raises :class:`PushsmmConfigError` naming the setting
    that is wrong.
    """
    env = os.environ if env is None else env

    def pick(explicit: Any, config_key: str, env_key: str) -> Any:
        for value in (explicit, config.get(config_key) if config is not None else None, env.get(env_key)):
            if value is not None and value != "":
                return value
        return None

    return Settings(
        base_url=check_base_url(str(pick(base_url, BASE_URL_CONFIG, BASE_URL_ENV) or DEFAULT_BASE_URL)),
        api_key=str(key) if (key := pick(api_key, API_KEY_CONFIG, API_KEY_ENV)) else None,
        requests_per_minute=requests_per_minute_setting(pick(None, REQUESTS_PER_MINUTE_CONFIG,
                                                             REQUESTS_PER_MINUTE_ENV)),
        retry_timeout=_retry_timeout(pick(None, RETRY_TIMEOUT_CONFIG, RETRY_TIMEOUT_ENV)),
        log_level=log_level_setting(env.get(LOG_ENV)),
        trust_not_found=flag_setting(pick(None, TRUST_NOT_FOUND_CONFIG, TRUST_NOT_FOUND_ENV), TRUST_NOT_FOUND_CONFIG),
        # Where the processes of a machine meet is the machine's affair, not a stack's: environment only.
        rate_limit_dir=rate_limit_dir_setting(env.get(RATE_LIMIT_DIR_ENV), str(default_directory(env))),
    )


def _retry_timeout(raw: Any) -> float:
    if raw is None:
        return DEFAULT_RETRY_TIMEOUT
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not 0 <= value <= 3600:
        raise PushsmmConfigError(
            f"{RETRY_TIMEOUT_CONFIG} (or {RETRY_TIMEOUT_ENV}) must be a number of seconds from 0 to 3600, "
            f"got {raw!r}"
        )
    return value


MISSING_KEY = (f"the pushsmm API key is not set. Run `pulumi config set --secret {API_KEY_CONFIG} <key>` in the stack, "
               f"or set the {API_KEY_ENV} environment variable.")

class AccountSession:
    """One pushsmm account in this process: its limiter, client, cached lists and ownership checks.

    Get it from :func:`session_for`, never by constructing it: there is one per account, so that
    every caller paces against the same budget and reads the same cached lists. Thread-safe.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._limiter: RateLimiter | None = None
        self._client: PushsmmClient | None = None
        # Optional list path (/websites, /segments) -> its objects by id, or None where the server does not serve it.
        self._lists: dict[str, dict[int, dict[str, Any]] | None] = {}
        self._flows: list[dict[str, Any]] | None = None
        self._refusals: dict[str, PushsmmApiError] = {}  # optional list path -> how the server refused it
        self._snapshot: FlowSnapshot | None = None
        self.checks = AccountChecks(self)
        """The account's ownership checks (see :mod:`pulumi_pushsmm.ownership`)."""

    @property
    def host(self) -> str:
        """The API's host, for messages."""
        return urlsplit(self.settings.base_url).netloc

    def __repr__(self) -> str:
        return f"AccountSession(base_url={self.settings.base_url!r})"  # never the key

    def update(self, settings: Settings) -> None:
        """Take new pacing and patience for the same account (a later configure)."""
        with self._lock:
            self.settings = settings
            if self._limiter is not None:
                self._limiter.set_requests_per_minute(settings.requests_per_minute)
            if self._client is not None:
                self._client.retry_timeout = settings.retry_timeout

    # --- the HTTP side, made on first use ------------------------------------------------------------

    @property
    def limiter(self) -> RateLimiter:
        """The account's one rate limiter in this process: every client and thread paces on it.

        Its budget is shared with the machine's other processes on the same account (a file
        named by a digest of the account, in ``settings.rate_limit_dir``), so K stacks deploying
        at once on one key pace as one client.
        """
        with self._lock:
            if self._limiter is None:
                from .shared_budget import shared_budget
                from .transport import RateLimiter

                budget = shared_budget(self.settings.rate_limit_dir, self.settings.ident)
                self._limiter = RateLimiter(self.settings.requests_per_minute, budget=budget)
            return self._limiter

    @property
    def client(self) -> PushsmmClient:
        """The account's client (this is where ``requests`` is first imported); a clear error without a key."""
        with self._lock:
            if self._client is None:
                if not self.settings.api_key:
                    raise PushsmmConfigError(MISSING_KEY)
                from .client import PushsmmClient

                self._client = PushsmmClient(self.settings.base_url, self.settings.api_key, limiter=self.limiter,
                                             retry_timeout=self.settings.retry_timeout)
            return self._client

    # --- cached lists --------------------------------------------------------------------------------

    @property
    def snapshot(self) -> FlowSnapshot:
        """The account's flows as listed by this process's first read (see :mod:`pulumi_pushsmm.snapshot`)."""
        client = self.client
        with self._lock:
            if self._snapshot is None:
                self._snapshot = FlowSnapshot(client.list_flows_page)
            return self._snapshot

    def websites(self) -> dict[int, dict[str, Any]] | None:
        """Website id -> website object of the account, fetched once per process; None where not served."""
        return self._cached_list("/websites", "website_id values", "the account's first website")

    def website_hosts(self) -> dict[int, str] | None:
        """Website id -> host for the account; None where ``/websites`` is not served."""
        websites = self.websites()
        if websites is None:
            return None
        return {i: str(w.get("host") or w.get("name") or "") for i, w in websites.items()}

    def website_owners(self) -> set[int]:
        """The user id(s) owning the key's websites: the account the key belongs to."""
        return {int(w["user_id"]) for w in (self.websites() or {}).values() if w.get("user_id") is not None}

    def segments(self) -> dict[int, dict[str, Any]] | None:
        """Segment id -> segment object, every website's, fetched once per process; None where not served."""
        return self._cached_list("/segments", "segment ids", '"all"')

    def segment_websites(self) -> dict[int, int] | None:
        """Segment id -> website id for the account; None where ``/segments`` is not served."""
        segments = self.segments()
        return None if segments is None else {i: int(s["website_id"]) for i, s in segments.items()}

    def all_flows(self) -> list[dict[str, Any]]:
        """Every flow of the account, listed once per process (for lookups, ``import`` and ``recover``)."""
        client = self.client
        with self._lock:
            if self._flows is None:
                self._flows = client.list_flows()
            return self._flows

    def refusal(self, path: str) -> PushsmmApiError | None:
        """How the server refused an optional list (``/websites``, ``/segments``), if it did."""
        return self._refusals.get(path)

    def _cached_list(self, path: str, checked: str, instead: str) -> dict[int, dict[str, Any]] | None:
        """An optional list's objects by id, fetched on first use and kept; None where the server does not serve it."""
        with self._lock:
            if path not in self._lists:
                listed = self._optional_list(path, checked, instead)
                self._lists[path] = None if listed is None else {int(item["id"]): item for item in listed}
            return self._lists[path]

    def _optional_list(self, path: str, checked: str, instead: str) -> list[dict[str, Any]] | None:
        """A list pushsmm does not document: None, with one warning, where the server or plan does not serve it."""
        try:
            return list(self.client.iter_pages(path))
        except PushsmmApiError as exc:
            if exc.status not in OPTIONAL_STATUSES:
                raise
            self._refusals[path] = exc
            why = "a server or plan without it" + (", or a wrong key" if exc.status == 401 else "")
            warn_once(self.host, path, (
                f"{self.host} answers HTTP {exc.status} to GET {path} with this key ({why}; {path} is not in "
                f"pushsmm's published API reference), so {checked} were not checked against the account; pushsmm "
                f"silently uses {instead} for one that is not the account's. See docs/pushsmm-api.md."))
            return None


_SESSIONS: dict[tuple[str, str], AccountSession] = {}
_SESSIONS_LOCK = threading.Lock()


def session_for(settings: Settings) -> AccountSession:
    """The one session of the account ``settings`` reach, made on first use and kept for the process.

    The account is told apart by its base URL and a digest of its key. Settings that differ in
    pacing or patience (a later configure) replace the session's.
    """
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(settings.ident)
        if session is None:
            session = _SESSIONS[settings.ident] = AccountSession(settings)
            return session
    if settings != session.settings:
        session.update(settings)
    return session


def forget_sessions() -> None:
    """Drop every account's session, so the next caller lists afresh and paces from a new limiter.

    For a long-lived process (an Automation API driver running many deployments) and for tests:
    one ``pulumi`` command is one provider process, which never needs it.
    """
    with _SESSIONS_LOCK:
        _SESSIONS.clear()
