"""The real server's PHP-style cleaning and clamping of submitted values, and the limits it applies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .exceptions import ImageUploadFailed, MissingRequiredFields
from .records import Flow, ImageUpload

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
BUTTON_KEYS: Final = ("button_title_1", "button_url_1", "button_title_2", "button_url_2")
UTM_KEYS: Final = ("source", "medium", "campaign")
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
SQL_INT_MAX: Final = 2**63 - 1

# --- PHP-flavoured coercions ----------------------------------------------------------------------

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


def storable_id(value: int | None) -> int | None:
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


def clamp_wait_time(wait_time: int, wait_time_type: str) -> int:
    """``wait_time`` pulled into 1 .. the maximum of its unit."""
    return min(max(wait_time, 1), WAIT_TIME_MAX.get(wait_time_type, WAIT_TIME_MAX[DEFAULT_WAIT_TIME_TYPE]))


def page_window(page: str | None, results_per_page: str | None) -> tuple[int, int]:
    """Page number and size as PAGINATION_MODEL reads them: odd sizes become the default, pages below 1 become 1."""
    size = php_int(results_per_page) if results_per_page is not None else PAGINATION_MODEL.default_page_size
    if size not in PAGINATION_MODEL.page_sizes:
        size = PAGINATION_MODEL.default_page_size
    number = min(max(php_int(page), PAGINATION_MODEL.first_page), 2**31) if page is not None else 1
    return number, size


# --- images ---------------------------------------------------------------------------------------


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


def check_image(image: ImageUpload) -> tuple[str, str]:
    """The extension and content type of an acceptable upload; ``ImageUploadFailed`` otherwise.

    The extension must be allowed, the content must really be that kind, and
    the size within IMAGE_MAX_BYTES.
    """
    extension = image.filename.rsplit(".", 1)[-1].lower() if "." in image.filename else ""
    kind = IMAGE_EXTENSIONS.get(extension)
    if kind is None or sniff_image(image.data) != kind:
        raise ImageUploadFailed("The file type is not allowed. Allowed: jpg, jpeg, png, svg, webp, gif.")
    if len(image.data) > IMAGE_MAX_BYTES:
        raise ImageUploadFailed(f"The file is too big. The limit is {IMAGE_MAX_BYTES // (1024 * 1024)} MB.")
    return extension, IMAGE_CONTENT_TYPES[kind]


# --- flow forms -----------------------------------------------------------------------------------


def check_required(submitted: Mapping[str, str]) -> None:
    """A create must fill every REQUIRED_ON_CREATE field with more than blanks."""
    for name in REQUIRED_ON_CREATE:
        if not submitted.get(name, "").strip():
            raise MissingRequiredFields()


def created_flow(submitted: Mapping[str, str], website_ids: list[int]) -> dict[str, Any]:
    """The stored fields a create form gives, after every coercion (segment, image and dates aside).

    An unknown website becomes the account's first; invalid enums take their
    default; texts are cleaned and cut; the wait time is clamped to its unit.
    """
    website_id = php_int(submitted["website_id"])
    if website_id not in website_ids:
        website_id = website_ids[0]
    wait_time_type = submitted.get("wait_time_type", "")
    if wait_time_type not in WAIT_TIME_MAX:
        wait_time_type = DEFAULT_WAIT_TIME_TYPE
    ttl = strict_int(submitted.get("ttl"))
    urgency = submitted.get("urgency", "")
    text = {name: clean_text(submitted.get(name, ""), limit) for name, limit in TEXT_LIMITS.items()}
    settings: dict[str, Any] = {
        "ttl": ttl if ttl in TTL_VALUES else DEFAULT_TTL,
        "urgency": urgency if urgency in URGENCIES else DEFAULT_URGENCY,
        # The create quirk: sending the field at all sets it, whatever its value.
        "is_silent": int("is_silent" in submitted),
        "is_auto_hide": int("is_auto_hide" in submitted),
        **{key: text[key] for key in BUTTON_KEYS},
        "utm": {key: text[f"utm_{key}"] for key in UTM_KEYS},
    }
    return {
        "website_id": website_id,
        "name": text["name"],
        "title": text["title"],
        "description": text["description"],
        "url": text["url"],
        "settings": settings,
        "wait_time": clamp_wait_time(php_int(submitted.get("wait_time")), wait_time_type),
        "wait_time_type": wait_time_type,
        "is_enabled": int(php_truthy(submitted["is_enabled"])) if "is_enabled" in submitted else 1,
    }


def updated_flow(flow: Flow, submitted: Mapping[str, str], website_ids: list[int]) -> dict[str, Any]:
    """The stored fields an update form gives (segment, image and dates aside).

    Fields not sent keep their value; an invalid website or enum keeps the old
    value; the wait time is clamped again, to the (possibly new) unit.
    """
    website_id = flow.website_id
    if "website_id" in submitted and php_int(submitted["website_id"]) in website_ids:
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
    text = {name: clean_text(submitted[name], limit) for name, limit in TEXT_LIMITS.items() if name in submitted}
    settings.update({key: text[key] for key in BUTTON_KEYS if key in text})
    utm = dict(settings.get("utm") or {})
    utm.update({key: text[f"utm_{key}"] for key in UTM_KEYS if f"utm_{key}" in text})
    settings["utm"] = utm
    return {
        "website_id": website_id,
        "name": text.get("name", flow.name),
        "title": text.get("title", flow.title),
        "description": text.get("description", flow.description),
        "url": text.get("url", flow.url),
        "settings": settings,
        "wait_time": clamp_wait_time(wait_time, wait_time_type),
        "wait_time_type": wait_time_type,
        "is_enabled": int(php_truthy(submitted["is_enabled"])) if "is_enabled" in submitted else flow.is_enabled,
    }
