"""The benchmark's baselines: dynamic resources whose providers do nothing.

They live in an importable module, as ``pulumi_pushsmm``'s provider does, so
every program pays the same cost for pickling the provider and loading it in
the dynamic provider process. :class:`Noop` registers the same property names a
Flow does (every field of the schema table, unset ones as None); the engine
drops the None values, so its state is the inputs the program gives. A Flow's
outputs add the server's fields (user id, date, counters). The difference
between the two is what the pushsmm provider costs: its imports, checks, HTTP
requests (and the emulator answering them, in its own process on the same
cores), state mapping, and that larger state.

:class:`ShapedNoop` is the second baseline: a no-op that carries exactly a
Flow's state (check returns the inputs as a Flow's does, defaults left out, and
its outputs add placeholders of the same types for the server's fields), sends no
request and keeps nothing anywhere. Flow against it is what the provider's own
work costs (imports, requests, the emulator answering, mapping); it against
the plain no-op is what the engine spends on a Flow's larger state, mostly
the checkpoint it writes after every step.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from pulumi_pushsmm import schema, state, validation
from pulumi_pushsmm._resource import resource_props, sdk_pickler_unnested

_ids = itertools.count(1)
_ids_lock = threading.Lock()


class NoopProvider(ResourceProvider):
    """Stores nothing anywhere: create invents an id, read returns what the state holds."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        """A new id, the inputs as outputs."""
        with _ids_lock:
            return CreateResult(f"noop-{next(_ids)}-{id(props)}", props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changes when any input differs; every change is in place."""
        changed = any(olds.get(k) != v for k, v in news.items() if k != "__provider")
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """What the state holds."""
        return ReadResult(id_, props)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """The new inputs as outputs."""
        return UpdateResult(news)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete."""


class Noop(Resource):
    """A dynamic resource that exists only in the Pulumi state."""

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> None:
        props, _ = resource_props((), inputs)  # the same property names as a Flow's
        # As a Flow does: undo the SDK's nesting pickler wrapper, so neither side pays for that bug.
        with sdk_pickler_unnested():
            super().__init__(NoopProvider(), resource_name, props, opts)


def _placeholder(f: schema.Field) -> Any:
    """A value of a computed field's type and usual size; None (dropped by the engine, as pushsmm's nulls are)."""
    if f.nullable:
        return None
    return 0 if f.kind is schema.Kind.INT else "2026-01-01 00:00:00"


SERVER_FIELDS: dict[str, Any] = {f.name: _placeholder(f) for f in schema.OUTPUT_ONLY_FIELDS}
"""What a Flow's outputs add to its inputs: the server's fields, here as placeholders of the same types."""


class ShapedNoopProvider(NoopProvider):
    """A no-op whose state has a Flow's shape: the checked inputs (defaults left out), outputs with server fields."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The inputs as a Flow's check returns them (checked, defaults left out); no failures, no request."""
        checked = state.compact(validation.validate_inputs(news).inputs)
        return CheckResult({**checked, "__provider": news["__provider"]}, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """A new id; outputs are the inputs plus the server's fields, as a Flow's are."""
        created = super().create(props)
        return CreateResult(created.id, state.compact({**props, **SERVER_FIELDS}))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """The new inputs plus the server's fields."""
        return UpdateResult(state.compact({**news, **SERVER_FIELDS}))


class ShapedNoop(Resource):
    """A dynamic resource that exists only in the Pulumi state, with as much state as a Flow."""

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> None:
        props, _ = resource_props((), inputs)
        with sdk_pickler_unnested():
            super().__init__(ShapedNoopProvider(), resource_name, props, opts)
