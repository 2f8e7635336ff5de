"""Reading a Flow's property dict as every rule does: values not known yet, pushsmm's defaults, the send time.

A rule sees the Flow's inputs as a plain dict, with :data:`UNKNOWN` for a
value Pulumi does not know yet (another resource's output during a preview).
These helpers give a rule the value pushsmm would use, or None when it is not
known, so that a rule never flags a value it does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .. import state


class _Unknown:
    """The type of :data:`UNKNOWN`."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _Unknown()
"""Stands for a value Pulumi does not know yet, such as another resource's output during a preview."""

WAIT_UNIT_MINUTES: Final = {"minutes": 1, "hours": 60, "days": 1440}
"""Minutes in one unit of each ``wait_time_type``."""


def known(props: Mapping[str, Any], name: str) -> Any:
    """The value of input ``name``: pushsmm's default when absent, None when not known yet."""
    value = props.get(name)
    if value is UNKNOWN:
        return None
    if value is None:
        return state.default_of(name)
    return value


def is_unknown(props: Mapping[str, Any], name: str) -> bool:
    """Whether input ``name`` is not known yet."""
    return props.get(name) is UNKNOWN


def is_int(value: Any) -> bool:
    """Whether ``value`` is an integer (a bool is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def flow_label(resource: str) -> str:
    """How a message names a flow: ``Flow "<URN name>"``."""
    return f'Flow "{resource}"'


def send_minutes(props: Mapping[str, Any]) -> int | None:
    """Minutes after subscribing that the flow is sent (wait_time in wait_time_type units), or None if not known."""
    wait_time, unit = known(props, "wait_time"), known(props, "wait_time_type")
    if not is_int(wait_time) or unit not in WAIT_UNIT_MINUTES:
        return None
    return int(wait_time) * WAIT_UNIT_MINUTES[unit]
