"""State and rules of the emulated pushsmm service: SQLite storage, accounts, flows and every quirk."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Generic, Literal, TypedDict, TypeVar

from .exceptions import (
    ImageUploadFailed,
    InvalidAdminRequest,
    MissingRequiredFields,
    NoApiAccess,
    PlanLimitReached,
    ResourceNotFound,
)
from .faults import FaultInjector, FaultRule

CreateResponse = Literal["full", "id"]
CREATE_RESPONSES: tuple[CreateResponse, ...] = ("full", "id")

# --- The rules, as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class PaginationModel:
    """How every list endpoint pages: the allowed page sizes and the fallbacks."""

    page_sizes: tuple[int, ...]
    default_page_size: int
    first_page: int = 1


PAGINATION_MODEL: Final = PaginationModel(page_sizes=(10, 25, 50, 100, 250, 500, 1000), default_page_size=25)

REQUIRED_ON_CREATE: Final = ("website_id", "name", "title", "description")
TEXT_LIMITS: Final[Mapping[str, int]] = {
    "name": 256,
    "title": 64,
    "description": 128,
    "url": 512,
    "button_title_1": 16,
    "button_url_1": 512,
    "button_title_2": 16,
    "button_url_2": 512,
    "utm_source": 128,
    "utm_medium": 128,
    "utm_campaign": 128,
}
WAIT_TIME_MAX: Final[Mapping[str, int]] = {"minutes": 129600, "hours": 2160, "days": 90}
DEFAULT_WAIT_TIME_TYPE: Final = "days"
TTL_VALUES: Final = (0, 900, 1800, 3600, 10800, 21600, 43200, 86400, 259200, 432000, 604800, 1209600, 2419200)
DEFAULT_TTL: Final = 2419200
URGENCIES: Final = ("low", "normal", "high")
DEFAULT_URGENCY: Final = "normal"
# extension -> the kind content sniffing must find
IMAGE_EXTENSIONS: Final[Mapping[str, str]] = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "svg": "svg",
    "webp": "webp",
    "gif": "gif",
}
IMAGE_CONTENT_TYPES: Final[Mapping[str, str]] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
    "gif": "image/gif",
}
IMAGE_MAX_BYTES: Final = 2 * 1024 * 1024
RATE_LIMIT_WINDOW_SECONDS: Final = 60
REQUEST_LOG_SIZE: Final = 10_000  # the request log keeps the most recent entries only

# Raw flow fields the admin "drift" call may overwrite, with the Python types each accepts.
DRIFT_COLUMNS: Final[Mapping[str, tuple[type, ...]]] = {
    "website_id": (int,),
    "segment": (str, int),
    "name": (str,),
    "title": (str,),
    "description": (str,),
    "url": (str,),
    "image": (str, type(None)),
    "wait_time": (int,),
    "wait_time_type": (str,),
    "is_enabled": (bool, int),
    "total_sent_push_notifications": (int,),
    "total_displayed_push_notifications": (int,),
    "total_clicked_push_notifications": (int,),
    "total_closed_push_notifications": (int,),
    "last_sent_datetime": (str, type(None)),
    "last_datetime": (str, type(None)),
    "datetime": (str,),
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
UTM_KEYS: Final = ("source", "medium", "campaign")


# --- PHP-flavoured coercions the real server applies ----------------------------------------------

_PHP_INT = re.compile(r"\s*([+-]?\d+)")
_TAG = re.compile(r"<(?=[^\s<])[^>]*(?:>|$)", re.DOTALL)


def php_int(value: str | None) -> int:
    """``(int) $value``: the leading integer of the string, else 0."""
    match = _PHP_INT.match(value or "")
    return int(match.group(1)) if match else 0


def strict_int(value: str | None) -> int | None:
    """The integer a string spells exactly in ASCII digits (surrounding blanks allowed), else None."""
    text = (value or "").strip()
    return int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else None


SQL_INT_MAX: Final = 2**63 - 1


def _storable_id(value: int | None) -> int | None:
    """``value`` when it can be a row id (1 .. 2**63-1), else None."""
    return value if value is not None and 0 < value <= SQL_INT_MAX else None


def php_truthy(value: str) -> bool:
    """``(bool) $value`` for a form string: only "" and "0" are false (so "false" is true)."""
    return value not in ("", "0")


def strip_tags(value: str) -> str:
    """Remove HTML tags like PHP's ``strip_tags`` (an unclosed tag runs to the end)."""
    return _TAG.sub("", value)


def clean_text(value: str, max_length: int) -> str:
    """Strip tags, trim, store quotes as entities, then cut to ``max_length`` characters."""
    text = strip_tags(value).strip().replace("'", "&#39;").replace('"', "&#34;")
    return text[:max_length]


def sniff_image(data: bytes) -> str | None:
    """The image kind the bytes really are (jpeg, png, gif, webp, svg), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (head.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--"))) and b"<svg" in head:
        return "svg"
    return None


def _api_key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


# --- Records --------------------------------------------------------------------------------------


class AccountInfo(TypedDict):
    """An account as reported to tests and in the ready line (never with its key)."""

    user_id: int
    website_ids: list[int]
    segment_ids: dict[str, list[int]]


@dataclass(frozen=True)
class ImageUpload:
    """A file sent in the ``image`` form field."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class RateState:
    """The rate limit headers for one response."""

    limit: int
    remaining: int
    reset: int
    allowed: bool


@dataclass(frozen=True)
class Website:
    """A website of an account (read-only through the API)."""

    id: int
    user_id: int
    pixel_key: str
    name: str
    scheme: str
    host: str
    path: str
    is_enabled: bool
    last_datetime: str | None
    datetime: str

    def to_api(self) -> dict[str, Any]:
        """The website as the API returns it."""
        # The API shows every stored field as it is.
        return asdict(self)


@dataclass(frozen=True)
class Segment:
    """A subscriber segment of one website."""

    id: int
    user_id: int
    website_id: int
    name: str
    type: str
    settings: dict[str, Any]
    total_subscribers: int
    last_datetime: str | None
    datetime: str

    def to_api(self) -> dict[str, Any]:
        """The segment as the API returns it."""
        # The API shows every stored field as it is.
        return asdict(self)


@dataclass(frozen=True)
class Flow:
    """A stored flow, exactly as the service keeps it."""

    id: int
    user_id: int
    website_id: int
    segment: str
    name: str
    title: str
    description: str
    url: str
    image: str | None
    settings: dict[str, Any]
    wait_time: int
    wait_time_type: str
    is_enabled: int
    total_sent_push_notifications: int
    total_displayed_push_notifications: int
    total_clicked_push_notifications: int
    total_closed_push_notifications: int
    last_sent_datetime: str | None
    last_datetime: str | None
    datetime: str

    def to_api(self, uploads_base: str) -> dict[str, Any]:
        """The flow as the API returns it; ``uploads_base`` is the absolute URL of the uploads folder."""
        return {
            "id": self.id,
            "user_id": self.user_id,
            "website_id": self.website_id,
            "segment": self.segment,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "url": self.url,
            "image_url": f"{uploads_base}/{self.image}" if self.image else None,
            "settings": self.settings,
            "wait_time": self.wait_time,
            "wait_time_type": self.wait_time_type,
            "is_enabled": bool(self.is_enabled),
            "total_sent_push_notifications": self.total_sent_push_notifications,
            "total_displayed_push_notifications": self.total_displayed_push_notifications,
            "total_clicked_push_notifications": self.total_clicked_push_notifications,
            "total_closed_push_notifications": self.total_closed_push_notifications,
            "last_sent_datetime": self.last_sent_datetime,
            "last_datetime": self.last_datetime,
            "datetime": self.datetime,
        }

    def to_raw(self) -> dict[str, Any]:
        """The stored row, for the admin surface (``image`` is the stored file name)."""
        return asdict(self)


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what ``meta`` and ``links`` need.

    ``page_echo`` is ``page`` as the real server sends it back: the string that
    was sent, or the integer 1. ``query`` holds the filters to repeat in links.
    """

    items: list[T]
    page: int
    page_echo: int | str
    results_per_page: int
    total_results: int
    total_pages: int
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LogEntry:
    """One /api request as the admin request log shows it (never the key)."""

    method: str
    path: str
    status: int | None
    fault: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"method": self.method, "path": self.path, "status": self.status, "fault": self.fault}


_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash TEXT NOT NULL UNIQUE,
    api_access INTEGER NOT NULL DEFAULT 1,
    flows_limit INTEGER NOT NULL DEFAULT -1,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS websites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    pixel_key TEXT NOT NULL,
    name TEXT NOT NULL,
    scheme TEXT NOT NULL,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    is_enabled INTEGER NOT NULL,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    website_id INTEGER NOT NULL REFERENCES websites(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    settings TEXT NOT NULL,
    total_subscribers INTEGER NOT NULL DEFAULT 0,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    website_id INTEGER NOT NULL,
    segment TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT NOT NULL,
    image TEXT,
    settings TEXT NOT NULL,
    wait_time INTEGER NOT NULL,
    wait_time_type TEXT NOT NULL,
    is_enabled INTEGER NOT NULL,
    total_sent_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_displayed_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_clicked_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_closed_push_notifications INTEGER NOT NULL DEFAULT 0,
    last_sent_datetime TEXT,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS images (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
"""
_TABLES: Final = ("images", "flows", "segments", "websites", "accounts")


@dataclass
class _Config:
    rate_limit: int
    create_response: CreateResponse
    api_disabled: bool


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
        rate_limit: int = 60,
        create_response: CreateResponse = "full",
        api_disabled: bool = False,
        seed: int = 0,
        faults: Iterable[FaultRule] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        if create_response not in CREATE_RESPONSES:
            raise ValueError(f"create_response must be one of {CREATE_RESPONSES}")
        if rate_limit < 0:
            raise ValueError("rate_limit must be >= 0 (0 switches it off)")
        self._lock = threading.RLock()
        self._write_depth = 0
        self._clock = clock
        self._startup_keys = list(dict.fromkeys(api_keys))
        self._initial = _Config(rate_limit, create_response, api_disabled)
        self._config = _Config(rate_limit, create_response, api_disabled)
        self._initial_faults = list(faults)
        self._seed = seed
        self.faults = FaultInjector(seed, self._initial_faults)
        self._windows: dict[str, tuple[float, int]] = {}
        self._log: deque[LogEntry] = deque(maxlen=REQUEST_LOG_SIZE)
        self._db = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)
        self._startup_accounts = [self.ensure_account(key)[0] for key in self._startup_keys]

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock for a write: commit when the outermost write ends, roll back if it fails."""
        with self._lock:
            self._write_depth += 1
            try:
                yield
            except BaseException:
                if self._write_depth == 1:
                    self._db.rollback()
                raise
            else:
                if self._write_depth == 1:
                    self._db.commit()
            finally:
                self._write_depth -= 1

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

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
            return {
                "rate_limit": self._config.rate_limit,
                "create_response": self._config.create_response,
                "api_disabled": self._config.api_disabled,
            }

    def update_config(
        self,
        *,
        rate_limit: int | None = None,
        create_response: str | None = None,
        api_disabled: bool | None = None,
    ) -> dict[str, Any]:
        """Change run-time switches; a changed rate limit starts fresh windows."""
        with self._lock:
            if rate_limit is not None:
                if rate_limit < 0:
                    raise InvalidAdminRequest("rate_limit must be >= 0 (0 switches it off).")
                self._config.rate_limit = rate_limit
                self._windows.clear()
            if create_response is not None:
                if create_response not in CREATE_RESPONSES:
                    raise InvalidAdminRequest(f"create_response must be one of {', '.join(CREATE_RESPONSES)}.")
                self._config.create_response = "full" if create_response == "full" else "id"
            if api_disabled is not None:
                self._config.api_disabled = api_disabled
            return self.config()

    def reset(self) -> list[AccountInfo]:
        """Forget everything, then recreate the start-up accounts, switches and faults (ids from 1)."""
        with self._writing():
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("DELETE FROM sqlite_sequence")
            self._windows.clear()
            self._log.clear()
            self._config = _Config(**vars(self._initial))
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
        key_hash = _api_key_hash(api_key)
        with self._writing():
            row = self._db.execute("SELECT id FROM accounts WHERE key_hash = ?", (key_hash,)).fetchone()
            if row is not None:
                return self.account_info(row["id"]), False
            cursor = self._db.execute(
                "INSERT INTO accounts (key_hash, api_access, flows_limit, datetime) VALUES (?, ?, ?, ?)",
                (key_hash, int(api_access), flows_limit, self._now()),
            )
            user_id = _lastrowid(cursor)
            for number in range(1, websites + 1):
                website = self.add_website(user_id, name=f"Website {number}")
                self.add_segment(user_id, website.id, name=f"Engaged subscribers of website {number}")
            return self.account_info(user_id), True

    def find_account(self, api_key: str) -> AccountInfo | None:
        """The account of a key, or None when the key has none (nothing is created)."""
        with self._lock:
            row = self._db.execute("SELECT id FROM accounts WHERE key_hash = ?", (_api_key_hash(api_key),)).fetchone()
            return self.account_info(row["id"]) if row is not None else None

    def accounts(self) -> list[AccountInfo]:
        """Every account."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM accounts ORDER BY id").fetchall()
            return [self.account_info(row["id"]) for row in rows]

    def account_info(self, user_id: int) -> AccountInfo:
        """User id, website ids and segment ids (by website id, as a string) of one account."""
        with self._lock:
            self._account_row(user_id)
            website_ids = self._website_ids(user_id)
            segment_ids: dict[str, list[int]] = {str(w): [] for w in website_ids}
            for row in self._db.execute(
                "SELECT id, website_id FROM segments WHERE user_id = ? ORDER BY id", (user_id,)
            ):
                segment_ids.setdefault(str(row["website_id"]), []).append(row["id"])
            return {"user_id": user_id, "website_ids": website_ids, "segment_ids": segment_ids}

    def update_account(
        self, user_id: int, *, api_access: bool | None = None, flows_limit: int | None = None
    ) -> dict[str, Any]:
        """Switch an account's API access, or set its plan's flow limit (-1 = unlimited)."""
        with self._writing():
            self._account_row(user_id)
            if api_access is not None:
                self._db.execute("UPDATE accounts SET api_access = ? WHERE id = ?", (int(api_access), user_id))
            if flows_limit is not None:
                self._db.execute("UPDATE accounts SET flows_limit = ? WHERE id = ?", (flows_limit, user_id))
            row = self._account_row(user_id)
            return {
                **self.account_info(user_id),
                "api_access": bool(row["api_access"]),
                "flows_limit": row["flows_limit"],
            }

    def authenticate(self, api_key: str) -> int:
        """The user id of an active key with API access; anything else is ``NoApiAccess``."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, api_access FROM accounts WHERE key_hash = ?", (_api_key_hash(api_key),)
            ).fetchone()
        if row is None or not row["api_access"]:
            raise NoApiAccess()
        return int(row["id"])

    # --- rate limiting ----------------------------------------------------------------------------

    def hit_rate_limit(self, api_key: str) -> RateState | None:
        """Count one request for the key in its fixed 60 s window; None when limiting is off."""
        with self._lock:
            limit = self._config.rate_limit
            if limit == 0:
                return None
            now = self._clock()
            key_hash = _api_key_hash(api_key)
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
        with self._writing():
            self._account_row(user_id)
            cursor = self._db.execute(
                "INSERT INTO websites (user_id, pixel_key, name, scheme, host, path, is_enabled, datetime)"
                " VALUES (?, '', '', ?, '', ?, ?, ?)",
                (user_id, scheme, path, int(is_enabled), self._now()),
            )
            website_id = _lastrowid(cursor)
            pixel_key = hashlib.sha256(f"pixel-{website_id}".encode()).hexdigest()[:32]
            self._db.execute(
                "UPDATE websites SET pixel_key = ?, name = ?, host = ? WHERE id = ?",
                (
                    pixel_key,
                    name or f"Website {website_id}",
                    host or f"site{website_id}.example.test",
                    website_id,
                ),
            )
            return self._website(user_id, website_id)

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
        with self._writing():
            if website_id not in self._website_ids(user_id):
                raise InvalidAdminRequest(f"Website {website_id} does not belong to user {user_id}.")
            cursor = self._db.execute(
                "INSERT INTO segments (user_id, website_id, name, type, settings, datetime) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    website_id,
                    name or "Segment",
                    type,
                    json.dumps(dict(settings) if settings is not None else {"filters": []}),
                    self._now(),
                ),
            )
            return self._segment(user_id, _lastrowid(cursor))

    def list_websites(self, *, user_id: int, page: str | None, results_per_page: str | None) -> Page[Website]:
        """A page of the account's websites."""
        return self._paginate("websites", user_id, page, results_per_page, {}, lambda row: _website_from_row(row))

    def get_website(self, *, user_id: int, website_id: int) -> Website:
        """One of the account's websites."""
        with self._lock:
            return self._website(user_id, website_id)

    def list_segments(
        self, *, user_id: int, page: str | None, results_per_page: str | None, website_id: str | None = None
    ) -> Page[Segment]:
        """A page of the account's segments, optionally of one website."""
        return self._paginate(
            "segments", user_id, page, results_per_page, {"website_id": website_id}, _segment_from_row
        )

    def get_segment(self, *, user_id: int, segment_id: int) -> Segment:
        """One of the account's segments."""
        with self._lock:
            return self._segment(user_id, segment_id)

    # --- flows: the API --------------------------------------------------------------------------

    def list_flows(
        self, *, user_id: int, page: str | None, results_per_page: str | None, website_id: str | None = None
    ) -> Page[Flow]:
        """A page of the account's flows, optionally of one website (the newer filter)."""
        return self._paginate("flows", user_id, page, results_per_page, {"website_id": website_id}, _flow_from_row)

    def get_flow(self, *, user_id: int, flow_id: int) -> Flow:
        """One of the account's flows; another account's id is simply not found."""
        with self._lock:
            return self._flow(user_id, flow_id)

    def create_flow(self, *, user_id: int, submitted: Mapping[str, str], image: ImageUpload | None) -> Flow:
        """Create a flow from the submitted form fields, applying every coercion of the real server."""
        for name in REQUIRED_ON_CREATE:
            if not submitted.get(name, "").strip():
                raise MissingRequiredFields()
        with self._writing():
            account = self._account_row(user_id)
            if account["flows_limit"] >= 0:
                (count,) = self._db.execute("SELECT COUNT(*) FROM flows WHERE user_id = ?", (user_id,)).fetchone()
                if count >= account["flows_limit"]:
                    raise PlanLimitReached()
            website_ids = self._website_ids(user_id)
            website_id = php_int(submitted["website_id"])
            if website_id not in website_ids:
                website_id = website_ids[0]
            wait_time_type = submitted.get("wait_time_type", "")
            if wait_time_type not in WAIT_TIME_MAX:
                wait_time_type = DEFAULT_WAIT_TIME_TYPE
            ttl = strict_int(submitted.get("ttl"))
            if ttl not in TTL_VALUES:
                ttl = DEFAULT_TTL
            urgency = submitted.get("urgency", "")
            if urgency not in URGENCIES:
                urgency = DEFAULT_URGENCY
            text = {name: clean_text(submitted.get(name, ""), limit) for name, limit in TEXT_LIMITS.items()}
            settings = _settings(
                ttl=ttl,
                urgency=urgency,
                # The create quirk: sending the field at all sets it, whatever its value.
                is_silent=int("is_silent" in submitted),
                is_auto_hide=int("is_auto_hide" in submitted),
                text=text,
            )
            values: dict[str, Any] = {
                "user_id": user_id,
                "website_id": website_id,
                "segment": self._valid_segment(website_id, submitted.get("segment")) or "all",
                "name": text["name"],
                "title": text["title"],
                "description": text["description"],
                "url": text["url"],
                "image": self._store_image(image) if image is not None else None,
                "settings": json.dumps(settings),
                "wait_time": _clamp_wait_time(php_int(submitted.get("wait_time")), wait_time_type),
                "wait_time_type": wait_time_type,
                "is_enabled": int(php_truthy(submitted["is_enabled"])) if "is_enabled" in submitted else 1,
                "datetime": self._now(),
            }
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cursor = self._db.execute(f"INSERT INTO flows ({columns}) VALUES ({marks})", tuple(values.values()))
            return self._flow(user_id, _lastrowid(cursor))

    def update_flow(
        self, *, user_id: int, flow_id: int, submitted: Mapping[str, str], image: ImageUpload | None
    ) -> Flow:
        """Update a flow: unsent fields keep their value, invalid enums keep the old value."""
        with self._writing():
            flow = self._flow(user_id, flow_id)
            website_id = flow.website_id
            if "website_id" in submitted and php_int(submitted["website_id"]) in self._website_ids(user_id):
                website_id = php_int(submitted["website_id"])
            wait_time_type = flow.wait_time_type
            if submitted.get("wait_time_type") in WAIT_TIME_MAX:
                wait_time_type = submitted["wait_time_type"]
            wait_time = php_int(submitted["wait_time"]) if "wait_time" in submitted else flow.wait_time
            settings = dict(flow.settings)
            ttl = strict_int(submitted.get("ttl"))
            if ttl in TTL_VALUES:
                settings["ttl"] = ttl
            if submitted.get("urgency") in URGENCIES:
                settings["urgency"] = submitted["urgency"]
            for flag in ("is_silent", "is_auto_hide"):
                if flag in submitted:
                    settings[flag] = int(php_truthy(submitted[flag]))
            text = {
                name: clean_text(submitted[name], limit) for name, limit in TEXT_LIMITS.items() if name in submitted
            }
            for key in ("button_title_1", "button_url_1", "button_title_2", "button_url_2"):
                if key in text:
                    settings[key] = text[key]
            utm = dict(settings.get("utm") or {})
            for key in UTM_KEYS:
                if f"utm_{key}" in text:
                    utm[key] = text[f"utm_{key}"]
            settings["utm"] = utm
            segment = self._valid_segment(website_id, submitted.get("segment")) if "segment" in submitted else None
            if segment is None:
                segment = flow.segment if self._valid_segment(website_id, flow.segment) else "all"
            image_name = flow.image
            if image is not None:
                image_name = self._store_image(image)
            elif php_truthy(submitted.get("image_remove", "")):
                image_name = None
            values: dict[str, Any] = {
                "website_id": website_id,
                "segment": segment,
                "name": text.get("name", flow.name),
                "title": text.get("title", flow.title),
                "description": text.get("description", flow.description),
                "url": text.get("url", flow.url),
                "image": image_name,
                "settings": json.dumps(settings),
                "wait_time": _clamp_wait_time(wait_time, wait_time_type),
                "wait_time_type": wait_time_type,
                "is_enabled": int(php_truthy(submitted["is_enabled"]))
                if "is_enabled" in submitted
                else flow.is_enabled,
                "last_datetime": self._now(),
            }
            self._write_flow(flow_id, values)
            if flow.image and flow.image != image_name:
                self._db.execute("DELETE FROM images WHERE name = ?", (flow.image,))
            return self._flow(user_id, flow_id)

    def delete_flow(self, *, user_id: int, flow_id: int) -> None:
        """Delete one of the account's flows (and its image)."""
        with self._writing():
            flow = self._flow(user_id, flow_id)
            self._delete_flow_row(flow)

    def get_image(self, name: str) -> tuple[str, bytes]:
        """Content type and bytes of an uploaded image."""
        with self._lock:
            row = self._db.execute("SELECT content_type, data FROM images WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ResourceNotFound()
        return str(row["content_type"]), bytes(row["data"])

    # --- flows: behind the provider's back ---------------------------------------------------------

    def raw_flows(self, user_id: int) -> list[dict[str, Any]]:
        """Every flow of an account as stored, in id order."""
        with self._lock:
            self._account_row(user_id)
            rows = self._db.execute("SELECT * FROM flows WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
            return [_flow_from_row(row).to_raw() for row in rows]

    def raw_flow(self, flow_id: int) -> dict[str, Any]:
        """One flow as stored, whoever owns it."""
        with self._lock:
            return self._flow(None, flow_id).to_raw()

    def drift_flow(self, flow_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Overwrite stored fields as they are given (no cleaning, no clamping), like an edit in the web UI.

        Top-level columns are replaced; ``settings`` is merged key by key (and
        ``settings.utm`` likewise). Only the types are checked.
        """
        with self._writing():
            flow = self._flow(None, flow_id)
            values: dict[str, Any] = {}
            for name, value in changes.items():
                if name == "settings":
                    values["settings"] = json.dumps(_drift_settings(flow.settings, value))
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
                self._write_flow(flow_id, values)
            return self._flow(None, flow_id).to_raw()

    def delete_flow_raw(self, flow_id: int) -> None:
        """Delete a flow whoever owns it."""
        with self._writing():
            self._delete_flow_row(self._flow(None, flow_id))

    # --- request log ------------------------------------------------------------------------------

    def log_request(self, *, method: str, path: str, status: int | None, fault: str | None) -> None:
        """Record one /api request."""
        with self._lock:
            self._log.append(LogEntry(method=method, path=path, status=status, fault=fault))

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

    def _one(
        self, table: Literal["accounts", "websites", "segments", "flows"], row_id: int, user_id: int | None
    ) -> sqlite3.Row:
        """A row by id (and owner, unless ``user_id`` is None); anything else is not found."""
        if _storable_id(row_id) is None:
            raise ResourceNotFound()
        if user_id is None:
            row = self._db.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        else:
            row = self._db.execute(f"SELECT * FROM {table} WHERE id = ? AND user_id = ?", (row_id, user_id)).fetchone()
        if row is None:
            raise ResourceNotFound()
        return row  # type: ignore[no-any-return]

    def _account_row(self, user_id: int) -> sqlite3.Row:
        return self._one("accounts", user_id, None)

    def _website_ids(self, user_id: int) -> list[int]:
        rows = self._db.execute("SELECT id FROM websites WHERE user_id = ? ORDER BY id", (user_id,))
        return [int(row["id"]) for row in rows]

    def _website(self, user_id: int, website_id: int) -> Website:
        return _website_from_row(self._one("websites", website_id, user_id))

    def _segment(self, user_id: int, segment_id: int) -> Segment:
        return _segment_from_row(self._one("segments", segment_id, user_id))

    def _flow(self, user_id: int | None, flow_id: int) -> Flow:
        return _flow_from_row(self._one("flows", flow_id, user_id))

    def _valid_segment(self, website_id: int, segment: str | None) -> str | None:
        """``segment`` normalised when it is "all" or a segment id of the website, else None."""
        if segment is None:
            return None
        if segment == "all":
            return "all"
        segment_id = _storable_id(strict_int(segment))
        if segment_id is None:
            return None
        row = self._db.execute(
            "SELECT id FROM segments WHERE id = ? AND website_id = ?", (segment_id, website_id)
        ).fetchone()
        return str(row["id"]) if row is not None else None

    def _store_image(self, image: ImageUpload) -> str:
        """Validate an upload by extension, content and size, store it, and return its random name."""
        extension = image.filename.rsplit(".", 1)[-1].lower() if "." in image.filename else ""
        kind = IMAGE_EXTENSIONS.get(extension)
        if kind is None or sniff_image(image.data) != kind:
            raise ImageUploadFailed("The file type is not allowed. Allowed: jpg, jpeg, png, svg, webp, gif.")
        if len(image.data) > IMAGE_MAX_BYTES:
            raise ImageUploadFailed(f"The file is too big. The limit is {IMAGE_MAX_BYTES // (1024 * 1024)} MB.")
        name = f"{secrets.token_hex(16)}.{extension}"
        self._db.execute(
            "INSERT INTO images (name, content_type, data) VALUES (?, ?, ?)",
            (name, IMAGE_CONTENT_TYPES[kind], image.data),
        )
        return name

    def _write_flow(self, flow_id: int, values: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in values)
        self._db.execute(f"UPDATE flows SET {assignments} WHERE id = ?", (*values.values(), flow_id))

    def _delete_flow_row(self, flow: Flow) -> None:
        self._db.execute("DELETE FROM flows WHERE id = ?", (flow.id,))
        if flow.image:
            self._db.execute("DELETE FROM images WHERE name = ?", (flow.image,))

    def _paginate(
        self,
        table: Literal["flows", "websites", "segments"],
        user_id: int,
        page: str | None,
        results_per_page: str | None,
        filters: Mapping[str, str | None],
        build: Callable[[sqlite3.Row], T],
    ) -> Page[T]:
        """Apply PAGINATION_MODEL: odd page sizes become the default, pages below 1 become 1."""
        size = php_int(results_per_page) if results_per_page is not None else PAGINATION_MODEL.default_page_size
        if size not in PAGINATION_MODEL.page_sizes:
            size = PAGINATION_MODEL.default_page_size
        number = min(max(php_int(page), PAGINATION_MODEL.first_page), 2**31) if page is not None else 1
        where, params = "user_id = ?", [user_id]
        query: dict[str, str] = {}
        if results_per_page is not None:
            query["results_per_page"] = str(size)
        website_id = filters.get("website_id")
        website_filter = _storable_id(strict_int(website_id))
        if website_filter is not None:
            where += " AND website_id = ?"
            params.append(website_filter)
            query["website_id"] = str(website_filter)
        with self._lock:
            (total,) = self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()
            rows = self._db.execute(
                f"SELECT * FROM {table} WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
                (*params, size, (number - 1) * size),
            ).fetchall()
        return Page(
            items=[build(row) for row in rows],
            page=number,
            page_echo=page if page is not None else PAGINATION_MODEL.first_page,
            results_per_page=size,
            total_results=int(total),
            total_pages=math.ceil(total / size),
            query=query,
        )


# --- row mapping and small rules -------------------------------------------------------------------


def _lastrowid(cursor: sqlite3.Cursor) -> int:
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _settings(*, ttl: int, urgency: str, is_silent: int, is_auto_hide: int, text: Mapping[str, str]) -> dict[str, Any]:
    return {
        "ttl": ttl,
        "urgency": urgency,
        "is_silent": is_silent,
        "is_auto_hide": is_auto_hide,
        "button_title_1": text["button_title_1"],
        "button_url_1": text["button_url_1"],
        "button_title_2": text["button_title_2"],
        "button_url_2": text["button_url_2"],
        "utm": {key: text[f"utm_{key}"] for key in UTM_KEYS},
    }


def _clamp_wait_time(wait_time: int, wait_time_type: str) -> int:
    return min(max(wait_time, 1), WAIT_TIME_MAX.get(wait_time_type, WAIT_TIME_MAX[DEFAULT_WAIT_TIME_TYPE]))


def _check_type(name: str, value: Any, types: tuple[type, ...]) -> None:
    # bool is an int in Python; only accept it where bool is listed.
    if isinstance(value, bool) and bool not in types:
        raise InvalidAdminRequest(f"Field {name!r} has the wrong type.")
    if not isinstance(value, types):
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


def _website_from_row(row: sqlite3.Row) -> Website:
    return Website(
        id=row["id"],
        user_id=row["user_id"],
        pixel_key=row["pixel_key"],
        name=row["name"],
        scheme=row["scheme"],
        host=row["host"],
        path=row["path"],
        is_enabled=bool(row["is_enabled"]),
        last_datetime=row["last_datetime"],
        datetime=row["datetime"],
    )


def _segment_from_row(row: sqlite3.Row) -> Segment:
    return Segment(
        id=row["id"],
        user_id=row["user_id"],
        website_id=row["website_id"],
        name=row["name"],
        type=row["type"],
        settings=json.loads(row["settings"]),
        total_subscribers=row["total_subscribers"],
        last_datetime=row["last_datetime"],
        datetime=row["datetime"],
    )


def _flow_from_row(row: sqlite3.Row) -> Flow:
    values = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a mapping
    values["settings"] = json.loads(values["settings"])
    return Flow(**values)
