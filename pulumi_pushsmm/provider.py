"""The Flow dynamic provider: check, diff, create, read, update and delete, each driven by the schema table.

Every CRUD method has the same shape: expand the state (:mod:`~pulumi_pushsmm.state`), ask the
account's session (:mod:`~pulumi_pushsmm.session`) for what to check and the client to call,
encode and read back through the wire codec (:mod:`~pulumi_pushsmm.wire`), and compact what is
recorded. The provider knows nothing about HTTP details, settings or caches: the session owns
those, one per account.

The provider object is pickled into every Flow's state by the Pulumi SDK. It keeps the
configuration and sessions outside the pickled state (see ``__getstate__``), so the pickle holds
no session and no secret, is tiny, and is the same bytes for every Flow of a program.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

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

from . import schema, state, wire
from .configuration import check_base_url, configure_logging
from .errors import (
    FlowError,
    PushsmmApiError,
    PushsmmConfigError,
    PushsmmConnectionError,
    PushsmmError,
    PushsmmNotFoundError,
)
from .names import RETRY_TIMEOUT_CONFIG
from .reporting import install_error_formatting, user_facing
from .retry_budget import retry_budget, retry_deadline
from .session import AccountSession, ConfigSource, resolve_settings, session_for
from .validation import validate_inputs

# The HTTP client (and with it requests) is imported only where a client is made, inside the session:
# a Pulumi program builds and pickles a FlowProvider but never calls the API, so it does not pay for
# loading requests.
if TYPE_CHECKING:
    from .client import UploadFile

__all__ = ["FlowError", "FlowProvider"]

R = TypeVar("R")


# ReadResult takes the inputs a read finds only in SDKs newer than the lowest allowed (3.150 has just id and
# outs, and the engine then keeps the inputs it had). Asked of the SDK itself, not of its version.
_READ_RESULT_TAKES_INPUTS = "inputs" in inspect.signature(ReadResult).parameters


def _is_unknown(value: Any) -> bool:
    return bool(value == rpc.UNKNOWN)


# The session of the flow each gRPC worker thread is working on (see FlowProvider._in_account_of).
_CURRENT = threading.local()


def _in_flow_account(method: Callable[..., R]) -> Callable[..., R]:
    """Run a provider method with the session of the account of the flow's props (its last argument)."""

    @functools.wraps(method)
    def wrapper(self: FlowProvider, *args: Any) -> R:
        with self._in_account_of(args[-1]):
            return method(self, *args)

    return wrapper


def _own_account(props: Mapping[str, Any]) -> tuple[str, str] | None:
    """(base URL, key) of the account a flow was given (``account=``); None for the stack's, or not known yet."""
    base_url, api_key = (props.get(k) for k in schema.ACCOUNT_KEYS)
    if not base_url or not api_key or _is_unknown(base_url) or _is_unknown(api_key):
        return None
    return str(base_url), str(api_key)


class FlowProvider(ResourceProvider):
    """The dynamic provider behind :class:`pulumi_pushsmm.Flow`."""

    _config: ConfigSource | None = None
    _stack: AccountSession | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Nothing per-process is pickled: no settings, no key, no session.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # --- configuration ------------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Read ``pushsmm:apiKey``, ``pushsmm:baseUrl``, ``pushsmm:retryTimeout`` and ``pushsmm:requestsPerMinute``.

        Each falls back to its PUSHSMM_* environment variable (see :func:`~pulumi_pushsmm.session.resolve_settings`).
        """
        self._config = req.config
        settings = resolve_settings(self._config)
        configure_logging(settings.log_level)  # only in the provider's own process: the engine shows its stderr
        install_error_formatting()
        self._stack = session_for(settings)

    @property
    def session(self) -> AccountSession:
        """The session of the flow being worked on: its own account's (``account=``), else the stack's.

        The stack's comes from configure, or from the environment when configure was not called.
        """
        current: AccountSession | None = getattr(_CURRENT, "session", None)
        if current is not None:
            return current
        if self._stack is None:
            self._stack = session_for(resolve_settings(self._config))
        return self._stack

    def _session_of(self, props: Mapping[str, Any]) -> AccountSession:
        """The session of the account a flow was given, or the stack's (also for one not known yet, at preview)."""
        account = _own_account(props)
        if account is None:
            return self.session
        return session_for(resolve_settings(self._config, base_url=account[0], api_key=account[1]))

    @contextlib.contextmanager
    def _in_account_of(self, props: Mapping[str, Any]) -> Iterator[AccountSession]:
        """Work on one flow with the session of the account recorded in its props (this thread only)."""
        session = self._session_of(props)
        previous = getattr(_CURRENT, "session", None)
        _CURRENT.session = session
        try:
            yield session
        finally:
            _CURRENT.session = previous

    # --- check and diff: no writes ------------------------------------------------------------------

    @user_facing("checking")
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Reject what pushsmm would silently rewrite; record the image hash; keep only what differs from a default.

        With a key configured, a new or changed website_id or segment is also checked against the
        account (one cached lookup per process); ids that were checked when they were set cost
        nothing, so a no-change preview or an update of other fields makes no request. Without a
        key, ``up`` checks them before writing.
        """
        validation = validate_inputs(news, _is_unknown)
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
            inputs, before = state.expand(validation.inputs), state.expand(olds or {})
            targets = (inputs["website_id"], inputs["segment"])
            if targets != (before.get("website_id"), before["segment"]):
                problem = self._session_of(inputs).checks.preview_target_problem(*targets)
                if problem:
                    failures.append(CheckFailure(*problem))
        return CheckResult(state.compact(validation.inputs), failures)

    @user_facing("comparing")
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare desired inputs with those recorded in the old outputs; every change is in place."""
        changed = state.changed_keys(state.expand(olds), state.expand(news), _is_unknown)
        changed += state.changed_settings(olds, news, _is_unknown)
        stables = [k for k in state.DIFFED_KEYS if k not in changed] + list(state.STABLE_OUTPUTS)
        return DiffResult(changes=bool(changed), replaces=[], stables=stables, delete_before_replace=False)

    # --- create, read, update, delete ------------------------------------------------------------

    @user_facing("creating")
    @_in_flow_account
    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST the flow, then make sure pushsmm stored exactly what was asked."""
        props = state.expand(props)
        session = self.session
        with retry_budget(session.settings.retry_timeout):
            session.checks.verify_targets(props["website_id"], props["segment"])
            image = wire.image_upload(props["image"]) if props["image"] else None
            if props.get(schema.ADOPT_KEY):
                return self._adopt(int(props[schema.ADOPT_KEY]), props, image)
            flow = self._create_once(props, image)
        session.snapshot.put(flow)
        outs = state.outputs(flow, props)
        problems = wire.stored_differences(props, outs, [f.name for f in schema.INPUT_FIELDS])
        if problems:
            self._discard(str(flow["id"]), props)
            raise FlowError(
                "pushsmm stored different values than requested, so the new flow was deleted again: "
                + "; ".join(problems)
            )
        return CreateResult(str(flow["id"]), state.compact(outs))

    def _create_once(self, props: dict[str, Any], image: UploadFile | None) -> dict[str, Any]:
        """Create the flow exactly once, however often the answer is lost.

        A create that met a 5xx or lost its answer may have been stored. So before every new POST
        the account's flows are searched for it (:meth:`_committed_flow`): found, it is the result;
        not found, the POST is sent again after the reads' backoff, until the operation's retry
        budget runs out. A 4xx other than those urllib3 already retried is final at once.
        """
        client = self.session.client
        form = wire.encode_form(props, create=True)
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
        session = self.session
        with retry_budget(session.settings.retry_timeout):
            flow = session.snapshot.find(id_)
            if flow is None:
                # Not in the list: one GET says whether it is really gone.
                try:
                    flow = session.client.get_flow(id_)
                except PushsmmNotFoundError:
                    session.checks.confirm_gone(id_, props, "refresh", own_account=_own_account(props) is not None)
                    return ReadResult("", {})
        outs = state.outputs(flow, state.expand(props))
        if not _READ_RESULT_TAKES_INPUTS:
            return ReadResult(str(flow["id"]), state.compact(outs))
        inputs = {**{k: outs[k] for k in state.DIFFED_KEYS}, **state.settings_of(outs)}
        return ReadResult(str(flow["id"]), state.compact(outs), state.compact(inputs))

    @user_facing("updating")
    @_in_flow_account
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One POST with the changed fields; the image only when its bytes changed."""
        olds, news = state.expand(olds), state.expand(news)
        session = self.session
        changed = state.changed_keys(olds, news)
        if state.account_changed(state.changed_settings(olds, news)):
            with retry_budget(session.settings.retry_timeout):
                session.checks.check_owns(id_, news.get("website_id"))
        names = [k for k in changed if k in schema.FIELDS_BY_NAME]
        form = wire.encode_form(news, names, create=False)
        image = None
        remove_image = False
        if schema.IMAGE_HASH_KEY in changed:
            if news["image"]:
                image = wire.image_upload(news["image"])
            else:
                remove_image = True
        if not form and not image and not remove_image:
            # Only the local image path changed, not its bytes, or only settings (account, on_delete)
            # that pushsmm never sees: nothing to tell pushsmm.
            settings = dict.fromkeys(schema.SETTINGS_KEYS) | state.settings_of(news)
            return UpdateResult(state.compact({**olds, "image": news["image"],
                                               schema.IMAGE_HASH_KEY: news[schema.IMAGE_HASH_KEY], **settings}))
        with retry_budget(session.settings.retry_timeout):
            if "website_id" in changed or "segment" in changed:
                session.checks.verify_targets(news["website_id"], news["segment"])
            flow = session.client.update_flow(id_, form, image=image, remove_image=remove_image)
            session.snapshot.put(flow)
        outs = state.outputs(flow, news)
        problems = wire.stored_differences(news, outs, names)
        if problems:
            raise FlowError(f"pushsmm stored different values than requested for flow {id_}: " + "; ".join(problems))
        return UpdateResult(state.compact(outs))

    @user_facing("deleting")
    @_in_flow_account
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE the flow; one that is already gone counts as deleted, once the key is shown to be the owner's.

        With on_delete="disable", switch it off instead, keeping its history and counters.
        """
        with retry_budget(self.session.settings.retry_timeout):
            if state.disables_on_delete(props):
                self._disable(id_, props)
            else:
                self._discard(id_, props)

    # --- helpers ---------------------------------------------------------------------------------------

    def _disable(self, id_: str, props: Mapping[str, Any]) -> None:
        """Switch the flow off (on_delete="disable"); one already gone is fine, once the key is shown the owner's."""
        session = self.session
        form = wire.encode_form({"is_enabled": False}, ["is_enabled"], create=False)
        try:
            session.snapshot.put(session.client.update_flow(id_, form))
        except PushsmmNotFoundError:
            session.checks.confirm_gone(id_, props, "destroy", own_account=_own_account(props) is not None)

    def _discard(self, id_: str, props: Mapping[str, Any]) -> None:
        session = self.session
        try:
            session.client.delete_flow(id_)
        except PushsmmNotFoundError:
            session.checks.confirm_gone(id_, props, "destroy", own_account=_own_account(props) is not None)
        session.snapshot.drop(id_)

    def _adopt(self, flow_id: int, props: dict[str, Any], image: UploadFile | None) -> CreateResult:
        """Take over an existing flow: update whatever differs from the inputs, keep its id."""
        session = self.session
        try:
            current = session.client.get_flow(flow_id)
        except PushsmmNotFoundError:
            raise FlowError(f"adopt_id {flow_id}: there is no such flow in this pushsmm account") from None
        stored, _ = wire.read_back(current)
        names = [f.name for f in schema.INPUT_FIELDS if f.name in stored and stored[f.name] != props.get(f.name)]
        form = wire.encode_form(props, names, create=False)
        if image and self._same_image(current, props):
            image = None  # the flow already shows these very bytes: uploading them again would change its image_url
        flow = current
        if form or image:
            flow = session.client.update_flow(flow_id, form, image=image)
        session.snapshot.put(flow)
        outs = {**state.outputs(flow, props), schema.ADOPT_KEY: flow_id}
        problems = wire.stored_differences(props, outs, [f.name for f in schema.INPUT_FIELDS])
        if problems:
            raise FlowError(f"pushsmm stored different values than requested for adopted flow {flow_id}: "
                            + "; ".join(problems))
        return CreateResult(str(flow_id), state.compact(outs))

    def _same_image(self, flow: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
        """Whether the flow's current image has exactly the bytes of the local image file."""
        url, wanted = flow.get("image_url"), props.get(schema.IMAGE_HASH_KEY)
        if not url or not wanted:
            return False
        return hashlib.sha256(self.session.client.download(str(url))).hexdigest() == str(wanted)

    def _committed_flow(self, props: Mapping[str, Any], failure: PushsmmError) -> dict[str, Any] | None:
        """The flow a failed create stored anyway, when exactly one flow of the website matches it; None if none."""
        matches = state.matching_flows(self.session.client.list_flows(website_id=props["website_id"]), props)
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(m["id"]) for m in matches)
            raise FlowError(f"creating flow {props.get('name')!r} failed ({failure}) and flows {ids} all match it; "
                            "delete the extra ones in pushsmm, then adopt the one to keep with adopt_id") from None
        return None
