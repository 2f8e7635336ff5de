"""How Flow takes its inputs: one FlowArgs (positionally or as ``args=``) or keywords, unknown names refused."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_pushsmm import Flow, FlowArgs, schema
from pulumi_pushsmm._resource import resource_props
from tests.support import RecordingMocks, mypy_errors

pytestmark = pytest.mark.unit

INPUTS: dict[str, Any] = {"website_id": 1, "name": "n", "title": "t", "description": "d", "wait_time": 5,
                          "wait_time_type": "minutes"}


def test_a_misspelled_flow_args_key_is_refused_like_a_misspelled_keyword() -> None:
    with pytest.raises(TypeError) as as_keyword:
        resource_props((), {**INPUTS, "is_silnt": True})
    with pytest.raises(TypeError) as in_args:
        resource_props(({**INPUTS, "is_silnt": True},), {})
    with pytest.raises(TypeError) as as_args_keyword:
        resource_props((), {"args": {**INPUTS, "is_silnt": True}})
    assert str(as_keyword.value) == str(in_args.value) == str(as_args_keyword.value)
    assert str(in_args.value).startswith("Flow got unknown inputs: is_silnt (did you mean is_silent?); the inputs "
                                         "are ['website_id', ")
    with pytest.raises(TypeError, match=r"unknown inputs: colour, is_silnt \(did you mean is_silent\?\); the"):
        resource_props((), {**INPUTS, "is_silnt": True, "colour": "red"})


def test_args_as_a_keyword_gives_the_same_props_as_positionally() -> None:
    opts = pulumi.ResourceOptions(protect=True)
    positional = resource_props((FlowArgs(**INPUTS), opts), {})  # type: ignore[typeddict-item]
    keyword = resource_props((), {"args": FlowArgs(**INPUTS), "opts": opts})  # type: ignore[typeddict-item]
    keywords = resource_props((opts,), dict(INPUTS))
    assert positional == keyword == keywords
    props, got_opts = keyword
    assert got_opts is opts
    assert set(props) == {f.name for f in schema.FLOW_FIELDS} | {schema.IMAGE_HASH_KEY, schema.ADOPT_KEY,
                                                                 schema.ON_DELETE_KEY}


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((INPUTS,), {"title": "t"}, "not both"),
        ((), {"args": INPUTS, "title": "t"}, "not both"),
        (("not options",), INPUTS, "opts must be a pulumi.ResourceOptions"),
        ((), {"args": ["website_id"]}, "args must be a FlowArgs"),
        ((INPUTS, pulumi.ResourceOptions(), pulumi.ResourceOptions()), {}, "Flow takes"),
    ],
)
def test_mixed_or_malformed_arguments_are_refused(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        resource_props(args, dict(kwargs))


def test_flow_accepts_args_as_a_keyword_and_its_outputs_are_properties() -> None:
    mocks = RecordingMocks(user_id=7)
    pulumi.runtime.set_mocks(mocks, preview=False)
    seen: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        flow = Flow("by-keyword", args=FlowArgs(**INPUTS, is_silent=True))  # type: ignore[typeddict-item]
        return pulumi.Output.all(flow.title, flow.is_silent, flow.user_id).apply(lambda v: seen.update(v=v))

    program()
    assert seen["v"] == ["t", True, 7]
    assert mocks.inputs["by-keyword"]["is_silent"] is True


def test_mypy_refuses_a_misspelled_flow_args_key(tmp_path: Path) -> None:
    errors = mypy_errors(tmp_path, textwrap.dedent("""
        from pulumi_pushsmm import Flow, FlowArgs

        good = FlowArgs(website_id=1, name="n", title="t", description="d", wait_time=5, wait_time_type="days")
        Flow("good", good)
        Flow("kw", website_id=1, name="n", title="t", description="d", wait_time=5, wait_time_type="hours")
        bad = FlowArgs(website_id=1, name="n", title="t", description="d", wait_time=5, wait_time_type="days",
                       is_silnt=True)
        Flow("bad-unit", website_id=1, name="n", title="t", description="d", wait_time=5, wait_time_type="weeks")
    """))
    assert len(errors) == 2, errors
    assert errors[0].startswith("program.py:7:") and 'Extra key "is_silnt" for TypedDict "FlowArgs"' in errors[0]
    assert errors[1].startswith("program.py:9:") and 'No overload variant of "Flow"' in errors[1]
