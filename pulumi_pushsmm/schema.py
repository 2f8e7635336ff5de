"""The one declarative table of Flow fields: records, kinds, defaults. Everything else reads it.

Each :class:`Field` is a record of flags and small named validators, in the
manner of the Terraform Plugin Framework. The table is checked on its own at
import time (:func:`_check_table`), so an author's mistake fails loudly and
separately from a user's bad input.

The table is read by four codecs, one job each (see docs/architecture.md):

- :mod:`pulumi_pushsmm.validation`: what is wrong with a program's inputs, in words that
  name the field and what is allowed (``check``);
- :mod:`pulumi_pushsmm.state`: what a flow keeps in the Pulumi state, and the one place
  where a default is filled in (:data:`~pulumi_pushsmm.state.STATE_DEFAULTS`);
- :mod:`pulumi_pushsmm.wire`: form fields out, API objects back in, and image files;
- ``scripts/gen_docs.py``: the typed ``flow.py`` and README's field reference.

This module knows nothing about HTTP or Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from .validators import IMAGE_EXTENSIONS as IMAGE_EXTENSIONS  # the image field's limits, with the others
from .validators import IMAGE_MAX_BYTES as IMAGE_MAX_BYTES
from .validators import (
    TYPE_VALIDATORS,
    CrossFieldRule,
    Described,
    HttpUrl,
    MaxLength,
    OneOf,
    RangeByUnit,
    RequiredWith,
    Validator,
    encodable,
    is_boolean,
    is_integer,
    is_string,
    no_control_characters,
    no_html,
    no_surrounding_whitespace,
    not_blank,
    positive,
    segment_value,
)

# --- value kinds -------------------------------------------------------------------------------


class Kind(Enum):
    """What a field's value is: its type in a Pulumi program, how it is read back, what it means.

    Every member is distinct (no aliases), so a check such as ``f.kind is Kind.URL``
    says exactly which fields it means.
    """

    TEXT = "text"
    UTM_TAG = "utm_tag"  # text appended to the landing URL as a utm_* parameter
    URL = "url"
    ENUM = "enum"  # a string out of OneOf's allowed values
    INT = "int"
    BOOL = "bool"
    SEGMENT = "segment"
    IMAGE = "image"

    @property
    def label(self) -> str:
        """The type as the docs and error messages name it."""
        return _KIND_LABELS[self]

    @property
    def is_text(self) -> bool:
        """The value is a string that pushsmm may HTML-escape (read-back unescapes it)."""
        return self in (Kind.TEXT, Kind.UTM_TAG, Kind.URL, Kind.ENUM)


_KIND_LABELS: Final = {
    Kind.TEXT: "string",
    Kind.UTM_TAG: "string",
    Kind.URL: "URL string",
    Kind.ENUM: "string",
    Kind.INT: "integer",
    Kind.BOOL: "boolean",
    Kind.SEGMENT: '"all" or an integer segment id',
    Kind.IMAGE: "path to a local image file",
}


class Encoding(Enum):
    """How an input field is sent in the multipart request."""

    FORM = "form"  # a plain form value
    FORM_OMIT_FALSE_ON_CREATE = "form, left out when false on create"  # the is_silent/is_auto_hide quirk
    FILE = "file upload"
    NONE = "not sent"


# --- limits taken from the real server ---------------------------------------------------------

TTL_VALUES: Final = (0, 900, 1800, 3600, 10800, 21600, 43200, 86400, 259200, 432000, 604800, 1209600, 2419200)
WAIT_TIME_TYPES: Final = ("minutes", "hours", "days")
WAIT_TIME_MAX: Final = {"minutes": 129600, "hours": 2160, "days": 90}
URGENCIES: Final = ("low", "normal", "high")
URL_MAX_LENGTH: Final = 512



# --- the field record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One Flow field.

    Flags (each meaning is written here once):

    - ``required``: the program must set it; check fails without it.
    - ``computed``: set by pushsmm only; it is an output and never an input.
    - ``nullable``: an output that pushsmm may leave null.
    - ``default``: what pushsmm stores when the field is left out. An input at its
      default is left out of the state too (:func:`compact`), and absent means the
      default wherever values are compared (:func:`expand`), so a read-back of the
      default never shows up as a diff.
    - ``kind``: what the value is (see :class:`Kind`).
    - ``validators``: small named checks of the value, each returning a reason or None.
      The allowed values and length limit are read from them (:attr:`allowed`,
      :attr:`max_length`, :attr:`limits`), never written again beside them.
    - ``rules``: cross-field rules reported on this field (it also needs another field).
    - ``encoding``: how it is sent in the multipart request.
    - ``read_path``: where the value sits in the API's flow object.
    - ``doc``: one line for the docs and for editors.
    """

    name: str
    kind: Kind
    doc: str
    required: bool = False
    computed: bool = False
    nullable: bool = False
    default: Any = None
    validators: tuple[Validator, ...] = ()
    rules: tuple[CrossFieldRule, ...] = ()
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

    @property
    def allowed(self) -> tuple[Any, ...]:
        """The allowed values, from the field's :class:`OneOf` validator; empty when any value of the type goes."""
        for validator in self.validators:
            if isinstance(validator, OneOf):
                return validator.allowed
        return ()

    @property
    def max_length(self) -> int | None:
        """The server's length limit, from the field's length validator."""
        for validator in self.validators:
            if isinstance(validator, MaxLength | HttpUrl):
                return validator.limit
        return None

    @property
    def limits(self) -> str:
        """What the validators and rules allow, in words, for docs: ``at most 64 characters``."""
        checks: tuple[object, ...] = (*self.validators, *self.rules)
        return "; ".join(c.describe() for c in checks if isinstance(c, Described))

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
                if validator in TYPE_VALIDATORS:
                    break
        return reasons

    def coerce(self, value: Any) -> Any:
        """Undo the wire's typing: Pulumi sends every number as a float, so 3.0 means 3 here."""
        if self.kind in (Kind.INT, Kind.SEGMENT) and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

def _text(
    name: str,
    limit: int,
    doc: str,
    *,
    kind: Kind = Kind.TEXT,
    required: bool = False,
    read_path: tuple[str, ...] = (),
    rules: tuple[CrossFieldRule, ...] = (),
) -> Field:
    validators: tuple[Validator, ...] = (is_string, encodable, no_control_characters, no_surrounding_whitespace,
                                         no_html, MaxLength(limit))
    if required:
        validators = (*validators, not_blank)
    return Field(name=name, kind=kind, doc=doc, required=required, default=None if required else "",
                 validators=validators, rules=rules, read_path=read_path or (name,))


def _url(name: str, doc: str, read_path: tuple[str, ...] = (), rules: tuple[CrossFieldRule, ...] = ()) -> Field:
    validators: tuple[Validator, ...] = (is_string, encodable, no_control_characters, HttpUrl(URL_MAX_LENGTH))
    return Field(name=name, kind=Kind.URL, doc=doc, default="", validators=validators, rules=rules,
                 read_path=read_path or (name,))


def _choice(name: str, doc: str, allowed: tuple[Any, ...], **flags: Any) -> Field:
    kind, type_check = (Kind.INT, is_integer) if all(type(a) is int for a in allowed) else (Kind.ENUM, is_string)
    return Field(name, kind, doc, validators=(type_check, OneOf(allowed)), **flags)


def _computed(name: str, kind: Kind, doc: str, *, nullable: bool = False) -> Field:
    return Field(name=name, kind=kind, doc=doc, computed=True, nullable=nullable, encoding=Encoding.NONE,
                 read_path=(name,))


_IMAGE_TYPES = f"{', '.join(IMAGE_EXTENSIONS[:-1])} or {IMAGE_EXTENSIONS[-1]}"
_IMAGE_MB = IMAGE_MAX_BYTES // 2**20
_LABEL = "a button needs a label"
_TARGET = "a button needs somewhere to go"

# --- the table -----------------------------------------------------------------------------------

FLOW_FIELDS: Final[tuple[Field, ...]] = (
    Field("website_id", Kind.INT, "Id of the website whose new subscribers get the flow.", required=True,
          validators=(is_integer, positive), read_path=("website_id",)),
    _text("name", 256, "Internal name of the flow.", required=True),
    _text("title", 64, "Title of the push notification.", required=True),
    _text("description", 128, "Body text of the push notification.", required=True),
    _url("url", "Landing URL opened on click (http or https)."),
    Field("image", Kind.IMAGE, f"Path to a local {_IMAGE_TYPES} file (at most {_IMAGE_MB} MB), uploaded.",
          default="", validators=(is_string,), encoding=Encoding.FILE),
    Field("wait_time", Kind.INT, "How long after subscribing the flow is sent, in wait_time_type units.",
          required=True, validators=(is_integer,), rules=(RangeByUnit("wait_time_type", WAIT_TIME_MAX),),
          read_path=("wait_time",)),
    _choice("wait_time_type", "Unit of wait_time.", WAIT_TIME_TYPES, required=True, read_path=("wait_time_type",)),
    _text("button_title_1", 16, "Title of the first button.", read_path=("settings", "button_title_1"),
          rules=(RequiredWith("button_url_1", _LABEL),)),
    _url("button_url_1", "URL of the first button.", read_path=("settings", "button_url_1"),
         rules=(RequiredWith("button_title_1", _TARGET),)),
    _text("button_title_2", 16, "Title of the second button.", read_path=("settings", "button_title_2"),
          rules=(RequiredWith("button_url_2", _LABEL),)),
    _url("button_url_2", "URL of the second button.", read_path=("settings", "button_url_2"),
         rules=(RequiredWith("button_title_2", _TARGET),)),
    Field("is_silent", Kind.BOOL, "Send without sound or vibration.", default=False, validators=(is_boolean,),
          encoding=Encoding.FORM_OMIT_FALSE_ON_CREATE, read_path=("settings", "is_silent")),
    Field("is_auto_hide", Kind.BOOL, "Hide the notification automatically.", default=False,
          validators=(is_boolean,), encoding=Encoding.FORM_OMIT_FALSE_ON_CREATE,
          read_path=("settings", "is_auto_hide")),
    _choice("ttl", "Seconds the push service keeps trying to deliver the notification.", TTL_VALUES,
            default=2419200, read_path=("settings", "ttl")),
    _choice("urgency", "Delivery urgency.", URGENCIES, default="normal", read_path=("settings", "urgency")),
    _text("utm_source", 128, "utm_source added to the landing URL.", kind=Kind.UTM_TAG,
          read_path=("settings", "utm", "source")),
    _text("utm_medium", 128, "utm_medium added to the landing URL.", kind=Kind.UTM_TAG,
          read_path=("settings", "utm", "medium")),
    _text("utm_campaign", 128, "utm_campaign added to the landing URL.", kind=Kind.UTM_TAG,
          read_path=("settings", "utm", "campaign")),
    Field("segment", Kind.SEGMENT, 'Subscribers the flow goes to: "all" or a segment id of the website.',
          default="all", validators=(segment_value,), read_path=("segment",)),
    Field("is_enabled", Kind.BOOL, "Whether the flow is sent.", default=True, validators=(is_boolean,),
          read_path=("is_enabled",)),
    _computed("user_id", Kind.INT, "Id of the pushsmm account that owns the flow."),
    _computed("image_url", Kind.URL, "URL of the uploaded image, or null.", nullable=True),
    _computed("total_sent_push_notifications", Kind.INT, "Notifications sent by this flow."),
    _computed("total_displayed_push_notifications", Kind.INT, "Notifications displayed."),
    _computed("total_clicked_push_notifications", Kind.INT, "Notifications clicked."),
    _computed("total_closed_push_notifications", Kind.INT, "Notifications closed."),
    _computed("last_sent_datetime", Kind.TEXT, "When the flow last sent a notification.", nullable=True),
    _computed("last_datetime", Kind.TEXT, "When the flow was last changed.", nullable=True),
    _computed("datetime", Kind.TEXT, "When the flow was created."),
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

ON_DELETE_KEY: Final = "on_delete"
"""Extra input: what removing the flow from the program (or ``destroy``) does in pushsmm."""
ON_DELETE_CHOICES: Final = ("delete", "disable")

ACCOUNT_BASE_URL_KEY: Final = "account_base_url"
ACCOUNT_API_KEY_KEY: Final = "account_api_key"
ACCOUNT_KEYS: Final = (ACCOUNT_BASE_URL_KEY, ACCOUNT_API_KEY_KEY)
"""Extra inputs of a flow given ``account=``: that account's base URL and key (a secret). Without them the
flow uses the stack's configuration."""

SETTINGS_KEYS: Final = (ON_DELETE_KEY, *ACCOUNT_KEYS)
"""The provider's own per-flow settings: recorded with the flow, never sent to pushsmm, so changing one is an
in-place change that makes no request for the flow."""

STATE_FIELDS: Final[tuple[Field, ...]] = (
    Field(IMAGE_HASH_KEY, Kind.TEXT, "SHA-256 of the image file's bytes as check last read them; new bytes at the "
          "same path are a change.", computed=True, default="", encoding=Encoding.NONE, read_path=(IMAGE_HASH_KEY,)),
    Field(ADOPT_KEY, Kind.INT, "Id of an existing flow to take over instead of creating one: the first `up` "
          "updates it to match the inputs and keeps its id. Once adopted, removing it changes nothing.",
          nullable=True, encoding=Encoding.NONE),
    _choice(ON_DELETE_KEY, 'What destroying the flow, or removing it from the program, does: "delete" (the '
            'default) deletes it in pushsmm; "disable" only sets is_enabled off, keeping its history and counters. '
            "Changing it sends no request.", ON_DELETE_CHOICES, nullable=True, default="delete",
            encoding=Encoding.NONE),
)
"""The provider's own state beside the pushsmm fields (not sent, not in the API object)."""

SEQUENCE_OWNED: Final = frozenset({"website_id", "wait_time", "wait_time_type"})
"""Inputs a FlowSequence sets itself: the website for every step, the wait from each step's delay."""
STEP_FIELDS: Final = (*(f for f in INPUT_FIELDS if f.name not in SEQUENCE_OWNED), STATE_FIELDS[2])
"""What a FlowSequence's step (or its defaults) may set: every other input, and ``on_delete``."""

INPUT_DEFAULTS: Final[Mapping[str, Any]] = {f.name: f.default for f in INPUT_FIELDS if f.optional}
"""What pushsmm stores for each optional input the program leaves out."""

STATE_DEFAULTS: Final[Mapping[str, Any]] = {
    **INPUT_DEFAULTS, **{f.name: f.default for f in STATE_FIELDS if f.default is not None}}
"""What an absent property of a flow's state means: each optional input's default, no image hash, and
``on_delete="delete"``. An account setting has none: absent means the stack's account."""


def with_defaults(values: Mapping[str, Any], defaults: Mapping[str, Any] = STATE_DEFAULTS) -> dict[str, Any]:
    """``values`` with every entry of ``defaults`` that is absent (or None) filled in.

    The one place a default is applied: the state codec expands what the engine hands the
    provider with it, and the wire codec fills in what an API object leaves out.
    """
    full = dict(values)
    for name, default in defaults.items():
        if full.get(name) is None:
            full[name] = default
    return full


BUTTON_PAIRS: Final = tuple(
    (f.name, rule.other) for f in INPUT_FIELDS for rule in f.rules
    if isinstance(rule, RequiredWith) and FIELDS_BY_NAME[rule.other].kind is Kind.URL
)
"""(title field, URL field) of each button: the text fields that need a URL field beside them."""


def _check_table(fields: tuple[Field, ...]) -> None:
    """Fail at import when the table contradicts itself (an author's mistake, not a user's)."""
    by_name = {f.name: f for f in fields}
    seen: set[str] = set()
    for f in fields:
        if f.name in seen:
            raise AssertionError(f"schema: duplicate field {f.name!r}")
        seen.add(f.name)
        if f.required and f.computed:
            raise AssertionError(f"schema: {f.name!r} is both required and computed")
        if f.required and f.default is not None:
            raise AssertionError(f"schema: required {f.name!r} cannot have a default")
        if f.computed and (f.validators or f.rules or f.encoding is not Encoding.NONE):
            raise AssertionError(f"schema: computed {f.name!r} cannot be validated or sent")
        if f.is_input and not f.validators:
            raise AssertionError(f"schema: input {f.name!r} has no validators")
        if f.encoding is not Encoding.FILE and not f.read_path:
            raise AssertionError(f"schema: {f.name!r} has no read_path")
        if f.optional and f.default is None:
            raise AssertionError(f"schema: optional {f.name!r} needs the server's default")
        if f.kind is Kind.ENUM and not f.allowed:
            raise AssertionError(f"schema: {f.name!r} is an enum without a OneOf validator")
        for rule in f.rules:
            missing = [o for o in rule.others if o not in by_name or by_name[o].computed]
            if missing:
                raise AssertionError(f"schema: a rule of {f.name!r} names {missing}, which are not inputs")
            if isinstance(rule, RangeByUnit) and set(rule.maxima) != set(by_name[rule.unit].allowed):
                raise AssertionError(f"schema: {f.name!r} has no range for some unit of {rule.unit!r}")


_check_table(FLOW_FIELDS)


