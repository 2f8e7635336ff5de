"""Every error this package raises, in one hierarchy under :class:`PushsmmError`.

- Settings: :class:`PushsmmConfigError`.
- The HTTP client: :class:`PushsmmConnectionError`, :class:`PushsmmApiError`, :class:`PushsmmNotFoundError`.
- Flows: :class:`FlowError` (an operation cannot go ahead) and :class:`FlowOperationError` (what the
  provider reports to ``pulumi``, worded by :mod:`pulumi_pushsmm.reporting`).
- Commands: :class:`RecoveryError` (``pushsmm-pulumi recover``), :class:`AdoptError` (``import``),
  :class:`DeployError` (``preview``, ``up``, ``drift`` across stacks), :class:`ScaffoldError`
  (``pushsmm-policy-pack new``).
- Programs: :class:`LookupFailed` and :class:`SequenceError`.

The emulator's errors are not here: they are the twin's HTTP answers, and the twin shares no
code with the package it stands in for.

This module imports nothing, so a program or the HTTP client can catch these without loading
the Pulumi SDK. The two program errors are also ``pulumi.RunError``s, which Pulumi prints as
their message alone (no traceback); that base class lives in the SDK, so those two classes are
made on first use (module ``__getattr__``), when the program has the SDK loaded anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class PushsmmError(Exception):
    """Base of every error this package raises."""


class PushsmmConfigError(PushsmmError):
    """Settings that cannot be worked with (no key, an unsafe URL, a bad number)."""


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


class FlowOperationError(PushsmmError):
    """A Flow operation failed; the message says what, where, why and what to do.

    ``error`` is the original error (an API, connection, configuration or Flow error) for
    callers that want its fields; it is kept as an attribute, not as a chained cause, so
    it is not printed twice.
    """

    def __init__(self, message: str, error: Exception | None = None) -> None:
        super().__init__(message)
        self.error = error


# Shown by Python's traceback formatting as "FlowOperationError: <message>" rather than with the
# module path, because it is the line the user reads.
FlowOperationError.__module__ = "builtins"


class RecoveryError(PushsmmError):
    """``pushsmm-pulumi recover`` cannot go ahead (no pulumi, no stack, no key)."""


class AdoptError(PushsmmError):
    """``pushsmm-pulumi import`` cannot go ahead (nothing to import, a directory in the way, an image)."""


class DeployError(PushsmmError):
    """``pushsmm-pulumi preview``, ``up`` or ``drift`` cannot start (no project, an unknown stack, no pulumi)."""


class ScaffoldError(PushsmmError):
    """``pushsmm-policy-pack new`` cannot write the pack as asked; the message says why and what to do."""


if TYPE_CHECKING:
    from pulumi import RunError

    class LookupFailed(RunError, PushsmmError):
        """A lookup found none, or several where one was wanted, or could not ask pushsmm."""

    class SequenceError(RunError, PushsmmError, ValueError):
        """A FlowSequence step or delay is not valid; the message names the step and the field."""

else:
    _PROGRAM_ERRORS = {
        "LookupFailed": ("A lookup found none, or several where one was wanted, or could not ask pushsmm.", ()),
        "SequenceError": ("A FlowSequence step or delay is not valid; the message names the step and the field.",
                          (ValueError,)),
    }

    def __getattr__(name: str) -> Any:
        """Make a program error on first use, as a ``pulumi.RunError`` (see the module docstring)."""
        if name not in _PROGRAM_ERRORS:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from pulumi import RunError

        doc, extra_bases = _PROGRAM_ERRORS[name]
        made = type(name, (RunError, PushsmmError, *extra_bases), {"__doc__": doc, "__module__": __name__})
        globals()[name] = made
        return made


__all__ = [
    "AdoptError",
    "DeployError",
    "FlowError",
    "FlowOperationError",
    "LookupFailed",
    "PushsmmApiError",
    "PushsmmConfigError",
    "PushsmmConnectionError",
    "PushsmmError",
    "PushsmmNotFoundError",
    "RecoveryError",
    "ScaffoldError",
    "SequenceError",
]
