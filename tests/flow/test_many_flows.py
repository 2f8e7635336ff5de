"""One program can declare more than 1000 Flows: the SDK's nesting pickler wrapper is undone after each."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
import pytest

from pulumi_pushsmm import Flow
from pulumi_pushsmm._resource import sdk_pickler_unnested

pytestmark = pytest.mark.unit

# More than the ~980 dynamic resources after which the unpatched SDK's wrappers exceed the recursion limit.
COUNT = 1100
INPUTS: dict[str, Any] = {"website_id": 1, "name": "n", "title": "t", "description": "d", "wait_time": 5,
                          "wait_time_type": "minutes"}


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def _batch_setitems() -> Any:
    return pickle._Pickler.__dict__["_batch_setitems"]  # type: ignore[attr-defined]


def test_more_than_a_thousand_flows_in_one_program_declare_without_recursion_error() -> None:
    pulumi.runtime.set_mocks(_Mocks(), preview=False)
    before = _batch_setitems()

    registered: list[list[str]] = []

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        flows = [Flow(f"flow-{i}", **INPUTS) for i in range(COUNT)]
        return pulumi.Output.all(flows[0].id, flows[-1].id).apply(registered.append)

    program()
    # Every Flow went through the SDK's provider serialisation and is registered, the last one too.
    assert registered == [["flow-0-id", f"flow-{COUNT - 1}-id"]]
    # The pickler is as it was: no wrapper left behind, so there is nothing to nest.
    assert _batch_setitems() is before


def test_the_guard_undoes_only_the_sdk_wrapper() -> None:
    before = _batch_setitems()

    def foreign(self: Any, items: Any) -> None:  # someone else's patch is not ours to undo
        before(self, items)

    with sdk_pickler_unnested():
        pickle._Pickler._batch_setitems = foreign  # type: ignore[attr-defined]
    try:
        assert _batch_setitems() is foreign
    finally:
        pickle._Pickler._batch_setitems = before  # type: ignore[attr-defined]
    with sdk_pickler_unnested():
        pass  # an SDK that leaves nothing behind: nothing is touched
    assert _batch_setitems() is before
