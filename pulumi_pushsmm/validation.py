"""Validation of a whole set of Flow inputs, as ``check`` sees them: every problem, each naming its field.

The per-value checks are the table's validators (:mod:`pulumi_pushsmm.validators`); this
module runs them over a program's inputs, adds the cross-field rules and the provider's own
inputs (``adopt_id``, ``on_delete``, ``account=``), and reads the image file once to record
its hash. It makes no network calls and knows nothing about HTTP or Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .names import did_you_mean
from .schema import (
    ADOPT_KEY,
    FLOW_FIELDS,
    IMAGE_HASH_KEY,
    INPUT_FIELDS,
    ON_DELETE_CHOICES,
    ON_DELETE_KEY,
    SETTINGS_KEYS,
)
from .validators import UnknownTest, inspect_image, is_integer


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
    """Check program inputs against the table; ``inputs`` holds those set, each in its program type.

    An optional input that is not set is left out (it means its default: see
    :func:`pulumi_pushsmm.state.expand`). Makes no network calls. Unknown values
    (at preview) pass through untouched.
    """
    result = Validation(is_unknown=is_unknown)
    known = {f.name for f in FLOW_FIELDS} | {IMAGE_HASH_KEY, ADOPT_KEY, *SETTINGS_KEYS, "__provider"}
    extra = {k for k, v in news.items() if v is not None} - known
    for name in sorted(extra):
        allowed = ", ".join(f.name for f in INPUT_FIELDS)
        result.fail(name, f"is not a Flow input{did_you_mean(name, (f.name for f in INPUT_FIELDS))}; "
                          f"the inputs are: {allowed}")
    for f in INPUT_FIELDS:
        value = news.get(f.name)
        if value is None:
            if f.required:
                result.fail(f.name, f"is required ({f.kind.label}): {f.doc}")
            continue
        value = f.coerce(value)
        result.inputs[f.name] = value
        if result.is_unknown(value):
            continue
        for reason in f.validate(value):
            result.fail(f.name, reason)
    _check_adopt_id(result, news.get(ADOPT_KEY))
    _check_settings(result, news)
    for f in INPUT_FIELDS:
        for rule in f.rules:
            problem = rule.check(result.inputs.get(f.name), result.inputs, result.is_unknown)
            if problem:
                result.fail(f.name, problem)
    _check_image(result)
    return result


def _check_adopt_id(result: Validation, value: Any) -> None:
    if value is None or result.is_unknown(value):
        if value is not None:
            result.inputs[ADOPT_KEY] = value
        return
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if is_integer(value) is not None or value < 1:
        result.fail(ADOPT_KEY, f"must be the positive integer id of an existing flow, got {value!r}")
        return
    result.inputs[ADOPT_KEY] = value


def _check_settings(result: Validation, news: Mapping[str, Any]) -> None:
    """Keep the per-flow settings that are set; an unset one means the default (delete, the stack's account)."""
    on_delete = news.get(ON_DELETE_KEY)
    if on_delete is not None and not result.is_unknown(on_delete) and on_delete not in ON_DELETE_CHOICES:
        allowed = ", ".join(f'"{c}"' for c in ON_DELETE_CHOICES)
        result.fail(ON_DELETE_KEY, f"must be one of {allowed}, got {on_delete!r}")
    for key in SETTINGS_KEYS:
        if news.get(key) is not None:
            result.inputs[key] = news[key]


def _check_image(result: Validation) -> None:
    path = result.inputs.get("image")
    if not isinstance(path, str) or result.is_unknown(path):
        return  # not known yet, or already refused by the type check
    if path == "":
        result.inputs[IMAGE_HASH_KEY] = ""
        return
    problem, digest = inspect_image(path)
    if problem:
        result.fail("image", problem)
    else:
        result.inputs[IMAGE_HASH_KEY] = digest
