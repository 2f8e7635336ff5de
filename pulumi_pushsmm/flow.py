"""The public ``Flow`` resource and its ``FlowArgs``, as a generated Pulumi SDK would offer them.

The field list is the schema table's (:mod:`pulumi_pushsmm.schema`). The
typed declarations below exist for type checkers and editors; a unit test
keeps them in step with the table.
"""

# No `from __future__ import annotations` here: TypedDict must see Required[...] at runtime.
from typing import Any, Final, Literal, NotRequired, Required, TypedDict, overload

import pulumi
from pulumi.dynamic import Resource
from typing_extensions import Unpack

from . import schema
from .names import TYPE_TOKEN
from .provider import FlowProvider

__all__ = ["TYPE_TOKEN", "Flow", "FlowArgs"]

# One provider object for every Flow: its pickle is then the same bytes in every resource's state.
_PROVIDER: Final = FlowProvider()


class FlowArgs(TypedDict, total=False):
    """The inputs of a :class:`Flow`, named as the pushsmm API names them."""

    website_id: Required[pulumi.Input[int]]
    name: Required[pulumi.Input[str]]
    title: Required[pulumi.Input[str]]
    description: Required[pulumi.Input[str]]
    wait_time: Required[pulumi.Input[int]]
    wait_time_type: Required[pulumi.Input[Literal["minutes", "hours", "days"]]]
    url: NotRequired[pulumi.Input[str]]
    image: NotRequired[pulumi.Input[str]]
    button_title_1: NotRequired[pulumi.Input[str]]
    button_url_1: NotRequired[pulumi.Input[str]]
    button_title_2: NotRequired[pulumi.Input[str]]
    button_url_2: NotRequired[pulumi.Input[str]]
    is_silent: NotRequired[pulumi.Input[bool]]
    is_auto_hide: NotRequired[pulumi.Input[bool]]
    ttl: NotRequired[pulumi.Input[int]]
    urgency: NotRequired[pulumi.Input[Literal["low", "normal", "high"]]]
    utm_source: NotRequired[pulumi.Input[str]]
    utm_medium: NotRequired[pulumi.Input[str]]
    utm_campaign: NotRequired[pulumi.Input[str]]
    segment: NotRequired[pulumi.Input[str | int]]
    is_enabled: NotRequired[pulumi.Input[bool]]


class Flow(Resource, module="pushsmm", name="Flow"):
    """One pushsmm flow: a push message sent to each new subscriber of a website a set time after they subscribe.

    Call it as ``Flow(name, FlowArgs(...), opts)`` or ``Flow(name, opts=opts, **inputs)``.
    """

    website_id: pulumi.Output[int]
    name: pulumi.Output[str]
    title: pulumi.Output[str]
    description: pulumi.Output[str]
    url: pulumi.Output[str]
    image: pulumi.Output[str]
    image_sha256: pulumi.Output[str]
    adopt_id: pulumi.Output[int | None]
    wait_time: pulumi.Output[int]
    wait_time_type: pulumi.Output[str]
    button_title_1: pulumi.Output[str]
    button_url_1: pulumi.Output[str]
    button_title_2: pulumi.Output[str]
    button_url_2: pulumi.Output[str]
    is_silent: pulumi.Output[bool]
    is_auto_hide: pulumi.Output[bool]
    ttl: pulumi.Output[int]
    urgency: pulumi.Output[str]
    utm_source: pulumi.Output[str]
    utm_medium: pulumi.Output[str]
    utm_campaign: pulumi.Output[str]
    segment: pulumi.Output[str | int]
    is_enabled: pulumi.Output[bool]
    user_id: pulumi.Output[int]
    image_url: pulumi.Output[str | None]
    total_sent_push_notifications: pulumi.Output[int]
    total_displayed_push_notifications: pulumi.Output[int]
    total_clicked_push_notifications: pulumi.Output[int]
    total_closed_push_notifications: pulumi.Output[int]
    last_sent_datetime: pulumi.Output[str | None]
    last_datetime: pulumi.Output[str | None]
    datetime: pulumi.Output[str]

    @overload
    def __init__(
        self,
        resource_name: str,
        args: FlowArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        adopt_id: pulumi.Input[int] | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        adopt_id: pulumi.Input[int] | None = None,
        **kwargs: Unpack[FlowArgs],
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        """Declare a flow. Inputs come as one FlowArgs or as keyword arguments, not both.

        ``adopt_id=<flow id>`` brings an existing flow under management instead of
        creating one: the first ``up`` updates it in place to match the inputs and
        keeps its id. (Pulumi's ``import_`` option does not work for dynamic
        providers.) Once adopted, the argument can stay or go; it changes nothing.
        """
        adopt_id = kwargs.pop("adopt_id", None)
        args_obj, opts = _split_args(args, kwargs)
        props: dict[str, Any] = {f.name: args_obj.get(f.name) for f in schema.FLOW_FIELDS}
        props[schema.IMAGE_HASH_KEY] = None
        props[schema.ADOPT_KEY] = adopt_id
        super().__init__(_PROVIDER, resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> "Flow":
        """Read an existing flow by its pushsmm id, without managing it."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return Flow(resource_name, FlowArgs(), merged)  # type: ignore[typeddict-item]


def _split_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    opts = kwargs.pop("opts", None)
    if args and isinstance(args[0], dict):
        if kwargs:
            raise TypeError(f"Flow takes a FlowArgs or keyword inputs, not both (got {sorted(kwargs)})")
        if len(args) > 1:
            opts = args[1]
        return dict(args[0]), opts
    if args:
        opts = args[0]
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"opts must be a pulumi.ResourceOptions, not {type(opts).__name__}")
    unknown = sorted(set(kwargs) - {f.name for f in schema.INPUT_FIELDS})
    if unknown:
        raise TypeError(f"Flow got unknown inputs {unknown}; the inputs are {[f.name for f in schema.INPUT_FIELDS]}")
    return kwargs, opts
