"""Records of the emulated service: the dataclasses it stores and answers with, and their JSON shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Final, Generic, Literal, TypedDict, TypeVar, cast

CreateResponse = Literal["full", "id"]
CREATE_RESPONSES: tuple[CreateResponse, ...] = ("full", "id")


@dataclass
class EmulatorConfig:
    """The run-time switches, as ``GET/PATCH /_emulator/config`` shows them.

    - ``rate_limit``: requests per minute per key; 0 switches the limit off.
    - ``create_response``: ``full`` (201 with the flow, as the server code does)
      or ``id`` (``{"data": {"id": N}}``, as the documentation says).
    - ``api_disabled``: the API "switched off site-wide" (every /api call is a
      302 to an HTML page).
    """

    rate_limit: int = 60
    create_response: CreateResponse = "full"
    api_disabled: bool = False

    def problem(self) -> str | None:
        """What is wrong with these switches, or None when they are fine."""
        if self.rate_limit < 0:
            return "rate_limit must be >= 0 (0 switches it off)"
        if self.create_response not in CREATE_RESPONSES:
            return f"create_response must be one of {', '.join(CREATE_RESPONSES)}"
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


class ConfigChanges(TypedDict, total=False):
    """Some of the EmulatorConfig switches, to change (``EmulatorServer.configure``, ``PATCH /_emulator/config``)."""

    rate_limit: int
    create_response: CreateResponse
    api_disabled: bool


# name -> the JSON type the admin surface accepts for it
CONFIG_FIELDS: Final[Mapping[str, type]] = {item.name: type(item.default) for item in fields(EmulatorConfig)}


class AccountInfo(TypedDict):
    """An account as reported to tests and in the ready line (never with its key)."""

    user_id: int
    website_ids: list[int]
    segment_ids: dict[str, list[int]]


@dataclass(frozen=True)
class Account:
    """A stored account; only the hash of its key is kept."""

    id: int
    key_hash: str
    api_access: bool
    flows_limit: int
    datetime: str


@dataclass(frozen=True)
class ImageUpload:
    """A file sent in the ``image`` form field."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class StoredImage:
    """An accepted upload, served back at ``/uploads/flows/<name>``."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RateState:
    """The rate limit headers for one response."""

    limit: int
    remaining: int
    reset: int
    allowed: bool


class ShownAsStored:
    """A record the API shows exactly as it is stored, field by field."""

    def to_api(self) -> dict[str, Any]:
        """The record as the API returns it."""
        shown: dict[str, Any] = asdict(cast(Any, self))  # every subclass is a dataclass
        return shown


@dataclass(frozen=True)
class Website(ShownAsStored):
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


@dataclass(frozen=True)
class Segment(ShownAsStored):
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


@dataclass(frozen=True)
class Flow:
    """A stored flow, exactly as the service keeps it (``is_enabled`` is stored as 0/1)."""

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
        """The flow as the API returns it; ``uploads_base`` is the absolute URL of the uploads folder.

        Every stored field as it is, in order, except two: the API shows the
        image as an absolute ``image_url`` in its place, and ``is_enabled`` as
        a boolean.
        """
        shown: dict[str, Any] = {}
        for name, value in self.to_raw().items():
            if name == "image":
                shown["image_url"] = f"{uploads_base}/{value}" if value else None
            elif name == "is_enabled":
                shown[name] = bool(value)
            else:
                shown[name] = value
        return shown

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

    def meta(self, *, documented: bool = False) -> dict[str, Any]:
        """``meta`` as the server's code sends it, or (``documented``) as the reference shows it.

        The code says ``total_results`` and echoes ``page`` as it was sent; the
        reference says ``total`` and shows ``page`` as the number of the page.
        """
        if documented:
            return {
                "page": self.page,
                "results_per_page": self.results_per_page,
                "total": self.total_results,
                "total_pages": self.total_pages,
            }
        return {
            "page": self.page_echo,
            "results_per_page": self.results_per_page,
            "total_results": self.total_results,
            "total_pages": self.total_pages,
        }


@dataclass(frozen=True)
class LogEntry:
    """One /api request as the admin request log shows it (never the key).

    ``time`` is when it arrived, ISO 8601 in UTC; ``query`` is the query string
    as sent ("" when none); ``status`` is None when the connection was dropped;
    ``fault`` names the injected faults that fired, comma-separated.
    """

    time: str
    method: str
    path: str
    query: str
    status: int | None
    fault: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)
