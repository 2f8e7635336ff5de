"""The provider's per-flow settings: the account a flow lives in, and what removing it does.

A flow given ``account=`` records that account's base URL and key (a secret)
among its inputs; every operation on the flow then uses a context of that
account, so refresh and destroy reach it in its own account, and the
ownership check before a 404 counts as "gone" runs with its own key. A flow
without them uses the stack's configured context.

``on_delete="disable"`` makes a delete switch the flow off instead.

These settings are never sent to pushsmm: changing one is an in-place change
that makes no request for the flow itself.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from . import schema

C = TypeVar("C")

_DEFAULTS: Final[Mapping[str, Any]] = {schema.ON_DELETE_KEY: "delete"}

_CONTEXTS: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


def settings_of(props: Mapping[str, Any]) -> dict[str, Any]:
    """The settings recorded in ``props`` (only those that are set)."""
    return {key: props[key] for key in schema.SETTINGS_KEYS if props.get(key) is not None}


def changed_settings(olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: Callable[[Any], bool]) -> list[str]:
    """The settings whose value differs; an unset one counts as its default."""
    changed = []
    for key in schema.SETTINGS_KEYS:
        default = _DEFAULTS.get(key)
        new, old = news.get(key, default), olds.get(key, default)
        new, old = default if new is None else new, default if old is None else old
        if is_unknown(new) or new != old:
            changed.append(key)
    return changed


def account_changed(changed: list[str]) -> bool:
    """Whether a flow's account settings (its base URL or key) are among the changed keys."""
    return any(key in schema.ACCOUNT_KEYS for key in changed)


def disables_on_delete(props: Mapping[str, Any]) -> bool:
    """Whether deleting this flow should only switch it off."""
    return props.get(schema.ON_DELETE_KEY) == "disable"


def context_for(props: Mapping[str, Any], default: C, make: Callable[[str, str], C],
                is_unknown: Callable[[Any], bool] = lambda _: False) -> C:
    """The context of the flow's own account, or ``default`` for a flow of the stack's account.

    Contexts are kept per account (base URL and a digest of the key) for the life of the
    process, so each account's cached lookups and rate limiter are shared by all its flows.
    """
    base_url, api_key = props.get(schema.ACCOUNT_BASE_URL_KEY), props.get(schema.ACCOUNT_API_KEY_KEY)
    if not base_url or not api_key or is_unknown(base_url) or is_unknown(api_key):
        return default  # (an account not known yet at preview: the stack's context checks what it can)
    ident = (str(base_url), hashlib.sha256(str(api_key).encode()).hexdigest())
    with _LOCK:
        context = _CONTEXTS.get(ident)
        if context is None:
            context = _CONTEXTS[ident] = make(str(base_url), str(api_key))
        found: C = context
        return found
