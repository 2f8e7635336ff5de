"""Lookups for programs: websites, segments and flows of a pushsmm account, named as generated Pulumi SDKs name invokes.

``get_websites()``, ``get_website(id=... | host=...)``, ``get_segments(website_id)``,
``get_segment(website_id, name=...)``, ``get_flows(website_id=..., name=...)`` and ``get_flow(id)``
return plain typed results; each has a ``*_output`` twin that takes ``Input``s and returns an
``Output``. A lookup that must be unique fails with a message listing what matched when it matches
none or several. ``/websites`` and ``/segments`` are not in pushsmm's published reference: where a
server does not serve them, their lookups fail naming the server's answer.

They use the same settings as the provider, resolved by the same function
(:func:`~pulumi_pushsmm.session.resolve_settings`): the stack config
(``pushsmm:apiKey``, ``pushsmm:baseUrl``, ``pushsmm:requestsPerMinute``,
``pushsmm:retryTimeout``) with the environment fallback, or an explicit
:class:`~pulumi_pushsmm.Account`. The account's session does the requests, with
the same retries and rate-limit pacing; each account's lists are fetched once
per program run and then answered from memory.

``requests`` is imported on the first lookup, not when this module is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi

from . import wire
from .account import Account
from .errors import LookupFailed, PushsmmError, PushsmmNotFoundError
from .names import API_KEY_CONFIG, API_KEY_ENV, BASE_URL_CONFIG, REQUESTS_PER_MINUTE_CONFIG, RETRY_TIMEOUT_CONFIG
from .session import AccountSession, resolve_settings, session_for

T = TypeVar("T")


@dataclass(frozen=True)
class GetWebsiteResult:
    """A website of a pushsmm account."""

    id: int
    """The website's id: the ``website_id`` of its flows."""
    host: str
    """The website's host name, e.g. ``shop.example.com``."""
    name: str
    """The website's name in the pushsmm dashboard."""
    scheme: str
    """``https://`` or ``http://``."""
    path: str
    """The path the website lives under, usually ``/``."""
    is_enabled: bool
    """Whether the website is enabled in pushsmm."""


@dataclass(frozen=True)
class GetSegmentResult:
    """A subscriber segment of one website: what a flow's ``segment`` takes (its ``id``)."""

    id: int
    """The segment's id: the value of a flow's ``segment``. Ids differ between accounts and environments."""
    website_id: int
    """The website whose subscribers the segment selects."""
    name: str
    """The segment's name in the pushsmm dashboard."""
    type: str
    """How pushsmm builds the segment, e.g. ``filter``."""
    total_subscribers: int
    """Subscribers in the segment when it was looked up (0 when pushsmm does not say)."""


@dataclass(frozen=True)
class GetFlowResult:
    """A flow of a pushsmm account as pushsmm stores it now."""

    id: int
    """The flow's id (what ``adopt_id`` takes)."""
    website_id: int
    """The website whose new subscribers get the flow."""
    name: str
    """The flow's internal name."""
    title: str
    """Title of the push notification."""
    wait_time: int
    """How long after subscribing it is sent, in ``wait_time_type`` units."""
    wait_time_type: str
    """``minutes``, ``hours`` or ``days``."""
    is_enabled: bool
    """Whether the flow is sent."""
    user_id: int
    """The account that owns the flow."""
    image_url: str | None
    """URL of the flow's image, or None."""
    inputs: dict[str, Any] = field(default_factory=dict)
    """Every Flow input (except ``image``, a local path) as a program would declare it, read back through the
    field table: quotes unescaped, defaults filled in, ``segment`` as ``"all"`` or an id."""


# --- settings ----------------------------------------------------------------------------------------


def program_config() -> dict[str, Any]:
    """The program's stack config under the keys :func:`~pulumi_pushsmm.session.resolve_settings` reads."""
    keys = (API_KEY_CONFIG, BASE_URL_CONFIG, REQUESTS_PER_MINUTE_CONFIG, RETRY_TIMEOUT_CONFIG)
    return {key: pulumi.Config(key.split(":")[0]).get(key.split(":")[1]) for key in keys}


def _session(account: Account | None, what: str) -> AccountSession:
    """The session of ``account``, else of the stack's settings; a lookup error when it cannot be had."""
    explicit = account.plain(what) if account is not None else (None, None)
    try:
        settings = resolve_settings(program_config(), base_url=explicit[0], api_key=explicit[1])
    except PushsmmError as exc:
        raise LookupFailed(f"{what}: {exc}") from None
    if not settings.api_key:
        raise LookupFailed(
            f"{what}: the pushsmm API key is not set. Run `pulumi config set --secret {API_KEY_CONFIG} <key>` "
            f"in the stack, set the {API_KEY_ENV} environment variable, or pass account=Account(...)"
        )
    return session_for(settings)


def _asking(what: str, call: Callable[[], T]) -> T:
    """Run a request, turning a client error into one clear lookup error."""
    try:
        return call()
    except LookupFailed:
        raise
    except PushsmmError as exc:
        raise LookupFailed(f"{what}: {exc}") from None


# --- mapping API objects to results ---------------------------------------------------------------------


def website_result(raw: dict[str, Any]) -> GetWebsiteResult:
    """A website of the API as a :class:`GetWebsiteResult`."""
    return GetWebsiteResult(id=int(raw["id"]), host=str(raw.get("host") or ""), name=str(raw.get("name") or ""),
                            scheme=str(raw.get("scheme") or ""), path=str(raw.get("path") or ""),
                            is_enabled=bool(raw.get("is_enabled", True)))


def segment_result(raw: dict[str, Any]) -> GetSegmentResult:
    """A segment of the API as a :class:`GetSegmentResult`."""
    return GetSegmentResult(id=int(raw["id"]), website_id=int(raw["website_id"]), name=str(raw.get("name") or ""),
                            type=str(raw.get("type") or ""), total_subscribers=int(raw.get("total_subscribers") or 0))


def flow_result(raw: dict[str, Any]) -> GetFlowResult:
    """A flow of the API as a :class:`GetFlowResult`, its inputs read back through the field table."""
    inputs, computed = wire.read_back(raw)
    return GetFlowResult(id=int(raw["id"]), website_id=int(inputs["website_id"]), name=inputs["name"],
                         title=inputs["title"], wait_time=int(inputs["wait_time"]),
                         wait_time_type=str(inputs["wait_time_type"]), is_enabled=bool(inputs["is_enabled"]),
                         user_id=int(computed.get("user_id") or 0), image_url=computed.get("image_url") or None,
                         inputs=inputs)


def _served(session: AccountSession, what: str, path: str,
            listed: Callable[[], dict[int, dict[str, Any]] | None]) -> list[dict[str, Any]]:
    """An optional list's objects by id order; a lookup error naming the server's answer where it is not served."""
    found = _asking(what, listed)
    if found is None:  # the server or plan does not serve it (not in pushsmm's published reference)
        raise LookupFailed(f"{what}: {session.host} does not serve {path}, which is not in pushsmm's published API "
                           f"reference (it answered: {session.refusal(path)})")
    return [found[key] for key in sorted(found)]


def _websites(account: Account | None, what: str) -> list[GetWebsiteResult]:
    session = _session(account, what)
    return [website_result(w) for w in _served(session, what, "/websites", session.websites)]


def _segments(account: Account | None, what: str, website_id: int) -> list[GetSegmentResult]:
    session = _session(account, what)
    listed = (segment_result(s) for s in _served(session, what, "/segments", session.segments))
    return [s for s in listed if s.website_id == int(website_id)]


def _flows(account: Account | None, what: str) -> list[GetFlowResult]:
    session = _session(account, what)
    return [flow_result(f) for f in _asking(what, session.all_flows)]


def _listing(items: list[Any], describe: Callable[[Any], str]) -> str:
    return "; ".join(describe(item) for item in items) or "none"


def _site(w: GetWebsiteResult) -> str:
    return f"{w.id} ({w.host})"


def _segment(s: GetSegmentResult) -> str:
    return f"{s.id} ({s.name!r})"


def _flow(f: GetFlowResult) -> str:
    return f"{f.id} ({f.name!r}, website {f.website_id})"


# --- the plain lookups ---------------------------------------------------------------------------------


def get_websites(*, account: Account | None = None) -> list[GetWebsiteResult]:
    """Every website of the account, by id."""
    return _websites(account, "get_websites")


def get_website(*, id: int | None = None, host: str | None = None,
                account: Account | None = None) -> GetWebsiteResult:
    """The one website with this ``id`` or this ``host`` (give exactly one).

    Fails, listing the account's websites, when none or several match.
    """
    what = "get_website"
    if (id is None) == (host is None):
        raise LookupFailed(f"{what}: give exactly one of id= and host=")
    websites = _websites(account, what)
    if id is not None:
        matches = [w for w in websites if w.id == int(id)]
        wanted = f"id {id}"
    else:
        matches = [w for w in websites if w.host.lower() == str(host).strip().lower()]
        wanted = f"host {host!r}"
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupFailed(f"{what}: no website of this account has {wanted}; its websites are: "
                           + _listing(websites, _site))
    raise LookupFailed(f"{what}: {len(matches)} websites have {wanted}: {_listing(matches, _site)}; "
                       "look the website up by id= instead")


def get_segments(website_id: int, *, account: Account | None = None) -> list[GetSegmentResult]:
    """The segments of one website of the account, by id (an empty list when it has none)."""
    return _segments(account, "get_segments", website_id)


def get_segment(website_id: int, *, name: str, account: Account | None = None) -> GetSegmentResult:
    """The one segment of the website with exactly this ``name``: its ``id`` is what a flow's ``segment`` takes.

    Fails, listing the website's segments, when none or several match, and naming the server's answer where
    it does not serve ``/segments``.
    """
    what = "get_segment"
    segments = _segments(account, what, website_id)
    matches = [s for s in segments if s.name == name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupFailed(f"{what}: {len(matches)} segments of website {website_id} are named {name!r}: "
                           f"{_listing(matches, _segment)}; give the flow the segment id instead")
    websites = _asking(what, _session(account, what).websites) if not segments else None
    if websites is not None and int(website_id) not in websites:  # unknown where /websites is not served
        raise LookupFailed(f"{what}: {website_id} is not a website of this account; its websites are: "
                           + _listing([website_result(w) for _, w in sorted(websites.items())], _site))
    raise LookupFailed(f"{what}: website {website_id} has no segment named {name!r}; its segments are: "
                       + _listing(segments, _segment))


def get_flows(*, website_id: int | None = None, name: str | None = None,
              account: Account | None = None) -> list[GetFlowResult]:
    """The account's flows, optionally only one website's and only those with this exact name, by id."""
    return _matching_flows(account, "get_flows", website_id, name)


def _matching_flows(account: Account | None, what: str, website_id: int | None,
                    name: str | None) -> list[GetFlowResult]:
    flows = _flows(account, what)
    return sorted((f for f in flows if (website_id is None or f.website_id == int(website_id))
                   and (name is None or f.name == name)), key=lambda f: f.id)


def get_flow(id: int | str | None = None, *, website_id: int | None = None,
             name: str | None = None, account: Account | None = None) -> GetFlowResult:
    """One flow: by ``id``, or the one flow with this ``name`` (on ``website_id`` if given).

    Fails, listing the candidates, when none or several match.
    """
    what = "get_flow"
    if (id is None) == (name is None):
        raise LookupFailed(f"{what}: give exactly one of id and name=")
    if id is not None:
        session = _session(account, what)
        try:
            raw = session.client.get_flow(int(id))
        except PushsmmNotFoundError:
            raise LookupFailed(f"{what}: flow {id} does not exist in this pushsmm account") from None
        except PushsmmError as exc:
            raise LookupFailed(f"{what}: {exc}") from None
        return flow_result(raw)
    matches = _matching_flows(account, what, website_id, name)
    where = f"name {name!r}" + (f" on website {website_id}" if website_id is not None else "")
    if len(matches) == 1:
        return matches[0]
    if not matches:
        others = _matching_flows(account, what, website_id, None)
        raise LookupFailed(f"{what}: no flow has {where}; the flows there are: " + _listing(others, _flow))
    raise LookupFailed(f"{what}: {len(matches)} flows have {where}: {_listing(matches, _flow)}; "
                       "look the flow up by id instead")


# --- the _output twins ----------------------------------------------------------------------------------


def _resolved(account: Account | None, call: Callable[[Account | None], T], *inputs: Any) -> pulumi.Output[T]:
    """Wait for the inputs (and the account's settings), then run ``call`` with a plain account.

    The result holds no key, so it is not left secret just because the key was.
    """
    key = account.api_key if account is not None else None
    url = account.base_url if account is not None else None
    waited = pulumi.Output.all(key, url, *inputs)

    def run(values: list[Any]) -> T:
        plain = Account(values[0], values[1]) if account is not None else None
        return call(plain)

    return pulumi.Output.unsecret(waited.apply(run))


def get_websites_output(*, account: Account | None = None) -> pulumi.Output[list[GetWebsiteResult]]:
    """:func:`get_websites` as an Output."""
    return _resolved(account, lambda acct: get_websites(account=acct))


def get_website_output(*, id: pulumi.Input[int | None] = None,
                       host: pulumi.Input[str | None] = None,
                       account: Account | None = None) -> pulumi.Output[GetWebsiteResult]:
    """:func:`get_website` taking Inputs and returning an Output."""
    ids, hosts = pulumi.Output.from_input(id), pulumi.Output.from_input(host)
    return pulumi.Output.all(ids, hosts).apply(
        lambda v: _resolved(account, lambda acct: get_website(id=v[0], host=v[1], account=acct)))


def get_segments_output(website_id: pulumi.Input[int], *,
                        account: Account | None = None) -> pulumi.Output[list[GetSegmentResult]]:
    """:func:`get_segments` taking an Input and returning an Output."""
    return pulumi.Output.from_input(website_id).apply(
        lambda site: _resolved(account, lambda acct: get_segments(site, account=acct)))


def get_segment_output(website_id: pulumi.Input[int], *, name: pulumi.Input[str],
                       account: Account | None = None) -> pulumi.Output[GetSegmentResult]:
    """:func:`get_segment` taking Inputs and returning an Output."""
    return pulumi.Output.all(website_id, name).apply(
        lambda v: _resolved(account, lambda acct: get_segment(v[0], name=v[1], account=acct)))


def get_flows_output(*, website_id: pulumi.Input[int | None] = None, name: pulumi.Input[str | None] = None,
                     account: Account | None = None) -> pulumi.Output[list[GetFlowResult]]:
    """:func:`get_flows` taking Inputs and returning an Output."""
    return pulumi.Output.all(website_id, name).apply(
        lambda v: _resolved(account, lambda acct: get_flows(website_id=v[0], name=v[1], account=acct)))


def get_flow_output(id: pulumi.Input[int | str | None] = None, *,
                    website_id: pulumi.Input[int | None] = None, name: pulumi.Input[str | None] = None,
                    account: Account | None = None) -> pulumi.Output[GetFlowResult]:
    """:func:`get_flow` taking Inputs and returning an Output."""
    return pulumi.Output.all(id, website_id, name).apply(
        lambda v: _resolved(account, lambda acct: get_flow(v[0], website_id=v[1], name=v[2], account=acct)))
