"""The one declarative table of Flow fields that check, diff, encoding, read-back and docs all use.

Each :class:`Field` is a record of flags and small named validators, in the
manner of the Terraform Plugin Framework. The table is checked on its own at
import time (:func:`_check_table`), so an author's mistake fails loudly and
separately from a user's bad input.

This module knows nothing about HTTP or Pulumi: it turns user values into
form fields, API objects back into user values, and says what is wrong with a
value in words that name the field and what is allowed.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final
from urllib.parse import urlsplit

# --- value kinds -------------------------------------------------------------------------------


class Kind(Enum):
    """How a field's value is typed in a Pulumi program and encoded on the wire."""

    TEXT = "string"
    URL = "URL string"
    INT = "integer"
    BOOL = "boolean"
    ENUM = "string"
    TTL = "integer"
    SEGMENT = '"all" or an integer segment id'
    IMAGE = "path to a local image file"
    COMPUTED = "computed by pushsmm"


class Encoding(Enum):
    """How an input field is sent in the multipart request."""

    FORM = "form"  # a plain form value
    FORM_OMIT_FALSE_ON_CREATE = "form, left out when false on create"  # the is_silent/is_auto_hide quirk
    FILE = "file upload"
    NONE = "not sent"


Problem = str | None
"""What a validator returns: ``None`` when the value is fine, else the reason."""

Validator = Callable[[Any], Problem]

# --- limits taken from the real server ---------------------------------------------------------

TTL_VALUES: Final = (0, 900, 1800, 3600, 10800, 21600, 43200, 86400, 259200, 432000, 604800, 1209600, 2419200)
WAIT_TIME_TYPES: Final = ("minutes", "hours", "days")
WAIT_TIME_MAX: Final = {"minutes": 129600, "hours": 2160, "days": 90}
URGENCIES: Final = ("low", "normal", "high")
URL_MAX_LENGTH: Final = 512
IMAGE_EXTENSIONS: Final = ("jpg", "jpeg", "png", "svg", "webp", "gif")
IMAGE_MAX_BYTES: Final = 2 * 1024 * 1024

# pushsmm stores these quotes HTML-escaped; read-back undoes exactly this.
_QUOTE_ENTITIES: Final = {"&#39;": "'", "&#039;": "'", "&#34;": '"', "&#034;": '"', "&quot;": '"'}
# strip_tags() starts a tag at '<' followed by a letter, '/', '!' or '?'.
_TAG_START: Final = re.compile(r"<[A-Za-z/!?]")

# --- small named validators --------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_string(value: Any) -> Problem:
    """The value must be a string."""
    return None if isinstance(value, str) else f"must be a string, not {type(value).__name__}"


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


def stored_length(text: str) -> int:
    """Length of text as pushsmm stores it: quotes are escaped to 5 characters before the cut."""
    return len(text) + 4 * (text.count("'") + text.count('"'))


def max_length(limit: int) -> Validator:
    """Text longer than ``limit`` characters as stored would be cut by pushsmm."""

    def validate(value: Any) -> Problem:
        if not isinstance(value, str):
            return None
        length = stored_length(value)
        if length > limit:
            quotes = " (each ' or \" counts as 5, as pushsmm stores it escaped)" if length != len(value) else ""
            return f"must be at most {limit} characters, got {length}{quotes}; pushsmm would cut it"
        return None

    validate.__name__ = f"max_length_{limit}"
    return validate


def not_blank(value: Any) -> Problem:
    """A required text field must say something."""
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    return None


def is_integer(value: Any) -> Problem:
    """The value must be an integer (booleans are not integers here)."""
    return None if _is_int(value) else f"must be an integer, not {type(value).__name__}"


def positive(value: Any) -> Problem:
    """Ids start at 1."""
    if _is_int(value) and value < 1:
        return f"must be a positive integer, got {value}"
    return None


def is_boolean(value: Any) -> Problem:
    """The value must be true or false."""
    return None if isinstance(value, bool) else f"must be a boolean, not {type(value).__name__}"


def one_of(allowed: tuple[Any, ...]) -> Validator:
    """The value must be one of ``allowed``; anything else pushsmm silently replaces."""
    shown = ", ".join(str(a) for a in allowed)

    def validate(value: Any) -> Problem:
        if value not in allowed or isinstance(value, bool):
            return f"must be one of {shown}; got {value!r}"
        return None

    validate.__name__ = "one_of"
    return validate


def http_url(value: Any) -> Problem:
    """An empty string (no URL) or an absolute http(s) URL of at most 512 characters."""
    if not isinstance(value, str) or value == "":
        return None
    if len(value) > URL_MAX_LENGTH:
        return f"must be at most {URL_MAX_LENGTH} characters, got {len(value)} (pushsmm would cut it)"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http:// or https:// URL, got {value!r}"
    if any(ch.isspace() for ch in value):
        return "must not contain whitespace"
    return None


def segment_value(value: Any) -> Problem:
    """A segment is the word "all" or an integer segment id."""
    if value == "all" or (_is_int(value) and value >= 1):
        return None
    return f'must be "all" or a positive integer segment id, got {value!r}'


# --- the field record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One Flow field.

    Flags (each meaning is written here once):

    - ``required``: the program must set it; check fails without it.
    - ``computed``: set by pushsmm only; it is an output and never an input.
    - ``default``: what pushsmm stores when the field is left out. check fills it
      in, so a read-back of the default never shows up as a diff.
    - ``kind``: the value's type in a Pulumi program.
    - ``validators``: small named checks, each returning a reason or None.
    - ``allowed``: the allowed values, for docs and error messages.
    - ``max_length``: the server's length limit, for docs and validation.
    - ``encoding``: how it is sent in the multipart request.
    - ``read_path``: where the value sits in the API's flow object.
    - ``doc``: one line for the docs.
    """

    name: str
    kind: Kind
    doc: str
    required: bool = False
    computed: bool = False
    default: Any = None
    validators: tuple[Validator, ...] = ()
    allowed: tuple[Any, ...] = ()
    max_length: int | None = None
    encoding: Encoding = Encoding.FORM
    read_path: tuple[str, ...] = ()

    @property
    def optional(self) -> bool:
        """An input the program may leave out."""
        return not self.required and not self.computed

    @property
    def is_input(self) -> bool:
        """The field can be set by the program."""
        return not self.computed

    def validate(self, value: Any) -> list[str]:
        """Every reason the value is not acceptable, in the validators' order.

        Type validators come first; once the type is wrong the others are
        skipped, since they would only repeat the same complaint.
        """
        reasons: list[str] = []
        for validator in self.validators:
            reason = validator(value)
            if reason:
                reasons.append(reason)
                if validator in _TYPE_VALIDATORS:
                    break
        return reasons

    def coerce(self, value: Any) -> Any:
        """Undo the wire's typing: Pulumi sends every number as a float, so 3.0 means 3 here."""
        if self.kind in (Kind.INT, Kind.TTL, Kind.SEGMENT) and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def encode(self, value: Any) -> str:
        """The form value for ``value``."""
        if self.kind is Kind.BOOL:
            return "1" if value else "0"
        return str(value)

    def decode(self, raw: Any) -> Any:
        """Map a value from the API's flow object back into program space."""
        if self.kind is Kind.BOOL:
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true")
            return bool(raw)
        if self.kind in (Kind.INT, Kind.TTL):
            return int(raw) if raw is not None and raw != "" else self.default
        if self.kind is Kind.SEGMENT:
            if raw is None or raw == "" or raw == "all":
                return "all"
            return int(raw)
        if self.kind in (Kind.TEXT, Kind.URL, Kind.ENUM):
            if raw is None:
                return self.default if self.default is not None else ""
            return unescape_quotes(str(raw))
        return raw


_TYPE_VALIDATORS: Final = (is_string, is_integer, is_boolean)


def unescape_quotes(text: str) -> str:
    """Undo pushsmm's HTML escaping of ``'`` and ``"`` (and nothing else)."""
    for entity, char in _QUOTE_ENTITIES.items():
        text = text.replace(entity, char)
    return text


def _text(name: str, limit: int, doc: str, *, required: bool = False, read_path: tuple[str, ...] = ()) -> Field:
    validators: tuple[Validator, ...] = (is_string, no_surrounding_whitespace, no_html, max_length(limit))
    if required:
        validators = (*validators, not_blank)
    return Field(
        name=name,
        kind=Kind.TEXT,
        doc=doc,
        required=required,
        default=None if required else "",
        validators=validators,
        max_length=limit,
        read_path=read_path or (name,),
    )


def _url(name: str, doc: str, read_path: tuple[str, ...] = ()) -> Field:
    return Field(
        name=name,
        kind=Kind.URL,
        doc=doc,
        default="",
        validators=(is_string, http_url),
        max_length=URL_MAX_LENGTH,
        read_path=read_path or (name,),
    )


def _computed(name: str, doc: str) -> Field:
    return Field(name=name, kind=Kind.COMPUTED, doc=doc, computed=True, encoding=Encoding.NONE, read_path=(name,))


# --- the table -----------------------------------------------------------------------------------

FLOW_FIELDS: Final[tuple[Field, ...]] = (
    Field("website_id", Kind.INT, "Id of the website whose new subscribers get the flow.", required=True,
          validators=(is_integer, positive), read_path=("website_id",)),
    _text("name", 256, "Internal name of the flow.", required=True),
    _text("title", 64, "Title of the push notification.", required=True),
    _text("description", 128, "Body text of the push notification.", required=True),
    _url("url", "Landing URL opened on click (http or https)."),
    Field("image", Kind.IMAGE, "Path to a local jpg, jpeg, png, svg, webp or gif file (at most 2 MB), uploaded.",
          default="", validators=(is_string,), encoding=Encoding.FILE),
    Field("wait_time", Kind.INT, "How long after subscribing the flow is sent, in wait_time_type units.",
          required=True, validators=(is_integer,), read_path=("wait_time",)),
    Field("wait_time_type", Kind.ENUM, "Unit of wait_time.", required=True,
          validators=(is_string, one_of(WAIT_TIME_TYPES)), allowed=WAIT_TIME_TYPES, read_path=("wait_time_type",)),
    _text("button_title_1", 16, "Title of the first button.", read_path=("settings", "button_title_1")),
    _url("button_url_1", "URL of the first button.", read_path=("settings", "button_url_1")),
    _text("button_title_2", 16, "Title of the second button.", read_path=("settings", "button_title_2")),
    _url("button_url_2", "URL of the second button.", read_path=("settings", "button_url_2")),
    Field("is_silent", Kind.BOOL, "Send without sound or vibration.", default=False, validators=(is_boolean,),
          encoding=Encoding.FORM_OMIT_FALSE_ON_CREATE, read_path=("settings", "is_silent")),
    Field("is_auto_hide", Kind.BOOL, "Hide the notification automatically.", default=False,
          validators=(is_boolean,), encoding=Encoding.FORM_OMIT_FALSE_ON_CREATE,
          read_path=("settings", "is_auto_hide")),
    Field("ttl", Kind.TTL, "Seconds the push service keeps trying to deliver the notification.", default=2419200,
          validators=(is_integer, one_of(TTL_VALUES)), allowed=TTL_VALUES, read_path=("settings", "ttl")),
    Field("urgency", Kind.ENUM, "Delivery urgency.", default="normal", validators=(is_string, one_of(URGENCIES)),
          allowed=URGENCIES, read_path=("settings", "urgency")),
    _text("utm_source", 128, "utm_source added to the landing URL.", read_path=("settings", "utm", "source")),
    _text("utm_medium", 128, "utm_medium added to the landing URL.", read_path=("settings", "utm", "medium")),
    _text("utm_campaign", 128, "utm_campaign added to the landing URL.", read_path=("settings", "utm", "campaign")),
    Field("segment", Kind.SEGMENT, 'Subscribers the flow goes to: "all" or a segment id of the website.',
          default="all", validators=(segment_value,), read_path=("segment",)),
    Field("is_enabled", Kind.BOOL, "Whether the flow is sent.", default=True, validators=(is_boolean,),
          read_path=("is_enabled",)),
    _computed("user_id", "Id of the pushsmm account that owns the flow."),
    _computed("image_url", "URL of the uploaded image, or null."),
    _computed("total_sent_push_notifications", "Notifications sent by this flow."),
    _computed("total_displayed_push_notifications", "Notifications displayed."),
    _computed("total_clicked_push_notifications", "Notifications clicked."),
    _computed("total_closed_push_notifications", "Notifications closed."),
    _computed("last_sent_datetime", "When the flow last sent a notification."),
    _computed("last_datetime", "When the flow was last changed."),
    _computed("datetime", "When the flow was created."),
)

FIELDS_BY_NAME: Final[Mapping[str, Field]] = {f.name: f for f in FLOW_FIELDS}
INPUT_FIELDS: Final[tuple[Field, ...]] = tuple(f for f in FLOW_FIELDS if f.is_input)
OUTPUT_ONLY_FIELDS: Final[tuple[Field, ...]] = tuple(f for f in FLOW_FIELDS if f.computed)
REQUIRED_FIELDS: Final[tuple[Field, ...]] = tuple(f for f in FLOW_FIELDS if f.required)

IMAGE_HASH_KEY: Final = "image_sha256"
"""Extra input that check records, so that new bytes at the same image path show up as a change."""

ADOPT_KEY: Final = "adopt_id"
"""Extra input naming an existing flow that create takes over instead of making a new one.

Pulumi's ``import_`` option cannot reach a dynamic provider's Read (pulumi/pulumi#16175),
so adoption goes through create. diff ignores it: once adopted, removing it changes nothing.
"""

# Pairs that only make sense together: (title field, url field).
BUTTON_PAIRS: Final = (("button_title_1", "button_url_1"), ("button_title_2", "button_url_2"))


def _check_table(fields: tuple[Field, ...]) -> None:
    """Fail at import when the table contradicts itself (an author's mistake, not a user's)."""
    seen: set[str] = set()
    for f in fields:
        if f.name in seen:
            raise AssertionError(f"schema: duplicate field {f.name!r}")
        seen.add(f.name)
        if f.required and f.computed:
            raise AssertionError(f"schema: {f.name!r} is both required and computed")
        if f.required and f.default is not None:
            raise AssertionError(f"schema: required {f.name!r} cannot have a default")
        if f.computed and (f.validators or f.encoding is not Encoding.NONE):
            raise AssertionError(f"schema: computed {f.name!r} cannot be validated or sent")
        if f.is_input and not f.validators:
            raise AssertionError(f"schema: input {f.name!r} has no validators")
        if f.encoding is not Encoding.FILE and not f.read_path:
            raise AssertionError(f"schema: {f.name!r} has no read_path")
        if f.optional and f.default is None:
            raise AssertionError(f"schema: optional {f.name!r} needs the server's default")
    for title, url in BUTTON_PAIRS:
        if title not in seen or url not in seen:
            raise AssertionError(f"schema: button pair {title}/{url} is not in the table")


_check_table(FLOW_FIELDS)


# --- whole-flow rules --------------------------------------------------------------------------


UnknownTest = Callable[[Any], bool]
"""Tells whether a value is not known yet (Pulumi's preview placeholder); passed in by the caller."""


def _never_unknown(value: Any) -> bool:
    return False


@dataclass
class Validation:
    """The outcome of checking a set of inputs: normalized inputs plus (field, reason) failures."""

    inputs: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    is_unknown: UnknownTest = _never_unknown

    def fail(self, name: str, reason: str) -> None:
        """Record one problem with one field, worded to stand alone."""
        self.failures.append((name, f"{name} {reason}"))


def validate_inputs(news: Mapping[str, Any], is_unknown: UnknownTest = _never_unknown) -> Validation:
    """Check program inputs against the table, filling in pushsmm's defaults.

    Makes no network calls. Unknown values (at preview) pass through untouched.
    """
    result = Validation(is_unknown=is_unknown)
    known = {f.name for f in FLOW_FIELDS} | {IMAGE_HASH_KEY, ADOPT_KEY, "__provider"}
    extra = {k for k, v in news.items() if v is not None} - known
    for name in sorted(extra):
        allowed = ", ".join(f.name for f in INPUT_FIELDS)
        result.fail(name, f"is not a Flow input; the inputs are: {allowed}")
    for f in INPUT_FIELDS:
        value = news.get(f.name)
        if value is None:
            if f.required:
                result.fail(f.name, f"is required ({f.kind.value}): {f.doc}")
                continue
            value = f.default
        value = f.coerce(value)
        result.inputs[f.name] = value
        if result.is_unknown(value):
            continue
        for reason in f.validate(value):
            result.fail(f.name, reason)
    _check_adopt_id(result, news.get(ADOPT_KEY))
    _check_wait_time(result)
    _check_buttons(result)
    _check_image(result)
    return result


def _known(result: Validation, name: str) -> Any:
    value = result.inputs.get(name)
    return None if value is None or result.is_unknown(value) else value


def _check_adopt_id(result: Validation, value: Any) -> None:
    if value is None or result.is_unknown(value):
        if value is not None:
            result.inputs[ADOPT_KEY] = value
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not _is_int(value) or value < 1:
        result.fail(ADOPT_KEY, f"must be the positive integer id of an existing flow, got {value!r}")
        return
    result.inputs[ADOPT_KEY] = value


def _check_wait_time(result: Validation) -> None:
    wait_time, unit = _known(result, "wait_time"), _known(result, "wait_time_type")
    if not _is_int(wait_time):
        return
    if unit in WAIT_TIME_MAX:
        if not 1 <= wait_time <= WAIT_TIME_MAX[unit]:
            result.fail("wait_time", f"must be between 1 and {WAIT_TIME_MAX[unit]} {unit}, got {wait_time}")
    elif wait_time < 1:
        limits = ", ".join(f"1-{m} {u}" for u, m in WAIT_TIME_MAX.items())
        result.fail("wait_time", f"must be at least 1 ({limits}), got {wait_time}")


def _check_buttons(result: Validation) -> None:
    for title, url in BUTTON_PAIRS:
        has_title, has_url = _known(result, title), _known(result, url)
        if result.is_unknown(result.inputs.get(title)) or result.is_unknown(result.inputs.get(url)):
            continue
        if has_title and not has_url:
            result.fail(url, f"is required when {title} is set (a button needs somewhere to go)")
        if has_url and not has_title:
            result.fail(title, f"is required when {url} is set (a button needs a label)")


def _check_image(result: Validation) -> None:
    path = _known(result, "image")
    if not isinstance(path, str):
        return
    if path == "":
        result.inputs[IMAGE_HASH_KEY] = ""
        return
    problem, digest = inspect_image(path)
    if problem:
        result.fail("image", problem)
    else:
        result.inputs[IMAGE_HASH_KEY] = digest


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


def inspect_image(path: str) -> tuple[str | None, str]:
    """Check an image file; return (problem, sha256 hex digest)."""
    allowed = ", ".join(IMAGE_EXTENSIONS)
    ext = image_extension(path)
    if ext not in IMAGE_EXTENSIONS:
        return f"must be a {allowed} file, got {path!r}", ""
    try:
        size = os.path.getsize(path)
        if size > IMAGE_MAX_BYTES:
            return f"must be at most 2 MB ({IMAGE_MAX_BYTES} bytes), {path!r} has {size} bytes", ""
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return f"file {path!r} does not exist", ""
    except OSError as exc:
        return f"file {path!r} cannot be read: {exc.strerror or exc}", ""
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


def coerce_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with each input's value in its program type (see :meth:`Field.coerce`)."""
    return {k: FIELDS_BY_NAME[k].coerce(v) if k in FIELDS_BY_NAME else v for k, v in props.items()}


# --- encoding and read-back ----------------------------------------------------------------------


def encode_form(inputs: Mapping[str, Any], names: list[str] | None = None, *, create: bool) -> dict[str, str]:
    """The multipart form values for ``names`` (default: every input) of ``inputs``.

    Images are files and are not included; see :func:`image_upload`.
    """
    form: dict[str, str] = {}
    for f in INPUT_FIELDS:
        if names is not None and f.name not in names:
            continue
        if f.encoding in (Encoding.FILE, Encoding.NONE):
            continue
        value = inputs.get(f.name, f.default)
        if value is None:
            continue
        if create and f.encoding is Encoding.FORM_OMIT_FALSE_ON_CREATE and not value:
            continue  # pushsmm sets these to 1 whenever they are sent on create
        form[f.name] = f.encode(value)
    return form


def image_upload(path: str) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of an image, for the multipart ``image`` part."""
    ext = image_extension(path)
    content_type = {"jpg": "image/jpeg", "svg": "image/svg+xml"}.get(ext, f"image/{ext}")
    with open(path, "rb") as handle:
        return os.path.basename(path), handle.read(), content_type


def _dig(obj: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = obj
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def read_back(api_flow: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Map an API flow object into (inputs, outputs-only) in program space.

    The image path is local and is not in the API object, so it is not among
    the inputs returned; the caller carries it over.
    """
    inputs: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for f in FLOW_FIELDS:
        if f.encoding is Encoding.FILE:
            continue
        raw = _dig(api_flow, f.read_path)
        if f.computed:
            computed[f.name] = raw
        else:
            inputs[f.name] = f.decode(raw)
    return inputs, computed


def stored_differences(sent: Mapping[str, Any], stored: Mapping[str, Any], names: list[str]) -> list[str]:
    """Fields whose value pushsmm stored differs from what was sent, described for an error."""
    problems = []
    for name in names:
        f = FIELDS_BY_NAME[name]
        if f.encoding is Encoding.FILE or name not in sent:
            continue
        if stored.get(name) != sent[name]:
            problems.append(f"{name}: sent {sent[name]!r}, pushsmm stored {stored.get(name)!r}")
    return problems


# --- docs ------------------------------------------------------------------------------------------


def markdown_reference() -> str:
    """The Flow field reference as a Markdown table, generated from the table."""
    lines = [
        "| field | type | required | allowed / limit | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in FLOW_FIELDS:
        if f.computed:
            kind, required = "output", "computed"
        else:
            kind, required = f.kind.value, "yes" if f.required else f"no (default {f.default!r})"
        limit = ", ".join(str(a) for a in f.allowed) if f.allowed else ""
        if f.max_length:
            limit = f"at most {f.max_length} characters"
        if f.name == "wait_time":
            limit = ", ".join(f"1-{m} {u}" for u, m in WAIT_TIME_MAX.items())
        lines.append(f"| `{f.name}` | {kind} | {required} | {html.escape(limit)} | {f.doc} |")
    return "\n".join(lines)
