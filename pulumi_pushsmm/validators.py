"""Small named checks of Flow values, the building blocks of the schema table's records.

A *validator* looks at one value and returns ``None`` when it is fine, else
the reason in words that follow the field's name ("must be ..."). The ones
that limit a value (:class:`MaxLength`, :class:`OneOf`, :class:`HttpUrl`) also
:meth:`describe` the limit, so docs and error messages take the allowed values
from the same object that enforces them.

A *cross-field rule* (:class:`RequiredWith`, :class:`RangeByUnit`) sits on the
record of the field it reports on and also sees the other inputs.

Nothing here knows the table, HTTP or Pulumi.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import urlsplit

Problem = str | None
"""What a validator returns: ``None`` when the value is fine, else the reason."""

Validator = Callable[[Any], Problem]
"""A check of one value."""

UnknownTest = Callable[[Any], bool]
"""Tells whether a value is not known yet (Pulumi's preview placeholder); passed in by the caller."""


@runtime_checkable
class Described(Protocol):
    """A validator or rule that can say in a few words what it allows, for docs."""

    def describe(self) -> str:
        """The allowed values or limit, such as ``at most 64 characters``."""
        ...


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- types ---------------------------------------------------------------------------------------


def is_string(value: Any) -> Problem:
    """The value must be a string."""
    return None if isinstance(value, str) else f"must be a string, not {type(value).__name__}"


def is_integer(value: Any) -> Problem:
    """The value must be an integer (booleans are not integers here)."""
    return None if _is_int(value) else f"must be an integer, not {type(value).__name__}"


def is_boolean(value: Any) -> Problem:
    """The value must be true or false."""
    return None if isinstance(value, bool) else f"must be a boolean, not {type(value).__name__}"


TYPE_VALIDATORS: Final = (is_string, is_integer, is_boolean)
"""Validators after whose failure the others are skipped: they would only repeat the complaint."""

# --- text ----------------------------------------------------------------------------------------

# strip_tags() starts a tag at '<' followed by a letter, '/', '!' or '?'.
_TAG_START: Final = re.compile(r"<[A-Za-z/!?]")


def no_surrounding_whitespace(value: Any) -> Problem:
    """pushsmm trims text, so leading or trailing whitespace would never settle in a diff."""
    if isinstance(value, str) and value != value.strip():
        return "must not start or end with whitespace (pushsmm trims it)"
    return None


def no_html(value: Any) -> Problem:
    """pushsmm strips HTML tags, so text that looks like a tag is refused."""
    if isinstance(value, str) and _TAG_START.search(value):
        return "must not contain HTML tags such as <b> (pushsmm strips them)"
    return None


# C0 controls and DEL, C1 controls, and the bidi embedding/override/isolate controls.
_CONTROL_OR_BIDI: Final = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_control_characters(value: Any) -> Problem:
    """Control characters (NUL, ESC, BEL, ...) and bidi overrides such as U+202E would be stored as they are.

    In a notification they show as boxes or reorder the text around them, which can disguise
    it, so they are refused. (Tabs and newlines are control characters too.)
    """
    if not isinstance(value, str):
        return None
    found = _CONTROL_OR_BIDI.search(value)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "") or {0: "NUL"}.get(ord(char), "control character")
    return (f"must not contain control or bidirectional-override characters; found U+{ord(char):04X} ({name}) "
            f"at position {found.start()}")


def encodable(value: Any) -> Problem:
    """Text must be valid Unicode: a lone surrogate (half of a UTF-16 pair) cannot be encoded or sent."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"must be valid Unicode text; it contains a lone surrogate U+{ord(value[exc.start]):04X} at "
                f"position {exc.start}, which cannot be encoded")
    return None


def not_blank(value: Any) -> Problem:
    """A required text field must say something."""
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    return None


def stored_length(text: str) -> int:
    """Length of text as pushsmm stores it: quotes are escaped to 5 characters before the cut."""
    return len(text) + 4 * (text.count("'") + text.count('"'))


@dataclass(frozen=True)
class MaxLength:
    """Text longer than ``limit`` characters as stored would be cut by pushsmm."""

    limit: int

    def __call__(self, value: Any) -> Problem:
        if not isinstance(value, str):
            return None
        length = stored_length(value)
        if length > self.limit:
            quotes = " (each ' or \" counts as 5, as pushsmm stores it escaped)" if length != len(value) else ""
            return f"must be at most {self.limit} characters, got {length}{quotes}; pushsmm would cut it"
        return None

    def describe(self) -> str:
        """``at most N characters``."""
        return f"at most {self.limit} characters"


@dataclass(frozen=True)
class HttpUrl:
    """An empty string (no URL) or an absolute http(s) URL of at most ``max_length`` characters."""

    max_length: int

    def __call__(self, value: Any) -> Problem:
        if not isinstance(value, str) or value == "":
            return None
        if len(value) > self.max_length:
            return f"must be at most {self.max_length} characters, got {len(value)} (pushsmm would cut it)"
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return f"must be an http:// or https:// URL, got {value!r}"
        if any(ch.isspace() for ch in value):
            return "must not contain whitespace"
        return None

    @property
    def limit(self) -> int:
        """The length limit, named as :class:`MaxLength` names it."""
        return self.max_length

    def describe(self) -> str:
        """``at most N characters``."""
        return f"at most {self.max_length} characters"


# --- numbers and choices -------------------------------------------------------------------------


def positive(value: Any) -> Problem:
    """Ids start at 1."""
    if _is_int(value) and value < 1:
        return f"must be a positive integer, got {value}"
    return None


@dataclass(frozen=True)
class OneOf:
    """The value must be one of ``allowed``; anything else pushsmm silently replaces."""

    allowed: tuple[Any, ...]

    def __call__(self, value: Any) -> Problem:
        if value not in self.allowed or isinstance(value, bool):
            return f"must be one of {self.describe()}; got {value!r}"
        return None

    def describe(self) -> str:
        """The allowed values, comma-separated."""
        return ", ".join(str(a) for a in self.allowed)


def segment_value(value: Any) -> Problem:
    """A segment is the word "all" or an integer segment id."""
    if value == "all" or (_is_int(value) and value >= 1):
        return None
    return f'must be "all" or a positive integer segment id, got {value!r}'


# --- cross-field rules ---------------------------------------------------------------------------


class CrossFieldRule(Protocol):
    """A rule on one field that also looks at the other inputs (already defaulted and coerced)."""

    def check(self, value: Any, inputs: Mapping[str, Any], is_unknown: UnknownTest) -> Problem:
        """The reason ``value`` is not acceptable given ``inputs``, or None. Unknown values pass."""
        ...

    def describe(self) -> str:
        """The rule in a few words, for docs."""
        ...

    @property
    def others(self) -> tuple[str, ...]:
        """The other fields the rule reads, so the table can check they exist."""
        ...


@dataclass(frozen=True)
class RequiredWith:
    """This field must be set whenever ``other`` is: ``why`` says what the pair means."""

    other: str
    why: str

    def check(self, value: Any, inputs: Mapping[str, Any], is_unknown: UnknownTest) -> Problem:
        """Fails when ``other`` is set and this field is empty."""
        other = inputs.get(self.other)
        if is_unknown(value) or is_unknown(other):
            return None
        if other and not value:
            return f"is required when {self.other} is set ({self.why})"
        return None

    def describe(self) -> str:
        """``required when <other> is set``."""
        return f"required when {self.other} is set"

    @property
    def others(self) -> tuple[str, ...]:
        """The paired field."""
        return (self.other,)


@dataclass(frozen=True)
class RangeByUnit:
    """An integer from 1 up to a maximum that depends on the unit named by field ``unit``."""

    unit: str
    maxima: Mapping[str, int]

    def check(self, value: Any, inputs: Mapping[str, Any], is_unknown: UnknownTest) -> Problem:
        """Fails outside 1..maximum of the unit; with the unit not known, only below 1."""
        if not _is_int(value):
            return None  # unknown, or already refused by the type check
        unit = inputs.get(self.unit)
        maximum = None if is_unknown(unit) else self.maxima.get(unit) if isinstance(unit, str) else None
        if maximum is not None:
            if not 1 <= value <= maximum:
                return f"must be between 1 and {maximum} {unit}, got {value}"
        elif value < 1:
            return f"must be at least 1 ({self.describe()}), got {value}"
        return None

    def describe(self) -> str:
        """``1-N unit`` for each unit."""
        return ", ".join(f"1-{m} {u}" for u, m in self.maxima.items())

    @property
    def others(self) -> tuple[str, ...]:
        """The unit field."""
        return (self.unit,)


# --- images --------------------------------------------------------------------------------------

IMAGE_EXTENSIONS: Final = ("jpg", "jpeg", "png", "svg", "webp", "gif")
IMAGE_MAX_BYTES: Final = 2 * 1024 * 1024

# Magic bytes of the accepted image types; svg is text and is checked separately.
_IMAGE_MAGIC: Final = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


def image_extension(path: str) -> str:
    """The lower-case file extension without the dot."""
    return os.path.splitext(path)[1].lower().lstrip(".")


def read_image_file(path: str) -> tuple[str | None, bytes]:
    """The bytes of a regular file of at most IMAGE_MAX_BYTES; else (problem, b"").

    Symlinks are resolved first, and the file is opened without blocking and checked with
    fstat before a byte is read, so a FIFO, a device or a directory is refused at once
    (never waited on) and an oversized file is never read into memory.
    """
    real = os.path.realpath(path)
    shown = repr(path) if real == os.path.abspath(path) else f"{path!r} (which leads to {real!r})"
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return f"file {shown} does not exist", b""
    except IsADirectoryError:
        return f"must be a regular file, {shown} is a directory", b""
    except OSError as exc:
        return f"file {shown} cannot be read: {exc.strerror or exc}", b""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"must be a regular file, {shown} is {_file_kind(info.st_mode)}", b""
        if info.st_size > IMAGE_MAX_BYTES:
            limit = f"{IMAGE_MAX_BYTES // 2**20} MB ({IMAGE_MAX_BYTES} bytes)"
            return f"must be at most {limit}, {shown} has {info.st_size} bytes", b""
        chunks, size = [], 0
        while size <= IMAGE_MAX_BYTES:
            chunk = os.read(fd, IMAGE_MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return f"file {shown} cannot be read: {exc.strerror or exc}", b""
    finally:
        os.close(fd)
    if len(data) > IMAGE_MAX_BYTES:  # it grew after the check
        return f"must be at most {IMAGE_MAX_BYTES} bytes, {shown} has more", b""
    return None, data


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def inspect_image(path: str) -> tuple[str | None, str]:
    """Check an image file; return (problem, sha256 hex digest)."""
    allowed = ", ".join(IMAGE_EXTENSIONS)
    ext = image_extension(path)
    if ext not in IMAGE_EXTENSIONS:
        return f"must be a {allowed} file, got {path!r}", ""
    problem, data = read_image_file(path)
    if problem:
        return problem, ""
    if not _looks_like(ext, data):
        return f"file {path!r} is not a valid {ext} image (its contents do not match; allowed: {allowed})", ""
    return None, hashlib.sha256(data).hexdigest()


def _looks_like(ext: str, data: bytes) -> bool:
    if ext == "svg":
        head = data[:1024].lstrip().lower()
        return head.startswith((b"<svg", b"<?xml")) or b"<svg" in head
    if ext == "webp":
        return data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    return data.startswith(_IMAGE_MAGIC[ext])
