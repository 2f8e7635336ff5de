"""How a failed Flow operation reaches the person running ``pulumi``: one clear message, no traceback.

The provider's methods are wrapped by :func:`user_facing`. An expected failure
(any :class:`PushsmmError`: an API error, bad settings, an unreachable host, a
spent retry budget) becomes one :class:`FlowOperationError` whose message says
what was attempted, on which flow or website, what went wrong, and what to do.
It is raised ``from None``, so no chained exception is printed with it. An
unexpected exception (a bug) keeps its traceback, inside the message, so it can
be reported.

The Pulumi SDK's dynamic provider host turns an exception into the error the
CLI prints, and how it does so depends on the SDK version:

- SDK 3.26x and later wrap each call in ``_abort_with_traceback``, which sends
  ``traceback.format_exc()``. :func:`install_error_formatting` sets
  ``sys.tracebacklimit = 0`` in that process (and only there), so the text is
  the exception's one line. Unexpected errors carry their own traceback text.
- Older SDKs (3.150 tested) let grpc answer ``Exception calling application:
  <message>`` on one line. grpc's own traceback log goes to a handler that
  discards it; a logging filter drops that record for our expected failures
  anyway, in case a program adds a handler.

Which case applies is decided by looking for ``_abort_with_traceback`` in the
host module rather than by a version number, so a release that changes it again
falls back to the old behaviour (a traceback, but still the clear message).
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any, Concatenate, Final, ParamSpec, TypeVar

from .errors import FlowOperationError, PushsmmError

HOST_MODULE: Final = "pulumi.dynamic.__main__"
"""The module the Pulumi SDK runs as the dynamic provider host (``python -m pulumi.dynamic``)."""

_GRPC_SERVER_LOGGER: Final = "grpc._server"

P = ParamSpec("P")
R = TypeVar("R")


def _where(action: str, args: tuple[Any, ...]) -> str:
    """'updating flow 12 (website 3)' or 'creating flow "Welcome" on website 3'."""
    props: dict[str, Any] = next((a for a in reversed(args) if isinstance(a, dict)), {})
    website = props.get("website_id")
    website_text = f"website {int(website)}" if isinstance(website, (int, float)) else "its website"
    flow_id = args[0] if args and isinstance(args[0], str) and args[0] else None
    if flow_id is not None:
        return f"{action} flow {flow_id} ({website_text})"
    name = props.get("name")
    named = f" {name!r}" if isinstance(name, str) else ""
    return f"{action} flow{named} on {website_text}"


def describe_failure(action: str, args: tuple[Any, ...], error: Exception) -> str:
    """One message: what was attempted, where, and the error's own words (which say what to do)."""
    return f"pushsmm: {_where(action, args)} failed: {error}"


def user_facing(action: str) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[Any, P], R]]:
    """Turn the provider method's failures into one readable :class:`FlowOperationError`."""

    def decorate(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
        def wrapper(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(self, *args, **kwargs)
            except FlowOperationError:
                raise
            except PushsmmError as exc:
                raise FlowOperationError(describe_failure(action, tuple(args), exc), exc) from None
            except Exception as exc:  # a bug: keep everything needed to report it
                details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=50))
                raise FlowOperationError(
                    f"pushsmm: {_where(action, tuple(args))} failed unexpectedly (a bug in pulumi-pushsmm; "
                    f"please report it with these details):\n{details}",
                    exc,
                ) from None

        functools.update_wrapper(wrapper, method)  # keeps the docstring the docs and help() show
        return wrapper

    return decorate


class _DropExpectedFailures(logging.Filter):
    """Keeps grpc from logging a traceback for failures whose message is already complete."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_type = record.exc_info[0] if record.exc_info else None
        return not (isinstance(exc_type, type) and issubclass(exc_type, FlowOperationError))


_installed = False


def running_in_provider_host() -> bool:
    """True inside the process the Pulumi SDK starts to run dynamic providers."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == HOST_MODULE


def install_error_formatting(*, force: bool = False) -> None:
    """Make the provider host print expected failures as their message alone (see the module docstring).

    Does nothing outside the provider host, so a test run or a Pulumi program keeps Python's usual
    tracebacks; ``force`` is for tests of this function.
    """
    global _installed
    if not force and (_installed or not running_in_provider_host()):
        return
    _installed = True
    main = sys.modules.get("__main__")
    if force or hasattr(main, "_abort_with_traceback"):
        # The host sends traceback.format_exc(); with no frames it is just "FlowOperationError: message".
        # Our own unexpected-error messages pass an explicit limit, so they keep their frames.
        sys.tracebacklimit = 0
    logging.getLogger(_GRPC_SERVER_LOGGER).addFilter(_DropExpectedFailures())
