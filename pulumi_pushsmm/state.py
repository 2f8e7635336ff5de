"""The state codec: what a flow keeps in the Pulumi state, and how the provider reads it back.

The engine writes the whole stack's state after every step, and what that costs grows with the
number of properties each resource holds: a Flow with every default spelled out held 53 of them,
and `up` or `destroy` of 100 flows spent a fifth of its time checkpointing the defaults (see
benchmarks/RESULTS.md). So check returns, and create, read and update record, an optional input
only when it differs from its default (:func:`compact`); an absent input means its default,
everywhere. The provider expands what the engine hands it before working on it (:func:`expand`),
and the typed outputs of a Flow fill the default back in (:func:`default_of`), so programs read
the same values as before.

Also here: the outputs recorded for an API flow (:func:`outputs`), which inputs and settings a
change touches (:func:`changed_keys`, :func:`changed_settings`), and which API flows match a set
of inputs (:func:`matching_flows`, for a lost create and for ``recover``). The provider, ``recover``
and ``import`` all use these; none of them maps a flow on its own. No HTTP, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from . import wire
from .schema import (
    ACCOUNT_KEYS,
    FIELDS_BY_NAME,
    IMAGE_HASH_KEY,
    INPUT_FIELDS,
    ON_DELETE_KEY,
    SETTINGS_KEYS,
    STATE_DEFAULTS,
    with_defaults,
)

DIFFED_KEYS: Final = (*(f.name for f in INPUT_FIELDS), IMAGE_HASH_KEY)
"""What diff compares: every input, plus the recorded hash of the image's bytes."""

STABLE_OUTPUTS: Final = ("user_id", "datetime")
"""Computed outputs that no update changes."""

UnknownTest = Callable[[Any], bool]


def _never_unknown(_value: Any) -> bool:
    return False


def coerce_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` with each input's value in its program type (see :meth:`~pulumi_pushsmm.schema.Field.coerce`)."""
    return {k: FIELDS_BY_NAME[k].coerce(v) if k in FIELDS_BY_NAME else v for k, v in props.items()}


def expand(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` in program types, every property of :data:`~pulumi_pushsmm.schema.STATE_DEFAULTS` filled in."""
    return with_defaults(coerce_inputs(props))


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the properties that equal their default (see :func:`expand`).

    Values not known yet (at preview) are kept, whatever they are; so are required inputs, the
    server's fields and the account settings.
    """
    return {key: value for key, value in values.items()
            if key not in STATE_DEFAULTS or not _same_value(value, STATE_DEFAULTS[key])}


def default_of(name: str) -> Any:
    """What an absent ``name`` in a flow's state means (None for a property without a default)."""
    return STATE_DEFAULTS.get(name)


def _same_value(value: Any, default: Any) -> bool:
    # True == 1 in Python, but not in the state: compare the types too.
    return type(value) is type(default) and value == default


def settings_of(props: Mapping[str, Any]) -> dict[str, Any]:
    """The provider's own per-flow settings recorded in ``props`` (only those that are set)."""
    return {key: props[key] for key in SETTINGS_KEYS if props.get(key) is not None}


def outputs(api_flow: Mapping[str, Any], local: Mapping[str, Any]) -> dict[str, Any]:
    """The one mapping from an API flow to a flow's outputs; the image path, its hash and the settings are local."""
    inputs, computed = wire.read_back(api_flow)
    has_image = bool(api_flow.get("image_url"))
    image = (local.get("image") or "") if has_image else ""
    image_hash = (local.get(IMAGE_HASH_KEY) or "") if has_image else ""
    return {**inputs, "image": image, IMAGE_HASH_KEY: image_hash, **computed, **settings_of(local)}


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: UnknownTest = _never_unknown,
                 ) -> list[str]:
    """The inputs (and image hash) whose value differs between two expanded sets of props."""
    return [key for key in DIFFED_KEYS if is_unknown(news.get(key)) or news.get(key) != olds.get(key)]


def changed_settings(olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: UnknownTest = _never_unknown,
                     ) -> list[str]:
    """The per-flow settings whose value differs; an unset one counts as its default."""
    olds, news = with_defaults(olds), with_defaults(news)
    return [key for key in SETTINGS_KEYS if is_unknown(news.get(key)) or news.get(key) != olds.get(key)]


def account_changed(changed: list[str]) -> bool:
    """Whether a flow's account settings (its base URL or key) are among the changed keys."""
    return any(key in ACCOUNT_KEYS for key in changed)


def disables_on_delete(props: Mapping[str, Any]) -> bool:
    """Whether deleting this flow should only switch it off (``on_delete="disable"``)."""
    return with_defaults(props).get(ON_DELETE_KEY) == "disable"


def matching_flows(candidates: list[dict[str, Any]], props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The API flows whose every input (but the local image path) equals those of the expanded ``props``."""
    wanted = {k: v for k, v in props.items() if k in FIELDS_BY_NAME and k != "image"
              and FIELDS_BY_NAME[k].is_input}
    matches = []
    for candidate in candidates:
        inputs, _ = wire.read_back(candidate)
        if int(candidate.get("website_id") or 0) == props.get("website_id") and all(
                inputs.get(k) == v for k, v in wanted.items()):
            matches.append(candidate)
    return matches
