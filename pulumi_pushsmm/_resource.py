"""The hand-written runtime behind the generated :mod:`pulumi_pushsmm.flow`: arguments in, properties out.

``flow.py`` is generated from the schema table and holds only declarations
(types, docstrings, properties); what a ``Flow(...)`` call does with its
arguments lives here, where it can be read and tested as ordinary code.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

import pulumi

from . import schema, state
from .account import Account
from .names import did_you_mean
from .provider import FlowProvider
from .validators import encodable

PROVIDER: Final = FlowProvider()
"""One provider object for every Flow: its pickle is then the same bytes in every resource's state."""

_INPUT_NAMES: Final = tuple(f.name for f in schema.INPUT_FIELDS)


def call_inputs(kind: str, args: tuple[Any, ...], kwargs: Mapping[str, Any],
                names: Sequence[str]) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """The inputs and options of a ``Flow`` or ``FlowSequence`` call, as generated SDKs take them.

    ``kind`` is the class's name. The inputs come either as one ``<kind>Args`` (positionally after
    the name, or as ``args=``) or as keyword arguments, never both; ``opts`` comes after the args or as
    ``opts=``. Names outside ``names`` are refused the same way in both forms, each with the closest
    valid one, so a misspelled key cannot silently drop a setting.
    """
    kwargs = dict(kwargs)
    opts = kwargs.pop("opts", None)
    positional = list(args)
    inputs = kwargs.pop("args", None)
    if inputs is None and positional and isinstance(positional[0], Mapping):
        inputs = positional.pop(0)
    if positional:
        if len(positional) > 1 or opts is not None:
            raise TypeError(f"{kind} takes (resource_name, args, opts): pass inputs as one {kind}Args or as keywords")
        opts = positional[0]
    if opts is not None and not isinstance(opts, pulumi.ResourceOptions):
        raise TypeError(f"opts must be a pulumi.ResourceOptions, not {type(opts).__name__}")
    if inputs is not None:
        if not isinstance(inputs, Mapping):
            raise TypeError(f"args must be a {kind}Args (a dict of inputs), not {type(inputs).__name__}")
        if kwargs:
            raise TypeError(f"{kind} takes a {kind}Args or keyword inputs, not both (got {sorted(kwargs)})")
        kwargs = dict(inputs)
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        named = ", ".join(name + did_you_mean(name, names) for name in unknown)
        raise TypeError(f"{kind} got unknown inputs: {named}; the inputs are {list(names)}")
    return kwargs, opts


def resource_props(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """The resource properties and options of a ``Flow(resource_name, *args, **kwargs)`` call (see :func:`call_inputs`).

    ``adopt_id``, ``on_delete`` and ``account`` are keywords beside the inputs, as in the generated signature.
    """
    kwargs = dict(kwargs)
    adopt_id = kwargs.pop(schema.ADOPT_KEY, None)
    on_delete = kwargs.pop(schema.ON_DELETE_KEY, None)
    account = kwargs.pop("account", None)
    inputs, opts = call_inputs("Flow", args, kwargs, _INPUT_NAMES)
    _refuse_unencodable(inputs)
    props: dict[str, Any] = {f.name: inputs.get(f.name) for f in schema.FLOW_FIELDS}
    props[schema.IMAGE_HASH_KEY] = None
    props[schema.ADOPT_KEY] = adopt_id
    props[schema.ON_DELETE_KEY] = on_delete
    props.update(account_props(account))
    return props, opts


def or_default(resource: pulumi.Resource, name: str) -> pulumi.Output[Any]:
    """Output ``name`` of a Flow, with its default where the state has none (the state leaves defaults out)."""
    default = state.default_of(name)
    value: pulumi.Output[Any] = pulumi.get(resource, name)
    return value.apply(lambda known: default if known is None else known)


def _refuse_unencodable(inputs: Mapping[str, Any]) -> None:
    """Refuse text the engine could not even receive (a lone surrogate), naming the field.

    Such a string fails in protobuf's serialization, before the provider's check could see
    it, with a traceback that names nothing. pulumi.RunError ends the program with just this
    message.
    """
    for name, value in inputs.items():
        problem = encodable(value) if isinstance(value, str) else None
        if problem:
            raise pulumi.RunError(f"Flow input {name} {problem}")


def account_props(account: Any) -> dict[str, Any]:
    """The inputs that record an explicit account with a flow: its base URL, and its key as a secret.

    Without an account there are none, and the flow uses the stack's configuration.
    """
    if account is None:
        return {}
    if not isinstance(account, Account):
        raise TypeError(f"account must be a pulumi_pushsmm.Account, not {type(account).__name__}")
    return {schema.ACCOUNT_BASE_URL_KEY: account.base_url, schema.ACCOUNT_API_KEY_KEY: account.secret_api_key}


@contextmanager
def sdk_pickler_unnested() -> Iterator[None]:
    """Around a dynamic ``Resource.__init__``: undo the pickler wrapper the Pulumi SDK leaves behind.

    ``pulumi.dynamic.serialize_provider`` (checked up to SDK 3.272) wraps
    ``pickle._Pickler._batch_setitems`` in a key-sorting wrapper every time it pickles a provider
    and never unwraps it. The wrappers nest, one per dynamic resource, so a program declaring
    about 980 of them dies with a RecursionError. The serialisation runs synchronously inside
    ``Resource.__init__``, so putting the method back once it returns keeps the depth at one.

    Guarded by the SDK's behaviour, not its version: the method is put back only when, after the
    call, it is a wrapper made inside ``pulumi.dynamic``'s ``serialize_provider``. An SDK that
    cleans up after itself (or sorts some other way) leaves nothing to undo, and this does nothing.
    """
    pickler: Any = pickle._Pickler  # the pure-Python pickler dill builds on
    before = pickler.__dict__.get("_batch_setitems")
    try:
        yield
    finally:
        after = pickler.__dict__.get("_batch_setitems")
        if before is not None and after is not before and _left_by_serialize_provider(after):
            pickler._batch_setitems = before


def _left_by_serialize_provider(method: Any) -> bool:
    """Whether ``method`` is the sorting wrapper ``pulumi.dynamic``'s ``serialize_provider`` defines."""
    return (getattr(method, "__module__", None) == "pulumi.dynamic.dynamic"
            and getattr(method, "__qualname__", "").startswith("serialize_provider.<locals>."))
