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
  their messages.

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
from typing import TYPE_CHECKING, Any, Protocol

from .configuration import check_base_url, log_level_setting, requests_per_minute_setting
from .errors import FlowError, PushsmmConfigError, PushsmmError
from .names import (
    API_KEY_CONFIG,
    API_KEY_ENV,
    BASE_URL_CONFIG,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_RETRY_TIMEOUT,
    LOG_ENV,
    REQUESTS_PER_MINUTE_CONFIG,
    REQUESTS_PER_MINUTE_ENV,
    RETRY_TIMEOUT_CONFIG,
    RETRY_TIMEOUT_ENV,
)
from .snapshot import FlowSnapshot

if TYPE_CHECKING:
    from .client import PushsmmClient
    from .transport import RateLimiter


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

_STACK_KEY_HINT = (f"(`pulumi config set --secret {API_KEY_CONFIG} <key>`) and run `pulumi {{command}} --run-program` "
                   "so the command uses the config, not the settings recorded at the last up; see README, "
                   "\"Changing the key or the URL\".")
_ACCOUNT_KEY_HINT = ("as the api_key of the Account this flow is given (account=), run `pulumi up` (a new key is an "
                     "in-place change that sends no request for the flow), then `pulumi {command}`; see README, "
                     "\"Several accounts in one program\".")


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
        self._websites: dict[int, dict[str, Any]] | None = None
        self._segments: dict[int, int] | None = None  # segment id -> website id
        self._flows: list[dict[str, Any]] | None = None
        self._snapshot: FlowSnapshot | None = None
        self._preview_lookup_failed = False

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
        """The account's one rate limiter in this process: every client and thread paces on it."""
        with self._lock:
            if self._limiter is None:
                from .transport import RateLimiter

                self._limiter = RateLimiter(self.settings.requests_per_minute)
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

    def websites(self) -> dict[int, dict[str, Any]]:
        """Website id -> website object of the account, fetched once per process."""
        client = self.client
        with self._lock:
            if self._websites is None:
                self._websites = {int(w["id"]): w for w in client.list_websites()}
            return self._websites

    def website_hosts(self) -> dict[int, str]:
        """Website id -> host for the account."""
        return {i: str(w.get("host") or w.get("name") or "") for i, w in self.websites().items()}

    def segment_websites(self) -> dict[int, int]:
        """Segment id -> website id for the account, fetched once per process."""
        client = self.client
        with self._lock:
            if self._segments is None:
                self._segments = {int(s["id"]): int(s["website_id"]) for s in client.list_segments()}
            return self._segments

    def all_flows(self) -> list[dict[str, Any]]:
        """Every flow of the account, listed once per process (for lookups, ``import`` and ``recover``)."""
        client = self.client
        with self._lock:
            if self._flows is None:
                self._flows = client.list_flows()
            return self._flows

    # --- ownership checks: ids pushsmm would silently replace, and 404s that may not mean "gone" ----

    def _known_websites(self) -> str:
        return ", ".join(f"{i} ({host})" for i, host in sorted(self.website_hosts().items())) or "none"

    def target_problem(self, website_id: int, segment: Any) -> tuple[str, str] | None:
        """(field, reason) when an id is not the account's, which pushsmm would silently replace."""
        if website_id not in self.website_hosts():
            return "website_id", (
                f"website_id {website_id} is not a website of this pushsmm account (pushsmm would silently use "
                f"the first website instead); the account's websites are: {self._known_websites()}"
            )
        if segment == "all":
            return None
        segments = self.segment_websites()
        if segments.get(int(segment)) != website_id:
            known = ", ".join(str(s) for s, w in sorted(segments.items()) if w == website_id) or "none"
            return "segment", (
                f"segment {segment} is not a segment of website {website_id} "
                f'(pushsmm would silently send to "all" instead); that website\'s segments are: {known}'
            )
        return None

    def verify_targets(self, website_id: int, segment: Any) -> None:
        """Refuse ids that pushsmm would silently replace (first website, segment "all")."""
        problem = self.target_problem(website_id, segment)
        if problem:
            raise FlowError(problem[1])

    def preview_target_problem(self, website_id: Any, segment: Any) -> tuple[str, str] | None:
        """The same check at preview, when a key is set; skipped without a key or when pushsmm cannot be reached.

        A failed lookup is not retried for the next resource: one unreachable host must not make a
        preview of N flows wait N times. ``up`` looks again and reports what went wrong.
        """
        if not self.settings.api_key or self._preview_lookup_failed:
            return None
        if not isinstance(website_id, int) or not (segment == "all" or isinstance(segment, int)):
            return None
        try:
            return self.target_problem(website_id, segment)
        except PushsmmError:
            self._preview_lookup_failed = True
            return None

    def confirm_gone(self, flow_id: str, props: Mapping[str, Any], command: str, *, own_account: bool) -> None:
        """Make sure a 404 means "deleted", not "another account's flow": the key's account must own its website.

        ``own_account`` says the flow was given ``account=`` (the message then says to fix that
        Account's key, not the stack config). Raises FlowError, naming both accounts and websites,
        when the key belongs to another account.
        """
        website_id = _as_int(props.get("website_id"))
        recorded_user = _as_int(props.get("user_id"))
        if website_id is not None and website_id in self.website_hosts():
            return
        accounts = ", ".join(str(u) for u in sorted(self._account_ids())) or "unknown"
        owner = f"account {recorded_user}" if recorded_user is not None else "the account that created it"
        hint = _ACCOUNT_KEY_HINT if own_account else _STACK_KEY_HINT
        raise FlowError(
            f"pushsmm answered 404 (not found) for flow {flow_id} with the configured API key, but the flow belongs "
            f"to website {website_id} of {owner} (as recorded at the last `pulumi up`), which is not a website of "
            f"this key's account (account {accounts}, websites: {self._known_websites()}). The key is probably "
            f"another account's, so the flow was left alone and nothing was changed. Set the key of {owner} "
            + hint.format(command=command)
        )

    def check_owns(self, flow_id: str, website_id: Any) -> None:
        """A flow's new key (or URL) must reach the account that owns it: one website lookup, no flow request."""
        if website_id not in self.website_hosts():
            raise FlowError(
                f"flow {flow_id}: the new account settings reach a pushsmm account without website {website_id} "
                f"(its websites: {self._known_websites()}), so the key is another account's. A flow cannot move "
                "between accounts: give the key of the account that owns it (a rotated key of the same account "
                "is an in-place change), or declare a new flow in the other account."
            )

    def _account_ids(self) -> set[int]:
        """The user id(s) owning the key's websites: the account the key belongs to."""
        return {int(w["user_id"]) for w in self.websites().values() if w.get("user_id") is not None}


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


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
