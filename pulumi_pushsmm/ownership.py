"""The account's ownership checks, and their messages: what pushsmm would silently replace, and when a 404 is "gone".

Each :class:`~pulumi_pushsmm.session.AccountSession` holds one :class:`AccountChecks`.

- **Targets.** pushsmm silently uses the account's first website for an unknown
  ``website_id``, and ``"all"`` for a segment that is not the website's. The checks look the
  ids up in the account's websites and segments (``GET /websites``, ``GET /segments``).
- **Gone or not mine.** pushsmm answers 404 both for a deleted flow and for another account's,
  so a 404 counts as "deleted" only once the key is shown to be the owner's: the flow's website
  is among the key's websites, or, without ``/websites``, the ``user_id`` of the key's own flows
  (``GET /flows``) is the owner recorded in the state.

``/websites`` and ``/segments`` are not in pushsmm's published reference (only the Flows
endpoints are). Where a server or a plan does not serve them (HTTP 404, 401 or 403), the checks
that need them are skipped with one warning per process naming what was not checked, and the
ownership check falls back to the Flows endpoints. When ownership still cannot be confirmed,
nothing is dropped: the error says why, and that ``pushsmm:trustNotFound`` accepts the 404.

At preview the lookups are best effort, bounded by ``PREVIEW_LOOKUP_SECONDS`` in all: a host
that refuses or never answers costs a preview a few seconds and one warning, never minutes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Final, Protocol

from .errors import FlowError, PushsmmError
from .names import API_KEY_CONFIG, TRUST_NOT_FOUND_CONFIG
from .retry_budget import retry_budget

PREVIEW_LOOKUP_SECONDS: Final = 3.0
"""The most a preview spends asking pushsmm about a flow's targets, all requests and retries together."""

logger = logging.getLogger("pulumi_pushsmm.checks")

_STACK_KEY_HINT = (f"(`pulumi config set --secret {API_KEY_CONFIG} <key>`) and run `pulumi {{command}} --run-program` "
                   "so the command uses the config, not the settings recorded at the last up; see README, "
                   "\"Changing the key or the URL\".")
_ACCOUNT_KEY_HINT = ("as the api_key of the Account this flow is given (account=), run `pulumi up` (a new key is an "
                     "in-place change that sends no request for the flow), then `pulumi {command}`; see README, "
                     "\"Several accounts in one program\".")
_MOVE = ("A flow cannot move between accounts: give the key of the account that owns it (a rotated key of the "
         "same account is an in-place change), or declare a new flow in the other account.")

_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def warn_once(host: str, topic: str, message: str) -> None:
    """Log ``message`` as a warning the first time this process meets ``topic`` on ``host``."""
    with _warned_lock:
        if (host, topic) in _warned:
            return
        _warned.add((host, topic))
    logger.warning("%s", message)


class _Settings(Protocol):
    @property
    def api_key(self) -> str | None:
        """The account's key (None: not set)."""

    @property
    def trust_not_found(self) -> bool:
        """Whether a 404 that cannot be confirmed counts as "deleted"."""


class AccountLists(Protocol):
    """What the checks read of an account: its session's settings and cached lists (None: not served)."""

    @property
    def host(self) -> str:
        """The API's host, for messages."""

    @property
    def settings(self) -> _Settings:
        """The account's settings."""

    def website_hosts(self) -> dict[int, str] | None:
        """Website id -> host (None: ``/websites`` not served)."""

    def website_owners(self) -> set[int]:
        """The user ids owning the account's websites."""

    def segment_websites(self) -> dict[int, int] | None:
        """Segment id -> website id (None: ``/segments`` not served)."""

    def all_flows(self) -> list[dict[str, Any]]:
        """Every flow of the account."""


class AccountChecks:
    """The ownership checks of one account, asked through its session's cached lists."""

    def __init__(self, session: AccountLists) -> None:
        self._session = session
        self._preview_lookup_failed = False

    @property
    def _host(self) -> str:
        return self._session.host

    def _listing(self) -> str:
        hosts = self._session.website_hosts() or {}
        return ", ".join(f"{i} ({host})" for i, host in sorted(hosts.items())) or "none"

    # --- targets -----------------------------------------------------------------------------------------

    def target_problem(self, website_id: int, segment: Any) -> tuple[str, str] | None:
        """(field, reason) when an id is not the account's, which pushsmm would silently replace.

        None also when the account's lists cannot be had (the warning says what was not checked).
        """
        hosts = self._session.website_hosts()
        if hosts is not None and website_id not in hosts:
            return "website_id", (
                f"website_id {website_id} is not a website of this pushsmm account (pushsmm would silently use "
                f"the first website instead); the account's websites are: {self._listing()}"
            )
        if segment == "all":
            return None
        segments = self._session.segment_websites()
        if segments is not None and segments.get(int(segment)) != website_id:
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
        """The same check at preview: best effort, within ``PREVIEW_LOOKUP_SECONDS``; skipped without a key.

        When pushsmm cannot be asked in time, the preview goes on with one warning naming the
        host, and no later flow of the process asks again: one unreachable host must not make a
        preview of N flows wait N times. ``up`` looks again, with the full retry budget.
        """
        if not self._session.settings.api_key or self._preview_lookup_failed:
            return None
        if not isinstance(website_id, int) or not (segment == "all" or isinstance(segment, int)):
            return None
        try:
            with retry_budget(PREVIEW_LOOKUP_SECONDS):
                return self.target_problem(website_id, segment)
        except PushsmmError as exc:
            self._preview_lookup_failed = True
            warn_once(self._host, "preview", (
                f"could not ask {self._host} about website and segment ids within {PREVIEW_LOOKUP_SECONDS:g} s "
                f"({_short(exc)}), so this preview did not check website_id and segment against the account; "
                "`pulumi up` checks them before it writes anything"))
            return None

    # --- is a 404 "gone"? ----------------------------------------------------------------------------------

    def confirm_gone(self, flow_id: str, props: Mapping[str, Any], command: str, *, own_account: bool) -> None:
        """Make sure a 404 means "deleted", not "another account's flow"; raise FlowError when it may not.

        ``own_account`` says the flow was given ``account=`` (the message then says to fix that
        Account's key, not the stack config).
        """
        website_id = _as_int(props.get("website_id"))
        recorded_user = _as_int(props.get("user_id"))
        owner = f"account {recorded_user}" if recorded_user is not None else "the account that created it"
        fix = f"Set the key of {owner} " + (_ACCOUNT_KEY_HINT if own_account else _STACK_KEY_HINT).format(
            command=command)
        hosts = self._session.website_hosts()
        if hosts is not None:
            if website_id is not None and website_id in hosts:
                return
            users = ", ".join(str(u) for u in sorted(self._session.website_owners())) or "unknown"
            raise FlowError(
                f"pushsmm answered 404 (not found) for flow {flow_id} with the configured API key, but the flow "
                f"belongs to website {website_id} of {owner} (as recorded at the last `pulumi up`), which is not a "
                f"website of this key's account (account {users}, websites: {self._listing()}). The key is "
                f"probably another account's, so the flow was left alone and nothing was changed. {fix}")
        # Without /websites: the owner of the key's own flows, as the Flows endpoints show it.
        users_of_key = {u for f in self._session.all_flows() if (u := _as_int(f.get("user_id"))) is not None}
        if recorded_user is not None and recorded_user in users_of_key:
            return
        if users_of_key:
            users = ", ".join(str(u) for u in sorted(users_of_key))
            raise FlowError(
                f"pushsmm answered 404 (not found) for flow {flow_id} with the configured API key, but the flow "
                f"belongs to {owner} (as recorded at the last `pulumi up`) and this key's flows belong to account "
                f"{users}. The key is probably another account's, so the flow was left alone and nothing was "
                f"changed. {fix}")
        if self._session.settings.trust_not_found:
            warn_once(self._host, f"trusted 404 {flow_id}", (
                f"flow {flow_id}: {self._host} answered 404 and the key's account could not be confirmed as its "
                f"owner; counted as deleted because {TRUST_NOT_FOUND_CONFIG} is true"))
            return
        raise FlowError(
            f"pushsmm answered 404 (not found) for flow {flow_id}, and this key cannot be confirmed as the key of "
            f"{owner}: {self._host} does not list the account's websites, and the key's account has no flow whose "
            "user_id could be compared with the owner recorded at the last `pulumi up`. The flow was left alone "
            "and nothing was changed. If the key is surely the owner's and the flow was deleted in pushsmm, run "
            f"`pulumi config set {TRUST_NOT_FOUND_CONFIG} true` and `pulumi {command}` again; otherwise {fix}")

    def check_owns(self, flow_id: str, website_id: Any) -> None:
        """A flow's new key (or URL) must reach the account that owns it: a website lookup, else the flow list."""
        hosts = self._session.website_hosts()
        if hosts is not None:
            if website_id in hosts:
                return
            raise FlowError(
                f"flow {flow_id}: the new account settings reach a pushsmm account without website {website_id} "
                f"(its websites: {self._listing()}), so the key is another account's. {_MOVE}")
        if any(str(f.get("id")) == str(flow_id) for f in self._session.all_flows()):
            return
        raise FlowError(f"flow {flow_id}: the new account settings reach a pushsmm account whose flows do not "
                        f"include it, so the key is another account's. {_MOVE}")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _short(error: PushsmmError) -> str:
    """The gist of a failed lookup for a one-line warning."""
    text = str(error)
    return text.split(": could not connect or the connection broke: ")[-1] if "could not connect" in text else text
