"""Small shared names: the Flow type token, stack config keys and environment variables.

This module imports nothing but the standard library's ``re`` and ``typing``, so the
emulator, the policies and the docs generator can use these names without
loading the Pulumi SDK, grpc, requests or the provider.
"""

from __future__ import annotations

import re
from typing import Final

TYPE_TOKEN: Final = "pulumi-python:dynamic/pushsmm:Flow"
"""The type of every Flow in a Pulumi stack (a dynamic resource of module ``pushsmm``)."""

API_KEY_CONFIG: Final = "pushsmm:apiKey"
"""Stack config key of the pushsmm API key (set it with ``--secret``)."""

BASE_URL_CONFIG: Final = "pushsmm:baseUrl"
"""Stack config key of the API base URL."""

API_KEY_ENV: Final = "PUSHSMM_API_KEY"
"""Environment variable read when ``pushsmm:apiKey`` is not set."""

BASE_URL_ENV: Final = "PUSHSMM_BASE_URL"
"""Environment variable read when ``pushsmm:baseUrl`` is not set."""

DEFAULT_BASE_URL: Final = "https://pushsmm.com/api"
"""The real pushsmm API, used when neither the config key nor the variable is set."""

REQUESTS_PER_MINUTE_CONFIG: Final = "pushsmm:requestsPerMinute"
"""Stack config key of an optional client-side request budget, below pushsmm's own 60 a minute."""

REQUESTS_PER_MINUTE_ENV: Final = "PUSHSMM_REQUESTS_PER_MINUTE"
"""Environment variable read when ``pushsmm:requestsPerMinute`` is not set."""

LOG_ENV: Final = "PUSHSMM_LOG"
"""Environment variable that turns on the provider's per-request log (``debug``)."""

RETRY_TIMEOUT_CONFIG: Final = "pushsmm:retryTimeout"
"""Stack config key: seconds one Flow operation may spend retrying (all its requests together)."""

RETRY_TIMEOUT_ENV: Final = "PUSHSMM_RETRY_TIMEOUT"
"""Environment variable read when ``pushsmm:retryTimeout`` is not set."""

TRUST_NOT_FOUND_CONFIG: Final = "pushsmm:trustNotFound"
"""Stack config key: ``true`` counts a 404 as "deleted" when the key cannot be confirmed as the flow owner's."""

TRUST_NOT_FOUND_ENV: Final = "PUSHSMM_TRUST_NOT_FOUND"
"""Environment variable read when ``pushsmm:trustNotFound`` is not set."""

RATE_LIMIT_DIR_ENV: Final = "PUSHSMM_RATE_LIMIT_DIR"
"""Environment variable: the folder of the rate-limit budgets this machine's processes share, or ``off``."""

DEFAULT_RETRY_TIMEOUT: Final = 120.0
"""Seconds one Flow operation may spend retrying when neither the config key nor the variable is set."""


def slug(text: str) -> str:
    """A resource-name-friendly key: lower case, words joined by ``-`` (``"Welcome #1"`` -> ``welcome-1``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
