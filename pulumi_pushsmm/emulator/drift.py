"""Drift: which stored flow fields the admin surface may overwrite behind the provider's back, and with what types.

An edit in pushsmm's own web UI changes stored values without the API's
cleaning or clamping. ``drifted_values`` turns such an edit into the columns to
store: top-level fields are replaced, ``settings`` (and ``settings.utm``) are
merged key by key, and only the types are checked.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, Final

from .cleaning import UTM_KEYS
from .exceptions import InvalidAdminRequest
from .records import Flow

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


def drifted_values(flow: Flow, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The columns to store for ``changes`` to ``flow``, as given but for their types (checked, never cleaned)."""
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
    return values


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
