"""The Flow dynamic provider: check, diff, create, read, update and delete, each driven by the schema table.

Every CRUD method has the same shape: load, validate, call the client, map the
response back through the table (in one place, :meth:`FlowProvider._outputs`),
return. The provider knows nothing about HTTP details: it speaks to
:class:`~pulumi_pushsmm.client.PushsmmClient`.

The provider object is pickled into every Flow's state by the Pulumi SDK. It
keeps its per-process context (settings, client, cached lookups) outside the
pickled state (see ``__getstate__``), so the pickle holds no session and no
secret, is tiny, and is the same bytes for every Flow of a program.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime import rpc

from . import flow_settings, schema
from .configuration import check_base_url, configure_logging, requests_per_minute_setting
from .errors import (
    FlowError,
    PushsmmApiError,
    PushsmmConfigError,
    PushsmmConnectionError,
    PushsmmError,
    PushsmmNotFoundError,
)
from .names import (
    API_KEY_CONFIG,
    API_KEY_ENV,
    BASE_URL_CONFIG,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_RETRY_TIMEOUT,
    REQUESTS_PER_MINUTE_CONFIG,
    REQUESTS_PER_MINUTE_ENV,
    RETRY_TIMEOUT_CONFIG,
    RETRY_TIMEOUT_ENV,
)
from .reporting import install_error_formatting, user_facing
from .retry_budget import retry_budget, retry_deadline
from .snapshot import FlowSnapshot

# The HTTP client (and with it requests) is imported only where a client is made, inside the provider
# process: a Pulumi program builds and pickles a FlowProvider but never calls the API, so it does not
# pay for loading requests.
if TYPE_CHECKING:
    from .client import PushsmmClient, UploadFile

# Re-exported: FlowError and the config names have always been importable from here.
__all__ = [
    "API_KEY_CONFIG",
    "API_KEY_ENV",
    "BASE_URL_CONFIG",
    "BASE_URL_ENV",
    "FlowError",
    "FlowProvider",
    "ProviderContext",
]

R = TypeVar("R")

# Computed outputs that no update changes.
_STABLE_OUTPUTS: Final = ("user_id", "datetime")
# What diff compares: every input, plus the recorded hash of the image's bytes.
_DIFFED_KEYS: Final = (*(f.name for f in schema.INPUT_FIELDS), schema.IMAGE_HASH_KEY)


def _is_unknown(value: Any) -> bool:
    return bool(value == rpc.UNKNOWN)


# The context of the flow each gRPC worker thread is working on (see FlowProvider._in_account_of).
_CURRENT = threading.local()


def _in_flow_account(method: Callable[..., R]) -> Callable[..., R]:
    """Run a provider method with the context of the account of the flow's props (its last argument)."""

    @functools.wraps(method)
    def wrapper(self: FlowProvider, *args: Any) -> R:
        with self._in_account_of(args[-1]):
            return method(self, *args)

    return wrapper


@dataclass
class ProviderContext:
    """Per-process state of the provider: settings, the client, and cached account lookups."""

    base_url: str
    api_key: str | None
    retry_timeout: float = DEFAULT_RETRY_TIMEOUT
    _client: PushsmmClient | None = None
    _websites: dict[int, dict[str, Any]] | None = None
    _segments: dict[int, int] | None = None  # segment id -> website id
    requests_per_minute: int | None = None  # client-side pacing below pushsmm's own limit
    _flows: FlowSnapshot | None = None
    _preview_lookup_failed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    key_hint: str | None = None  # how to set this context's key, for error messages (None: the stack config)

    @classmethod
    def from_config(cls, config: Any) -> ProviderContext:
        """Settings from stack config, falling back to environment variables."""
        base_url = (config.get(BASE_URL_CONFIG) if config else None) or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        api_key = (config.get(API_KEY_CONFIG) if config else None) or os.environ.get(API_KEY_ENV) or None
        rpm = (config.get(REQUESTS_PER_MINUTE_CONFIG) if config else None) or os.environ.get(REQUESTS_PER_MINUTE_ENV)
        raw_timeout = (config.get(RETRY_TIMEOUT_CONFIG) if config else None) or os.environ.get(RETRY_TIMEOUT_ENV)
        return cls(base_url=check_base_url(str(base_url)), api_key=str(api_key) if api_key else None,
                   requests_per_minute=requests_per_minute_setting(rpm), retry_timeout=_retry_timeout(raw_timeout))

    def __repr__(self) -> str:
        return f"ProviderContext(base_url={self.base_url!r}, api_key={'<set>' if self.api_key else None})"

    @property
    def client(self) -> PushsmmClient:
        """The client, made on first use; a clear error when the key is missing."""
        with self._lock:
            if self._client is None:
                if not self.api_key:
                    raise PushsmmConfigError(
                        "the pushsmm API key is not set. Run `pulumi config set --secret pushsmm:apiKey <key>` "
                        f"in the stack, or set the {API_KEY_ENV} environment variable."
                    )
                from .client import PushsmmClient
                from .transport import limiter_for

                # One limiter per key for the whole process, so every thread paces together.
                limiter = limiter_for(self.base_url, self.api_key, self.requests_per_minute)
                self._client = PushsmmClient(self.base_url, self.api_key, limiter=limiter,
                                             retry_timeout=self.retry_timeout)
            return self._client

    @property
    def flows(self) -> FlowSnapshot:
        """The account's flows as listed by this process's first read (see :mod:`pulumi_pushsmm.snapshot`)."""
        client = self.client
        with self._lock:
            if self._flows is None:
                self._flows = FlowSnapshot(client.list_flows_page)
            return self._flows

    def websites(self) -> dict[int, dict[str, Any]]:
        """Website id -> website object of the account, fetched once per provider process."""
        client = self.client
        with self._lock:
            if self._websites is None:
                self._websites = {int(w["id"]): w for w in client.list_websites()}
            return self._websites

    def website_ids(self) -> dict[int, str]:
        """Website id -> host for the account, fetched once per provider process."""
        return {i: str(w.get("host") or w.get("name") or "") for i, w in self.websites().items()}

    def account_ids(self) -> set[int]:
        """The user id(s) owning the key's websites: the account the key belongs to."""
        return {int(w["user_id"]) for w in self.websites().values() if w.get("user_id") is not None}

    def segment_websites(self) -> dict[int, int]:
        """Segment id -> website id for the account, fetched once per provider process."""
        client = self.client
        with self._lock:
            if self._segments is None:
                self._segments = {int(s["id"]): int(s["website_id"]) for s in client.list_segments()}
            return self._segments

    def target_problem(self, website_id: int, segment: Any) -> tuple[str, str] | None:
        """(field, reason) when an id is not the account's, which pushsmm would silently replace."""
        websites = self.website_ids()
        if website_id not in websites:
            known = ", ".join(f"{i} ({host})" for i, host in sorted(websites.items())) or "none"
            return "website_id", (
                f"website_id {website_id} is not a website of this pushsmm account "
                f"(pushsmm would silently use the first website instead); the account's websites are: {known}"
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
        if not self.api_key or self._preview_lookup_failed:
            return None
        if not isinstance(website_id, int) or not (segment == "all" or isinstance(segment, int)):
            return None
        try:
            return self.target_problem(website_id, segment)
        except PushsmmError:
            self._preview_lookup_failed = True
            return None

    def confirm_gone(self, flow_id: str, props: Mapping[str, Any], command: str) -> None:
        """Make sure a 404 means "deleted", not "another account's flow": the key's account must own its website.

        Raises FlowError, naming both accounts and websites, when the key belongs to another account.
        """
        website_id = _as_int(props.get("website_id"))
        recorded_user = _as_int(props.get("user_id"))
        websites = self.website_ids()
        if website_id is not None and website_id in websites:
            return
        mine = ", ".join(f"{i} ({host})" for i, host in sorted(websites.items())) or "none"
        accounts = ", ".join(str(u) for u in sorted(self.account_ids())) or "unknown"
        owner = f"account {recorded_user}" if recorded_user is not None else "the account that created it"
        raise FlowError(
            f"pushsmm answered 404 (not found) for flow {flow_id} with the configured API key, but the flow belongs "
            f"to website {website_id} of {owner} (as recorded at the last `pulumi up`), which is not a website of "
            f"this key's account (account {accounts}, websites: {mine}). The key is probably another account's, "
            f"so the flow was left alone and nothing was changed. Set the key of {owner} "
            + (self.key_hint.format(command=command) if self.key_hint else
               f"(`pulumi config set --secret {API_KEY_CONFIG} <key>`) and run `pulumi {command} --run-program` so "
               "the command uses the config, not the settings recorded at the last up; see README, "
               "\"Changing the key or the URL\".")
        )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _retry_timeout(raw: Any) -> float:
    if raw is None or raw == "":
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


class FlowProvider(ResourceProvider):
    """The dynamic provider behind :class:`pulumi_pushsmm.Flow`."""

    _context: ProviderContext | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Nothing per-process is pickled: no settings, no key, no session.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # --- configuration ------------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Read ``pushsmm:apiKey``, ``pushsmm:baseUrl``, ``pushsmm:retryTimeout`` and ``pushsmm:requestsPerMinute``.

        Each falls back to its PUSHSMM_* environment variable.
        """
        configure_logging()  # only in the provider's own process: the engine shows its stderr
        install_error_formatting()
        self._context = ProviderContext.from_config(req.config)

    @property
    def context(self) -> ProviderContext:
        """The context of the flow being worked on: its own account's (``account=``), else the stack's.

        The stack's comes from configure, or from the environment when configure was not called.
        """
        current: ProviderContext | None = getattr(_CURRENT, "context", None)
        if current is not None:
            return current
        if self._context is None:
            self._context = ProviderContext.from_config(None)
        return self._context

    @contextlib.contextmanager
    def _in_account_of(self, props: Mapping[str, Any]) -> Iterator[ProviderContext]:
        """Work on one flow with the context of the account recorded in its props (this thread only)."""
        stack_context = self.context
        ctx = flow_settings.context_for(props, stack_context, lambda base_url, api_key: ProviderContext(
            base_url=base_url, api_key=api_key,  # (the client refuses an unsafe URL; check names it first)
            requests_per_minute=stack_context.requests_per_minute, retry_timeout=stack_context.retry_timeout,
            key_hint="as the api_key of the Account this flow is given (account=), run `pulumi up` (a new key is "
                     "an in-place change that sends no request for the flow), then `pulumi {command}`; see README, "
                     "\"Several accounts in one program\"."),
            _is_unknown)
        previous = getattr(_CURRENT, "context", None)
        _CURRENT.context = ctx
        try:
            yield ctx
        finally:
            _CURRENT.context = previous

    # --- check and diff: no writes ------------------------------------------------------------------

    @user_facing("checking")
    @_in_flow_account
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Reject what pushsmm would silently rewrite; record the image hash; keep only what differs from a default.

        With a key configured, a new or changed website_id or segment is also checked against the
        account (one cached lookup per process); ids that were checked when they were set cost
        nothing, so a no-change preview or an update of other fields makes no request. Without a
        key, ``up`` checks them before writing.
        """
        validation = schema.validate_inputs(news, _is_unknown)
        failures = [CheckFailure(name, reason) for name, reason in validation.failures]
        base_url = validation.inputs.get(schema.ACCOUNT_BASE_URL_KEY)
        if isinstance(base_url, str) and not _is_unknown(base_url):
            try:
                check_base_url(base_url)
            except PushsmmConfigError as exc:
                failures.append(CheckFailure("account", f"account: {exc}"))
        # An account whose key is not known yet (at preview) cannot be asked; up checks the ids before writing.
        account_unknown = any(_is_unknown(news.get(k)) for k in schema.ACCOUNT_KEYS)
        if not failures and not account_unknown:
            inputs = schema.coerce_inputs(validation.inputs)
            before = schema.coerce_inputs(olds or {})
            targets = (inputs.get("website_id"), inputs.get("segment", "all"))
            if targets != (before.get("website_id"), before.get("segment", "all")):
                problem = self.context.preview_target_problem(*targets)
                if problem:
                    failures.append(CheckFailure(*problem))
        return CheckResult(schema.compact(validation.inputs), failures)

    @user_facing("comparing")
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare desired inputs with those recorded in the old outputs; every change is in place."""
        changed = self._changed_keys(schema.expand(olds), schema.expand(news))
        changed += flow_settings.changed_settings(olds, news, _is_unknown)
        stables = [k for k in _DIFFED_KEYS if k not in changed] + list(_STABLE_OUTPUTS)
        return DiffResult(changes=bool(changed), replaces=[], stables=stables, delete_before_replace=False)

    @staticmethod
    def _changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        changed = []
        for key in _DIFFED_KEYS:
            default = schema.FIELDS_BY_NAME[key].default if key in schema.FIELDS_BY_NAME else ""
            new, old = news.get(key, default), olds.get(key, default)
            if _is_unknown(new) or new != old:
                changed.append(key)
        return changed

    # --- create, read, update, delete ------------------------------------------------------------

    @user_facing("creating")
    @_in_flow_account
    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST the flow, then make sure pushsmm stored exactly what was asked."""
        props = schema.expand(props)
        ctx = self.context
        with retry_budget(ctx.retry_timeout):
            ctx.verify_targets(props["website_id"], props.get("segment", "all"))
            image = schema.image_upload(props["image"]) if props.get("image") else None
            if props.get(schema.ADOPT_KEY):
                return self._adopt(int(props[schema.ADOPT_KEY]), props, image)
            flow = self._create_once(props, image)
        ctx.flows.put(flow)
        outs = self._outputs(flow, props)
        names = [f.name for f in schema.INPUT_FIELDS]
        problems = schema.stored_differences(props, outs, names)
        if problems:
            self._discard(str(flow["id"]), props)
            raise FlowError(
                "pushsmm stored different values than requested, so the new flow was deleted again: "
                + "; ".join(problems)
            )
        return CreateResult(str(flow["id"]), schema.compact(outs))

    def _create_once(self, props: dict[str, Any], image: UploadFile | None) -> dict[str, Any]:
        """Create the flow exactly once, however often the answer is lost.

        A create that met a 5xx or lost its answer may have been stored. So before every new POST
        the account's flows are searched for it (:meth:`_committed_flow`): found, it is the result;
        not found, the POST is sent again after the reads' backoff, until the operation's retry
        budget runs out. A 4xx other than those urllib3 already retried is final at once.
        """
        client = self.context.client
        form = schema.encode_form(props, create=True)
        attempt = 0
        while True:
            attempt += 1
            try:
                return client.create_flow(form, image)
            except (PushsmmConnectionError, PushsmmApiError) as exc:
                if isinstance(exc, PushsmmApiError) and exc.status < 500:
                    raise
                found = self._committed_flow(props, exc)
                if found is not None:
                    return found
                deadline = retry_deadline()
                wait = client.backoff_seconds(attempt)
                if deadline is None or time.monotonic() + wait >= deadline:
                    raise FlowError(
                        f"creating flow {props.get('name')!r} on website {props.get('website_id')} failed "
                        f"{attempt} time(s) and pushsmm stored nothing; the last error: {exc}. "
                        f"Run `pulumi up` again, or allow more time with {RETRY_TIMEOUT_CONFIG}"
                    ) from None
                time.sleep(wait)

    @user_facing("reading")
    @_in_flow_account
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """GET the flow and map it back into inputs and outputs; an empty id when it is gone."""
        ctx = self.context
        with retry_budget(ctx.retry_timeout):
            flow = ctx.flows.find(id_)
            if flow is None:
                # Not in the list: one GET says whether it is really gone.
                try:
                    flow = ctx.client.get_flow(id_)
                except PushsmmNotFoundError:
                    ctx.confirm_gone(id_, props, "refresh")
                    return ReadResult("", {})
        outs = self._outputs(flow, schema.expand(props))
        inputs = {**{k: outs[k] for k in _DIFFED_KEYS}, **flow_settings.settings_of(outs)}
        return ReadResult(str(flow["id"]), schema.compact(outs), schema.compact(inputs))

    @user_facing("updating")
    @_in_flow_account
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One POST with the changed fields; the image only when its bytes changed."""
        olds, news = schema.expand(olds), schema.expand(news)
        ctx = self.context
        changed = self._changed_keys(olds, news)
        if flow_settings.account_changed(flow_settings.changed_settings(olds, news, _is_unknown)):
            with retry_budget(ctx.retry_timeout):
                self._check_new_account(id_, news)
        names = [k for k in changed if k in schema.FIELDS_BY_NAME]
        form = schema.encode_form(news, names, create=False)
        image = None
        remove_image = False
        if schema.IMAGE_HASH_KEY in changed:
            if news.get("image"):
                image = schema.image_upload(news["image"])
            else:
                remove_image = True
        if not form and not image and not remove_image:
            # Only the local image path changed, not its bytes, or only settings (account, on_delete)
            # that pushsmm never sees: nothing to tell pushsmm.
            settings = dict.fromkeys(schema.SETTINGS_KEYS) | flow_settings.settings_of(news)
            return UpdateResult(schema.compact({**olds, "image": news.get("image", ""), schema.IMAGE_HASH_KEY:
                                                news.get(schema.IMAGE_HASH_KEY, ""), **settings}))
        with retry_budget(ctx.retry_timeout):
            if "website_id" in changed or "segment" in changed:
                ctx.verify_targets(news["website_id"], news.get("segment", "all"))
            flow = ctx.client.update_flow(id_, form, image=image, remove_image=remove_image)
            ctx.flows.put(flow)
        outs = self._outputs(flow, news)
        problems = schema.stored_differences(news, outs, names)
        if problems:
            raise FlowError(f"pushsmm stored different values than requested for flow {id_}: " + "; ".join(problems))
        return UpdateResult(schema.compact(outs))

    @user_facing("deleting")
    @_in_flow_account
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE the flow; one that is already gone counts as deleted, once the key is shown to be the owner's.

        With on_delete="disable", switch it off instead, keeping its history and counters.
        """
        with retry_budget(self.context.retry_timeout):
            if flow_settings.disables_on_delete(props):
                self._disable(id_, props)
            else:
                self._discard(id_, props)

    # --- helpers ---------------------------------------------------------------------------------------

    def _check_new_account(self, id_: str, news: Mapping[str, Any]) -> None:
        """A flow's new key (or URL) must reach the account that owns it: one website lookup, no flow request."""
        websites = self.context.website_ids()
        if news.get("website_id") not in websites:
            known = ", ".join(f"{i} ({host})" for i, host in sorted(websites.items())) or "none"
            raise FlowError(
                f"flow {id_}: the new account settings reach a pushsmm account without website "
                f"{news.get('website_id')} (its websites: {known}), so the key is another account's. A flow cannot "
                "move between accounts: give the key of the account that owns it (a rotated key of the same account "
                "is an in-place change), or declare a new flow in the other account."
            )

    def _disable(self, id_: str, props: Mapping[str, Any]) -> None:
        """Switch the flow off (on_delete="disable"); one already gone is fine, once the key is shown the owner's."""
        form = schema.encode_form({"is_enabled": False}, ["is_enabled"], create=False)
        try:
            self.context.flows.put(self.context.client.update_flow(id_, form))
        except PushsmmNotFoundError:
            self.context.confirm_gone(id_, props, "destroy")

    def _discard(self, id_: str, props: Mapping[str, Any]) -> None:
        try:
            self.context.client.delete_flow(id_)
        except PushsmmNotFoundError:
            self.context.confirm_gone(id_, props, "destroy")
        self.context.flows.drop(id_)

    def _adopt(self, flow_id: int, props: dict[str, Any], image: UploadFile | None) -> CreateResult:
        """Take over an existing flow: update whatever differs from the inputs, keep its id."""
        client = self.context.client
        try:
            current = client.get_flow(flow_id)
        except PushsmmNotFoundError:
            raise FlowError(f"adopt_id {flow_id}: there is no such flow in this pushsmm account") from None
        stored, _ = schema.read_back(current)
        names = [f.name for f in schema.INPUT_FIELDS if f.name in stored and stored[f.name] != props.get(f.name)]
        form = schema.encode_form(props, names, create=False)
        if image and self._same_image(current, props):
            image = None  # the flow already shows these very bytes: uploading them again would change its image_url
        flow = current
        if form or image:
            flow = client.update_flow(flow_id, form, image=image)
        self.context.flows.put(flow)
        outs = {**self._outputs(flow, props), schema.ADOPT_KEY: flow_id}
        problems = schema.stored_differences(props, outs, [f.name for f in schema.INPUT_FIELDS])
        if problems:
            raise FlowError(f"pushsmm stored different values than requested for adopted flow {flow_id}: "
                            + "; ".join(problems))
        return CreateResult(str(flow_id), schema.compact(outs))

    def _same_image(self, flow: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
        """Whether the flow's current image has exactly the bytes of the local image file."""
        url, wanted = flow.get("image_url"), props.get(schema.IMAGE_HASH_KEY)
        if not url or not wanted:
            return False
        return hashlib.sha256(self.context.client.download(str(url))).hexdigest() == str(wanted)

    def _committed_flow(self, props: Mapping[str, Any], failure: PushsmmError) -> dict[str, Any] | None:
        """The flow a failed create stored anyway, when exactly one flow of the website matches it; None if none."""
        matches = matching_flows(self.context.client.list_flows(website_id=props["website_id"]), props)
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(m["id"]) for m in matches)
            raise FlowError(f"creating flow {props.get('name')!r} failed ({failure}) and flows {ids} all match it; "
                            "delete the extra ones in pushsmm, then adopt the one to keep with adopt_id") from None
        return None

    @staticmethod
    def _outputs(flow: Mapping[str, Any], local: Mapping[str, Any]) -> dict[str, Any]:
        """The one mapping from an API flow to outputs; the image path and hash come from local state."""
        inputs, computed = schema.read_back(flow)
        has_image = bool(flow.get("image_url"))
        image = (local.get("image") or "") if has_image else ""
        image_hash = (local.get(schema.IMAGE_HASH_KEY) or "") if has_image else ""
        return {**inputs, "image": image, schema.IMAGE_HASH_KEY: image_hash, **computed,
                **flow_settings.settings_of(local)}


def matching_flows(candidates: list[dict[str, Any]], props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The API flows whose every input (but the local image path) equals ``props``."""
    wanted = {k: v for k, v in props.items() if k in schema.FIELDS_BY_NAME and k != "image"
              and schema.FIELDS_BY_NAME[k].is_input}
    matches = []
    for candidate in candidates:
        inputs, _ = schema.read_back(candidate)
        if int(candidate.get("website_id") or 0) == props.get("website_id") and all(
                inputs.get(k) == v for k, v in wanted.items()):
            matches.append(candidate)
    return matches
