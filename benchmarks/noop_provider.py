"""The benchmark's baseline: a dynamic resource whose provider does nothing, shaped like a Flow.

It lives in an importable module, as ``pulumi_pushsmm``'s provider does, so
both programs pay the same cost for pickling the provider and loading it in
the dynamic provider process. It registers the same property names a Flow
does (every field of the schema table, unset ones as None). The engine drops
the None values, while a Flow's check fills in every default and its outputs
add the server's fields (user id, date, counters), so a Flow carries about
0.8 KB more state per resource into every checkpoint. The difference between
the two is what the pushsmm provider itself costs: its imports, checks, HTTP
requests (and the emulator answering them, in its own process on the same
cores), state mapping, and that larger state.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

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
