"""The emulated service's state and rules: accounts, rate limits, flows, drift and the request log."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
import typing
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final, Unpack
from urllib.parse import parse_qsl, urlencode

from .cleaning import (
    PAGINATION_MODEL,
    UTM_KEYS,
    check_image,
    check_required,
    created_flow,
    page_window,
    php_truthy,
    storable_id,
    strict_int,
    updated_flow,
)
from .exceptions import InvalidAdminRequest, NoApiAccess, PlanLimitReached
from .faults import FaultInjector, FaultRule
from .records import (
    Account,
    AccountInfo,
    ConfigChanges,
    CreateResponse,
    EmulatorConfig,
    Flow,
    ImageUpload,
    LogEntry,
    Page,
    RateState,
    Segment,
    StoredImage,
    Website,
)
from .storage import Owned, Store
from .subscribers import FlowAudience, Simulation, simulate

_SECRET_NAME: Final = re.compile(r"key|token|secret|auth|pass", re.IGNORECASE)
RATE_LIMIT_WINDOW_SECONDS: Final = 60
REQUEST_LOG_SIZE: Final = 10_000  # the request log keeps the most recent entries only

# Stored flow fields the admin "drift" call may overwrite, with the Python types each accepts: the
# record's own types, except that ids and settings (merged key by key below) are not drifted, and
# two fields also take what a JSON client would naturally send.
_DRIFT_TYPE_EXCEPTIONS: Final[Mapping[str, tuple[type, ...]]] = {"segment": (str, int), "is_enabled": (bool, int)}
DRIFT_COLUMNS: Final[Mapping[str, tuple[type, ...]]] = {
    name: _DRIFT_TYPE_EXCEPTIONS.get(name) or (typing.get_args(hint) or (hint,))
    for name, hint in typing.get_type_hints(Flow).items()
    if name not in ("id", "user_id", "settings")
}
DRIFT_SETTINGS: Final[Mapping[str, tuple[type, ...]]] = {
    "ttl": (int,),
    "urgency": (str,),
    "is_silent": (bool, int),
    "is_auto_hide": (bool, int),
    "button_title_1": (str,),
    "button_url_1": (str,),
    "button_title_2": (str,),
    "button_url_2": (str,),
}


def _key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


class EmulatorBackend:
    """Everything the emulated service knows and every rule it applies; it never sees HTTP.

    ``api_keys`` are the accounts made at start-up (and again after ``reset()``),
    each seeded with two websites and one segment per website. ``db_path=None``
    keeps the data in a private in-memory database; a path makes it survive
    restarts. ``clock`` returns epoch seconds and drives datetimes and the
    rate-limit windows, so tests can move time.
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
    ) -> None:
        self._initial = replace(config) if config is not None else EmulatorConfig()
        problem = self._initial.problem()
        if problem:
            raise ValueError(problem)
        self._config = replace(self._initial)
        self._clock = clock
        self._startup_keys = list(dict.fromkeys(api_keys))
        self._initial_faults = list(faults)
        self._seed = seed
        self.faults = FaultInjector(seed, self._initial_faults)
        self._windows: dict[str, tuple[float, int]] = {}
        self._log: deque[LogEntry] = deque(maxlen=REQUEST_LOG_SIZE)
        self._store = Store(db_path)
        self._lock = self._store.lock
        self._startup_accounts = [self.ensure_account(key)[0] for key in self._startup_keys]

    def close(self) -> None:
        """Close the database."""
        self._store.close()

    # --- configuration ----------------------------------------------------------------------------

    @property
    def create_response(self) -> CreateResponse:
        """``full`` (201 with the flow, as the code does) or ``id`` (``{"data": {"id": N}}``, as documented)."""
        return self._config.create_response

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
            problem = changed.problem()
            if problem:
                raise InvalidAdminRequest(f"{problem}.")
            self._config = changed
            if "rate_limit" in changes:
                self._windows.clear()
            return self._config.to_dict()

    def reset(self) -> list[AccountInfo]:
        """Forget everything, then recreate the start-up accounts, switches and faults (ids from 1)."""
        with self._store.writing():
            self._store.wipe()
            self._windows.clear()
            self._log.clear()
            self._config = replace(self._initial)
            self.faults.configure(self._initial_faults, seed=self._seed)
            self._startup_accounts = [self.ensure_account(key)[0] for key in self._startup_keys]
            return list(self._startup_accounts)

    # --- accounts ---------------------------------------------------------------------------------

    @property
    def startup_accounts(self) -> list[AccountInfo]:
        """The accounts of the start-up keys, in the order the keys were given."""
        return list(self._startup_accounts)

    def ensure_account(
        self, api_key: str, *, websites: int = 2, api_access: bool = True, flows_limit: int = -1
    ) -> tuple[AccountInfo, bool]:
        """The account of ``api_key``, made and seeded when new; the flag says whether it was made."""
        if not api_key:
            raise InvalidAdminRequest("api_key must not be empty.")
        if websites < 1:
            raise InvalidAdminRequest("An account needs at least one website.")
        key_hash = _key_hash(api_key)
        with self._store.writing():
            account = self._store.account_by_key_hash(key_hash)
            if account is not None:
                return self.account_info(account.id), False
            user_id = self._store.insert(
                Account,
                {"key_hash": key_hash, "api_access": api_access, "flows_limit": flows_limit, "datetime": self._now()},
            )
            for number in range(1, websites + 1):
                website = self.add_website(user_id, name=f"Website {number}")
                self.add_segment(user_id, website.id, name=f"Engaged subscribers of website {number}")
            return self.account_info(user_id), True

    def find_account(self, api_key: str) -> AccountInfo | None:
        """The account of a key, or None when the key has none (nothing is created)."""
        with self._lock:
            account = self._store.account_by_key_hash(_key_hash(api_key))
            return self.account_info(account.id) if account is not None else None

    def accounts(self) -> list[AccountInfo]:
        """Every account."""
        with self._lock:
            return [self.account_info(user_id) for user_id in self._store.account_ids()]

    def account_info(self, user_id: int) -> AccountInfo:
        """User id, website ids and segment ids (by website id, as a string) of one account."""
        with self._lock:
            self._account(user_id)
            website_ids = self._store.website_ids(user_id)
            segment_ids: dict[str, list[int]] = {str(w): [] for w in website_ids}
            for segment in self._store.all_of(Segment, user_id):
                segment_ids.setdefault(str(segment.website_id), []).append(segment.id)
            return {"user_id": user_id, "website_ids": website_ids, "segment_ids": segment_ids}

    def update_account(
        self, user_id: int, *, api_access: bool | None = None, flows_limit: int | None = None,
        api_key: str | None = None,
    ) -> dict[str, Any]:
        """Switch an account's API access, set its plan's flow limit (-1 = unlimited), or rotate its key.

        A new ``api_key`` replaces the old one, which stops working, as regenerating a key in the
        dashboard does; the account and its data stay.
        """
        if api_key is not None and not api_key:
            raise InvalidAdminRequest("api_key must not be empty.")
        given = {"api_access": api_access, "flows_limit": flows_limit,
                 "key_hash": _key_hash(api_key) if api_key else None}
        with self._store.writing():
            self._account(user_id)
            changes = {name: value for name, value in given.items() if value is not None}
            if changes:
                self._store.update(Account, user_id, changes)
            account = self._account(user_id)
            return {**self.account_info(user_id), "api_access": account.api_access, "flows_limit": account.flows_limit}

    def authenticate(self, api_key: str) -> int:
        """The user id of an active key with API access; anything else is ``NoApiAccess``."""
        with self._lock:
            account = self._store.account_by_key_hash(_key_hash(api_key))
        if account is None or not account.api_access:
            raise NoApiAccess()
        return account.id

    # --- rate limiting ----------------------------------------------------------------------------

    def hit_rate_limit(self, api_key: str) -> RateState | None:
        """Count one request for the key in its fixed 60 s window; None when limiting is off."""
        with self._lock:
            limit = self._config.rate_limit
            if limit == 0:
                return None
            now = self._clock()
            key_hash = _key_hash(api_key)
            start, used = self._windows.get(key_hash, (now, 0))
            if now >= start + RATE_LIMIT_WINDOW_SECONDS:
                start, used = now, 0
            used += 1
            self._windows[key_hash] = (start, used)
            reset = math.ceil(start + RATE_LIMIT_WINDOW_SECONDS)
            return RateState(limit=limit, remaining=max(limit - used, 0), reset=reset, allowed=used <= limit)

    def idle_rate_state(self) -> RateState | None:
        """The headers for a request not tied to a key (a full, untouched window)."""
        with self._lock:
            limit = self._config.rate_limit
            if limit == 0:
                return None
            reset = math.ceil(self._clock() + RATE_LIMIT_WINDOW_SECONDS)
            return RateState(limit=limit, remaining=limit, reset=reset, allowed=True)

    # --- websites and segments ----------------------------------------------------------------------

    def add_website(
        self,
        user_id: int,
        *,
        name: str | None = None,
        scheme: str = "https://",
        host: str | None = None,
        path: str = "/",
        is_enabled: bool = True,
    ) -> Website:
        """Add a website to an account (websites cannot be created through the API)."""
        with self._store.writing():
            self._account(user_id)
            # The id is known only after the insert; the pixel key and the default name and host derive from it.
            website_id = self._store.insert(
                Website,
                {
                    "user_id": user_id,
                    "pixel_key": "",
                    "name": "",
                    "scheme": scheme,
                    "host": "",
                    "path": path,
                    "is_enabled": is_enabled,
                    "datetime": self._now(),
                },
            )
            self._store.update(
                Website,
                website_id,
                {
                    "pixel_key": hashlib.sha256(f"pixel-{website_id}".encode()).hexdigest()[:32],
                    "name": name or f"Website {website_id}",
                    "host": host or f"site{website_id}.example.test",
                },
            )
            return self.one_of(Website, user_id=user_id, record_id=website_id)

    def add_segment(
        self,
        user_id: int,
        website_id: int,
        *,
        name: str | None = None,
        type: str = "filter",
        settings: Mapping[str, Any] | None = None,
    ) -> Segment:
        """Add a segment to one of the account's websites."""
        with self._store.writing():
            if website_id not in self._store.website_ids(user_id):
                raise InvalidAdminRequest(f"Website {website_id} does not belong to user {user_id}.")
            segment_id = self._store.insert(
                Segment,
                {
                    "user_id": user_id,
                    "website_id": website_id,
                    "name": name or "Segment",
                    "type": type,
                    "settings": dict(settings) if settings is not None else {"filters": []},
                    "datetime": self._now(),
                },
            )
            return self.one_of(Segment, user_id=user_id, record_id=segment_id)

    # --- the API's reads ---------------------------------------------------------------------------

    def page_of(
        self,
        record: type[Owned],
        *,
        user_id: int,
        page: str | None,
        results_per_page: str | None,
        website_id: str | None = None,
    ) -> Page[Owned]:
        """A page of the account's websites, segments or flows (optionally of one website), in id order.

        The query is read as PAGINATION_MODEL says: odd page sizes become the
        default, pages below 1 become 1, an unusable ``website_id`` is ignored.
        """
        number, size = page_window(page, results_per_page)
        query: dict[str, str] = {}
        if results_per_page is not None:
            query["results_per_page"] = str(size)
        website_filter = storable_id(strict_int(website_id))
        if website_filter is not None:
            query["website_id"] = str(website_filter)
        total, items = self._store.page(record, user_id, website_filter, size, number)
        return Page(
            items=items,
            page=number,
            page_echo=page if page is not None else PAGINATION_MODEL.first_page,
            results_per_page=size,
            total_results=total,
            total_pages=math.ceil(total / size),
            query=query,
        )

    def one_of(self, record: type[Owned], *, user_id: int | None, record_id: int) -> Owned:
        """One of the account's websites, segments or flows (any account's when ``user_id`` is None).

        Another account's id is simply not found, as on the real server.
        """
        return self._store.one(record, record_id, user_id)

    # --- flows: the API's writes ---------------------------------------------------------------------

    def create_flow(self, *, user_id: int, submitted: Mapping[str, str], image: ImageUpload | None) -> Flow:
        """Create a flow from the submitted form fields, applying every coercion of the real server."""
        check_required(submitted)
        with self._store.writing():
            account = self._account(user_id)
            if account.flows_limit >= 0 and self._store.count(Flow, user_id) >= account.flows_limit:
                raise PlanLimitReached()
            values = created_flow(submitted, self._store.website_ids(user_id))
            values["segment"] = self._valid_segment(values["website_id"], submitted.get("segment")) or "all"
            values["image"] = self._store_image(image) if image is not None else None
            flow_id = self._store.insert(Flow, {"user_id": user_id, **values, "datetime": self._now()})
            return self.one_of(Flow, user_id=user_id, record_id=flow_id)

    def update_flow(
        self, *, user_id: int, flow_id: int, submitted: Mapping[str, str], image: ImageUpload | None
    ) -> Flow:
        """Update a flow: unsent fields keep their value, invalid enums keep the old value."""
        with self._store.writing():
            flow = self.one_of(Flow, user_id=user_id, record_id=flow_id)
            values = updated_flow(flow, submitted, self._store.website_ids(user_id))
            website_id = values["website_id"]
            segment = self._valid_segment(website_id, submitted.get("segment")) if "segment" in submitted else None
            if segment is None:
                # A segment that no longer fits the (possibly new) website falls back to everyone.
                segment = flow.segment if self._valid_segment(website_id, flow.segment) else "all"
            image_name = flow.image
            if image is not None:
                image_name = self._store_image(image)
            elif php_truthy(submitted.get("image_remove", "")):
                image_name = None
            self._store.update(
                Flow, flow_id, {**values, "segment": segment, "image": image_name, "last_datetime": self._now()}
            )
            if flow.image and flow.image != image_name:
                self._store.delete_image(flow.image)
            return self.one_of(Flow, user_id=user_id, record_id=flow_id)

    def delete_flow(self, *, user_id: int | None, flow_id: int) -> None:
        """Delete one of the account's flows (any account's when ``user_id`` is None) and its image."""
        with self._store.writing():
            flow = self.one_of(Flow, user_id=user_id, record_id=flow_id)
            self._store.delete(Flow, flow.id)
            if flow.image:
                self._store.delete_image(flow.image)

    def get_image(self, name: str) -> tuple[str, bytes]:
        """Content type and bytes of an uploaded image."""
        image = self._store.image(name)
        return image.content_type, image.data

    # --- flows: behind the provider's back ---------------------------------------------------------

    def raw_flows(self, user_id: int) -> list[dict[str, Any]]:
        """Every flow of an account as stored, in id order."""
        with self._lock:
            self._account(user_id)
            return [flow.to_raw() for flow in self._store.all_of(Flow, user_id)]

    def raw_flow(self, flow_id: int) -> dict[str, Any]:
        """One flow as stored, whoever owns it."""
        return self.one_of(Flow, user_id=None, record_id=flow_id).to_raw()

    def drift_flow(self, flow_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Overwrite stored fields as they are given (no cleaning, no clamping), like an edit in the web UI.

        Top-level columns are replaced; ``settings`` is merged key by key (and
        ``settings.utm`` likewise). Only the types are checked.
        """
        with self._store.writing():
            flow = self.one_of(Flow, user_id=None, record_id=flow_id)
            values: dict[str, Any] = {}
            for name, value in changes.items():
                if name == "settings":
                    values["settings"] = _drift_settings(flow.settings, value)
                    continue
                if name not in DRIFT_COLUMNS:
                    raise InvalidAdminRequest(f"Flow field {name!r} cannot be drifted.")
                _check_type(name, value, DRIFT_COLUMNS[name])
                if name == "segment":
                    value = str(value)
                elif name == "is_enabled":
                    value = int(value)
                values[name] = value
            if values:
                self._store.update(Flow, flow_id, values)
            return self.raw_flow(flow_id)

    def delete_flow_raw(self, flow_id: int) -> None:
        """Delete a flow whoever owns it."""
        self.delete_flow(user_id=None, flow_id=flow_id)

    def add_subscribers(self, website_id: int, *, count: int, seed: int) -> Simulation:
        """Simulate ``count`` new subscribers of a website (see ``subscribers``) and add what its flows sent."""
        with self._store.writing():
            website = self._store.one(Website, website_id)
            segments = [s for s in self._store.all_of(Segment, website.user_id) if s.website_id == website_id]
            flows = [f for f in self._store.all_of(Flow, website.user_id) if f.website_id == website_id]
            result = simulate(
                website_id=website_id,
                count=count,
                seed=seed,
                segment_ids=[segment.id for segment in segments],
                flows=[
                    FlowAudience(f.id, f.segment, bool(f.is_enabled), f.settings, bool(f.image)) for f in flows
                ],
            )
            for segment in segments:
                joined = result.joined[segment.id]
                self._store.update(Segment, segment.id, {"total_subscribers": segment.total_subscribers + joined})
            now = self._now()
            sent_by = {sends.flow_id: sends for sends in result.sends}
            for flow in flows:
                sends = sent_by[flow.id]
                if sends.sent:
                    self._store.update(Flow, flow.id, {
                        "total_sent_push_notifications": flow.total_sent_push_notifications + sends.sent,
                        "total_displayed_push_notifications": flow.total_displayed_push_notifications + sends.displayed,
                        "total_clicked_push_notifications": flow.total_clicked_push_notifications + sends.clicked,
                        "total_closed_push_notifications": flow.total_closed_push_notifications + sends.closed,
                        "last_sent_datetime": now,
                    })
            return result

    # --- request log ------------------------------------------------------------------------------

    def log_request(self, *, method: str, path: str, query: str = "", status: int | None, fault: str | None) -> None:
        """Record one /api request, stamped with the clock's time (a secret-looking query value is redacted)."""
        stamp = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        entry = LogEntry(time=stamp, method=method, path=path, query=_loggable(query), status=status, fault=fault)
        with self._lock:
            self._log.append(entry)

    def request_log(self) -> list[dict[str, Any]]:
        """The most recent /api requests (up to REQUEST_LOG_SIZE), oldest first."""
        with self._lock:
            return [entry.to_dict() for entry in self._log]

    def clear_request_log(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._log.clear()

    # --- internals ------------------------------------------------------------------------------

    def _now(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self._clock()))

    def _account(self, user_id: int) -> Account:
        return self._store.one(Account, user_id)

    def _valid_segment(self, website_id: int, segment: str | None) -> str | None:
        """``segment`` normalised when it is "all" or a segment id of the website, else None."""
        if segment is None:
            return None
        if segment == "all":
            return "all"
        segment_id = storable_id(strict_int(segment))
        if segment_id is None or not self._store.segment_in_website(segment_id, website_id):
            return None
        return str(segment_id)

    def _store_image(self, image: ImageUpload) -> str:
        """Validate an upload by extension, content and size, store it, and return its random name."""
        extension, content_type = check_image(image)
        name = f"{secrets.token_hex(16)}.{extension}"
        self._store.put_image(StoredImage(name=name, content_type=content_type, data=image.data))
        return name


def _loggable(query: str) -> str:
    """The query string as sent, but with the value of any key-, token- or secret-like parameter redacted.

    The API takes its key only in the Authorization header; a client that puts
    one in the query by mistake must not find it in the log.
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(_SECRET_NAME.search(name) for name, _ in pairs):
        return query
    return urlencode([(name, "[redacted]" if _SECRET_NAME.search(name) else value) for name, value in pairs])


def _check_type(name: str, value: Any, types: tuple[type, ...]) -> None:
    # bool is an int in Python; only accept it where bool is listed.
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise InvalidAdminRequest(f"Field {name!r} has the wrong type.")


def _drift_settings(current: Mapping[str, Any], changes: Any) -> dict[str, Any]:
    if not isinstance(changes, dict):
        raise InvalidAdminRequest("settings must be an object.")
    settings = dict(current)
    for key, value in changes.items():
        if key == "utm":
            if not isinstance(value, dict) or set(value) - set(UTM_KEYS):
                raise InvalidAdminRequest("settings.utm must be an object with source, medium, campaign.")
            for utm_key, utm_value in value.items():
                _check_type(f"settings.utm.{utm_key}", utm_value, (str,))
            settings["utm"] = {**dict(settings.get("utm") or {}), **value}
            continue
        if key not in DRIFT_SETTINGS:
            raise InvalidAdminRequest(f"Setting {key!r} cannot be drifted.")
        _check_type(f"settings.{key}", value, DRIFT_SETTINGS[key])
        settings[key] = int(value) if isinstance(value, bool) else value
    return settings
