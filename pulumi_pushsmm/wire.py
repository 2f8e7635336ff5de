"""The wire codec: a flow's inputs as the multipart form pushsmm takes, and its API object read back.

Driven by the field table (:mod:`pulumi_pushsmm.schema`): each field's ``encoding`` says how it
is sent and its ``read_path`` where it sits in the API's flow object. Also reads image files for
upload, with the same care as ``check``. Knows nothing about HTTP (the client sends what this
builds) or Pulumi.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

from .schema import FIELDS_BY_NAME, FLOW_FIELDS, INPUT_DEFAULTS, INPUT_FIELDS, Encoding, Field, Kind, with_defaults
from .validators import image_extension, read_image_file

# pushsmm stores these quotes HTML-escaped; read-back undoes exactly this.
_QUOTE_ENTITIES: Final = {"&#39;": "'", "&#039;": "'", "&#34;": '"', "&#034;": '"', "&quot;": '"'}


def encode(f: Field, value: Any) -> str:
    """The form value of ``value`` for field ``f``."""
    if f.kind is Kind.BOOL:
        return "1" if value else "0"
    return str(value)


def decode(f: Field, raw: Any) -> Any:
    """A value of the API's flow object in program space; None where the object has none (see :func:`read_back`)."""
    if raw is None or (raw == "" and f.kind in (Kind.INT, Kind.SEGMENT)):
        return "" if f.kind.is_text and f.required else None
    if f.kind is Kind.BOOL:
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true")
        return bool(raw)
    if f.kind is Kind.INT:
        return int(raw)
    if f.kind is Kind.SEGMENT:
        return "all" if raw == "all" else int(raw)
    if f.kind.is_text:
        return unescape_quotes(str(raw))
    return raw


def unescape_quotes(text: str) -> str:
    """Undo pushsmm's HTML escaping of ``'`` and ``"`` (and nothing else)."""
    for entity, char in _QUOTE_ENTITIES.items():
        text = text.replace(entity, char)
    return text


def encode_form(inputs: Mapping[str, Any], names: list[str] | None = None, *, create: bool) -> dict[str, str]:
    """The multipart form values for ``names`` (default: every input) of ``inputs``.

    ``inputs`` are expanded (every default filled in, see :func:`pulumi_pushsmm.state.expand`);
    one left out is not sent. Images are files and are not included; see :func:`image_upload`.
    """
    form: dict[str, str] = {}
    for f in INPUT_FIELDS:
        if names is not None and f.name not in names:
            continue
        if f.encoding in (Encoding.FILE, Encoding.NONE):
            continue
        value = inputs.get(f.name)
        if value is None:
            continue
        if create and f.encoding is Encoding.FORM_OMIT_FALSE_ON_CREATE and not value:
            continue  # pushsmm sets these to 1 whenever they are sent on create
        form[f.name] = encode(f, value)
    return form


def image_upload(path: str) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of an image, for the multipart ``image`` part.

    Read with the same care as at check (a regular file, size checked first): the file may
    have changed between preview and up.
    """
    ext = image_extension(path)
    content_type = {"jpg": "image/jpeg", "svg": "image/svg+xml"}.get(ext, f"image/{ext}")
    problem, data = read_image_file(path)
    if problem:
        raise ValueError(f"image {problem}")
    return os.path.basename(path), data, content_type


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
    the inputs returned; the caller carries it over. An input the object leaves
    out (or null) reads back as its default.
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
            inputs[f.name] = decode(f, raw)
    return with_defaults(inputs, INPUT_DEFAULTS), computed


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
