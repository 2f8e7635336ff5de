"""Small shared names: the Flow type token, stack config keys and environment variables.

This module imports nothing but the standard library (``difflib``, ``re``, ``typing``), so the
emulator, the policies and the docs generator can use these names without
loading the Pulumi SDK, grpc, requests or the provider.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import get_close_matches
from typing import Final

TYPE_TOKEN: Final = "pulumi-python:dynamic/pushsmm:Flow"
"""The type of every Flow in a Pulumi stack (a dynamic resource of module ``pushsmm``)."""

# The settings: each one's stack config key, and the environment variable read when that key is not set.
# pulumi_pushsmm.session.resolve_settings reads them all; README's "Configuration" says what each does.
API_KEY_CONFIG, API_KEY_ENV = "pushsmm:apiKey", "PUSHSMM_API_KEY"  # the API key (set it with --secret)
BASE_URL_CONFIG, BASE_URL_ENV = "pushsmm:baseUrl", "PUSHSMM_BASE_URL"  # the API's base URL
# An optional client-side request budget, below pushsmm's own 60 a minute:
REQUESTS_PER_MINUTE_CONFIG, REQUESTS_PER_MINUTE_ENV = "pushsmm:requestsPerMinute", "PUSHSMM_REQUESTS_PER_MINUTE"
# Seconds one Flow operation may spend retrying, all its requests together:
RETRY_TIMEOUT_CONFIG, RETRY_TIMEOUT_ENV = "pushsmm:retryTimeout", "PUSHSMM_RETRY_TIMEOUT"
# true: a 404 counts as "deleted" even when the key cannot be confirmed as the flow owner's:
TRUST_NOT_FOUND_CONFIG, TRUST_NOT_FOUND_ENV = "pushsmm:trustNotFound", "PUSHSMM_TRUST_NOT_FOUND"

LOG_ENV: Final = "PUSHSMM_LOG"
"""Environment variable that turns on the provider's per-request log (``debug``)."""

DEFAULT_BASE_URL: Final = "https://pushsmm.com/api"
"""The real pushsmm API, used when neither the config key nor the variable is set."""

RATE_LIMIT_DIR_ENV: Final = "PUSHSMM_RATE_LIMIT_DIR"
"""Environment variable: the folder of the rate-limit budgets this machine's processes share, or ``off``."""

DEFAULT_RETRY_TIMEOUT: Final = 120.0
"""Seconds one Flow operation may spend retrying when neither the config key nor the variable is set."""

DEFAULT_VIRTUALENV: Final = "venv"
"""The virtualenv of a generated project or policy pack, relative to its folder, as `pulumi new python` has it."""


def slug(text: str) -> str:
    """A resource-name-friendly key: lower case, words joined by ``-`` (``"Welcome #1"`` -> ``welcome-1``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean is_silent?)`` for the choice closest to a misspelled ``name``, or "" when none is close."""
    close = get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""
