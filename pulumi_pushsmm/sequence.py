"""``FlowSequence``: an onboarding series of flows for one website, declared as one component resource.

Each step gives a readable delay (``"10m"``, ``"2h"``, ``"3d"``) and its own
fields; the sequence adds shared defaults and makes one child :class:`Flow`
per step, named from the step's key (never its position), so inserting a
step creates one flow and leaves the others alone::

    FlowSequence("onboarding", website_id=site.id,
                 defaults={"url": "https://example.com", "utm_source": "pushsmm"},
                 steps=[FlowStep("welcome", "10m", title="Welcome!", description="Thanks."),
                        FlowStep("tips", "1d", title="Tips", description="A short tour.")])

Mistakes in the series itself (a bad delay, delays out of order, a repeated
key, a field that is not a Flow input) stop the program at preview with a
message naming the step and the field. The typed inputs, :class:`FlowSequenceArgs` and
:class:`FlowStepFields`, are generated from the schema table (``sequence_args.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, Unpack, overload

import pulumi

from . import schema
from ._resource import call_inputs
from .account import Account
from .errors import SequenceError
from .flow import Flow
from .lookups import GetSegmentResult
from .names import did_you_mean
from .sequence_args import FlowSequenceArgs, FlowStepFields

SEQUENCE_TYPE: Final = "pushsmm:index:FlowSequence"

# Minutes in each wait_time_type, largest first: the first unit that divides a delay exactly is used.
_UNIT_MINUTES: Final = (("days", 24 * 60), ("hours", 60), ("minutes", 1))
_DELAY_UNITS: Final = {
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hour": 60, "hours": 60,
    "d": 24 * 60, "day": 24 * 60, "days": 24 * 60,
}
_DELAY_PART: Final = re.compile(r"\s*(\d+)\s*([a-z]+)\s*")
_KEY: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_STEP_FIELDS: Final = tuple(f.name for f in schema.STEP_FIELDS)
_SEQUENCE_INPUTS: Final = tuple(FlowSequenceArgs.__annotations__)
# The longest wait pushsmm allows, in minutes (90 days = 2160 hours = 129600 minutes).
_MAX_MINUTES: Final = schema.WAIT_TIME_MAX["minutes"]


class _HasId(Protocol):
    @property
    def id(self) -> Any: ...


def parse_delay(delay: str, where: str = "delay") -> int:
    """Minutes in a readable delay: ``"10m"``, ``"2h"``, ``"3d"``, ``"1d 12h"``, ``"90 minutes"``.

    ``where`` names the field in the error message.
    """
    allowed = 'a number and a unit (m, h or d), e.g. "10m", "2h", "3d" or "1d12h"'
    if not isinstance(delay, str) or not delay.strip():
        raise SequenceError(f"{where} must be {allowed}; got {delay!r}")
    text = delay.strip().lower()
    minutes, position = 0, 0
    for match in _DELAY_PART.finditer(text):
        if match.start() != position or match.group(2) not in _DELAY_UNITS:
            break
        minutes += int(match.group(1)) * _DELAY_UNITS[match.group(2)]
        position = match.end()
    if position != len(text) or position == 0:
        raise SequenceError(f"{where} must be {allowed}; got {delay!r}")
    if not 1 <= minutes <= _MAX_MINUTES:
        raise SequenceError(f"{where} must be between 1 minute and {_MAX_MINUTES // 1440} days; got {delay!r}")
    return minutes


def wait_of(minutes: int) -> tuple[int, str]:
    """``(wait_time, wait_time_type)`` for a delay in minutes, in the largest unit that divides it exactly."""
    for unit, size in _UNIT_MINUTES:
        if minutes % size == 0:
            return minutes // size, unit
    raise AssertionError("minutes always divide")  # pragma: no cover - the last unit is 1


@dataclass(init=False)
class FlowStep:
    """One step of a :class:`FlowSequence`.

    ``key`` names the step's child resource (``<sequence>-<key>``): keep it
    when editing the step, so its flow is updated rather than replaced.
    ``delay`` is how long after subscribing it is sent. ``fields`` are the
    step's own Flow inputs (``title``, ``description``, ``name``, ``image``,
    ...); they override the sequence's defaults. ``name`` defaults to the key.
    ``opts`` adds resource options to this step's flow only (e.g. aliases).
    """

    key: str
    delay: str
    fields: dict[str, Any] = field(default_factory=dict)
    opts: pulumi.ResourceOptions | None = None

    def __init__(self, key: str, delay: str, *, opts: pulumi.ResourceOptions | None = None,
                 **fields: Unpack[FlowStepFields]) -> None:
        self.key, self.delay, self.fields, self.opts = key, delay, dict(fields), opts


class FlowSequence(pulumi.ComponentResource):
    """An onboarding series: one child :class:`Flow` per step, for one website, with shared defaults.

    Call it as ``FlowSequence(name, FlowSequenceArgs(...), opts)`` or ``FlowSequence(name, opts=opts,
    **inputs)``. ``website_id`` is the website's id, or pass ``website`` (a result of
    :func:`pulumi_pushsmm.get_website`, or an Output of one). ``defaults`` are Flow inputs shared by
    every step (url, utm_*, segment, ttl, buttons, urgency, ``on_delete``, ...); ``segment`` there or
    in a step also takes a segment that :func:`pulumi_pushsmm.get_segment` (or its ``_output`` twin)
    found. ``steps`` run in order: their delays must strictly increase. ``account`` (an
    :class:`~pulumi_pushsmm.Account`) is passed to every child flow.

    ``flows`` holds the child flows by step key, in step order; ``ids`` is an
    Output of their pushsmm ids by step key.
    """

    flows: dict[str, Flow]
    ids: pulumi.Output[dict[str, str]]

    @overload
    def __init__(self, resource_name: str, args: FlowSequenceArgs, opts: pulumi.ResourceOptions | None = None, *,
                 account: Account | None = None) -> None: ...

    @overload
    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, *,
                 account: Account | None = None, **kwargs: Unpack[FlowSequenceArgs]) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Declare the series; see the class docstring. Errors name the step and field at fault."""
        account = kwargs.pop("account", None)
        inputs, opts = call_inputs("FlowSequence", args, kwargs, _SEQUENCE_INPUTS)
        if "steps" not in inputs:
            raise SequenceError(f"FlowSequence {resource_name!r}: steps is required: a list of FlowStep")
        plan = plan_steps(resource_name, inputs["steps"], inputs.get("defaults") or {})
        site = _website_id(resource_name, inputs.get("website_id"), inputs.get("website"))
        super().__init__(SEQUENCE_TYPE, resource_name, None, opts)
        self.flows = {}
        for step, step_inputs in plan:
            child_opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), step.opts)
            extra = {"account": account} if account is not None else {}
            self.flows[step.key] = Flow(f"{resource_name}-{step.key}", opts=child_opts, website_id=site,
                                        **extra, **step_inputs)
        self.ids = pulumi.Output.all(*(flow.id for flow in self.flows.values())).apply(
            lambda ids: dict(zip(self.flows, (str(i) for i in ids), strict=True)))
        self.register_outputs({"ids": self.ids})


def plan_steps(
    resource_name: str, steps: Sequence[FlowStep], defaults: Mapping[str, Any]
) -> list[tuple[FlowStep, dict[str, Any]]]:
    """Each step with the Flow inputs it becomes (defaults, then the step's fields, then its wait).

    Raises :class:`SequenceError` naming the step and field for anything wrong.
    """
    where = f"FlowSequence {resource_name!r}"
    _check_fields(f"{where}: defaults", defaults)
    if not steps:
        raise SequenceError(f"{where}: steps must list at least one FlowStep")
    planned: list[tuple[FlowStep, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    previous: tuple[int, str] | None = None
    for index, step in enumerate(steps):
        label = f"{where}: steps[{index}]"
        if not isinstance(step, FlowStep):
            raise SequenceError(f"{label} must be a FlowStep, got {type(step).__name__}")
        if not isinstance(step.key, str) or not _KEY.match(step.key):
            raise SequenceError(f"{label}.key must be 1-64 lower-case letters, digits and inner '-' "
                                f"(it names the step's flow), got {step.key!r}")
        if step.key in seen:
            raise SequenceError(f"{label}.key {step.key!r} is already the key of steps[{seen[step.key]}]; "
                                "keys must be unique")
        seen[step.key] = index
        label = f"{label} ({step.key!r})"
        minutes = parse_delay(step.delay, f"{label}.delay")
        if previous is not None and minutes <= previous[0]:
            raise SequenceError(f"{label}.delay {step.delay!r} must be later than the previous step's "
                                f"{previous[1]!r}: delays must strictly increase")
        previous = (minutes, step.delay)
        _check_fields(label, step.fields)
        wait_time, wait_time_type = wait_of(minutes)
        inputs = {"name": step.key, **defaults, **step.fields,
                  "wait_time": wait_time, "wait_time_type": wait_time_type}
        if "segment" in inputs:
            inputs["segment"] = _segment_id(inputs["segment"])
        planned.append((step, inputs))
    return planned


def _check_fields(label: str, values: Mapping[str, Any]) -> None:
    for name in values:
        if name in schema.SEQUENCE_OWNED:
            what = "the sequence's website" if name == "website_id" else "each step's delay"
            raise SequenceError(f"{label}: {name} is set by the sequence (from {what}); leave it out")
        if name not in _STEP_FIELDS:
            raise SequenceError(f"{label}: {name!r} is not a Flow input{did_you_mean(name, _STEP_FIELDS)}; "
                                "the allowed fields are "
                                + ", ".join(_STEP_FIELDS))


def _segment_id(segment: Any) -> Any:
    """A flow's ``segment`` from a step or the defaults: a looked-up segment (or an Output of one) gives its id."""
    if isinstance(segment, pulumi.Output):
        return segment.apply(_segment_id)
    return segment.id if isinstance(segment, GetSegmentResult) else segment


def _website_id(resource_name: str, website_id: pulumi.Input[int] | None,
                website: _HasId | pulumi.Output[Any] | None) -> pulumi.Input[int]:
    if (website_id is None) == (website is None):
        raise SequenceError(f"FlowSequence {resource_name!r}: give exactly one of website_id and website")
    if website_id is not None:
        return website_id
    if isinstance(website, pulumi.Output):
        return website.apply(lambda found: int(found.id))
    website_object: _HasId = website  # type: ignore[assignment]
    return int(website_object.id)
