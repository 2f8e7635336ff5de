"""Every error this package raises, in one hierarchy under :class:`PushsmmError`.

The client raises the configuration, connection and API errors; the provider
adds :class:`FlowError`. This module imports nothing, so a program can catch
these without loading the HTTP stack.
"""

from __future__ import annotations


class PushsmmError(Exception):
    """Base of every error this package raises."""


class PushsmmConfigError(PushsmmError):
    """The client was given settings it cannot work with (no key, an unsafe URL)."""


class PushsmmConnectionError(PushsmmError):
    """The server could not be reached, or the connection broke before an answer came."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method, self.path, self.reason = method, path, reason
        super().__init__(f"pushsmm API {method} {path}: could not connect or the connection broke: {reason}")


class PushsmmApiError(PushsmmError):
    """pushsmm answered with an error: carries the HTTP status, the API's message, and the method and path."""

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        self.method, self.path, self.status, self.message = method, path, status, message
        super().__init__(f"pushsmm API {method} {path} failed with HTTP {status}: {message}")


class PushsmmNotFoundError(PushsmmApiError):
    """The id is unknown or belongs to another account (HTTP 404)."""


class FlowError(PushsmmError):
    """A Flow operation cannot go ahead (a bad website or segment id, or pushsmm rewrote a value)."""


__all__ = [
    "FlowError",
    "PushsmmApiError",
    "PushsmmConfigError",
    "PushsmmConnectionError",
    "PushsmmError",
    "PushsmmNotFoundError",
]
