"""Each setting checked on its own, without the HTTP stack: base URL, pacing, log level.

:func:`pulumi_pushsmm.session.resolve_settings` decides where each value comes from; this
module only says whether a value is acceptable.

A no-change ``pulumi preview`` configures the provider and checks every flow but sends no
request, so nothing on that path may import ``requests`` (about 6 MiB and 50 ms per process).
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Any
from urllib.parse import urlsplit

from .errors import PushsmmConfigError
from .names import DEFAULT_BASE_URL, LOG_ENV, REQUESTS_PER_MINUTE_CONFIG, REQUESTS_PER_MINUTE_ENV


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses, where plain http cannot leak the key."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """Return the base URL without a trailing slash, or refuse one that would send the key in clear text."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushsmmConfigError(
            f"pushsmm base URL must be an http(s) URL such as {DEFAULT_BASE_URL}, got {base_url!r}"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise PushsmmConfigError(
            f"pushsmm base URL {base_url!r} uses plain http: the API key would travel in clear text. "
            "Use https://, or http:// only for a loopback host such as 127.0.0.1 (the local emulator)."
        )
    return base_url.rstrip("/")


def requests_per_minute_setting(value: Any) -> int | None:
    """A ``requestsPerMinute`` setting as a whole number >= 1, or None when unset; a clear error otherwise."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise PushsmmConfigError(
            f"pushsmm requestsPerMinute ({REQUESTS_PER_MINUTE_CONFIG} in the stack config, or "
            f"{REQUESTS_PER_MINUTE_ENV}) must be a whole number of at least 1 (pushsmm allows 60), got {value!r}"
        )
    return number


def rate_limit_dir_setting(value: str | None, default: str) -> str | None:
    """A ``PUSHSMM_RATE_LIMIT_DIR`` value: the shared budgets' folder, ``default`` when unset, None for ``off``."""
    folder = (value or "").strip()
    if folder.lower() == "off":
        return None
    return folder or default


_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def flag_setting(value: Any, name: str) -> bool:
    """A true/false setting (``true``, ``false``, ``1``, ``0``, ``yes``, ``no``; unset is false)."""
    if value is None or value == "" or isinstance(value, bool):
        return bool(value)
    flag = _FLAGS.get(str(value).strip().lower())
    if flag is None:
        raise PushsmmConfigError(f"{name} must be true or false, got {value!r}")
    return flag


_LOG_LEVELS = {"": logging.WARNING, "debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}

_handler: logging.Handler | None = None


def log_level_setting(value: str | None) -> str:
    """A ``PUSHSMM_LOG`` value, normalized; an unknown one is refused, naming the allowed ones."""
    level = (value or "").strip().lower()
    if level not in _LOG_LEVELS:
        raise PushsmmConfigError(f"{LOG_ENV} must be one of debug, info, warning (or unset), got {value!r}")
    return level


def configure_logging(level: str = "") -> None:
    """Send this package's log to stderr: rate-limit waits always, every request with ``PUSHSMM_LOG=debug``.

    ``level`` is a :func:`log_level_setting` (the session's settings carry it). Meant for the
    process that runs the provider: the Pulumi engine shows each line a dynamic provider writes
    to stderr in its output. Safe to call more than once.
    """
    global _handler
    package_logger = logging.getLogger("pulumi_pushsmm")
    package_logger.setLevel(_LOG_LEVELS[log_level_setting(level)])
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(logging.Formatter("pushsmm %(levelname)s: %(message)s"))
        package_logger.addHandler(_handler)
