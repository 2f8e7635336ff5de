"""The schema table checks itself, and everything public is derived from it."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pulumi
import pytest

import pulumi_pushsmm
from pulumi_pushsmm import schema, state, validation, wire
from pulumi_pushsmm.flow import Flow, FlowArgs
from pulumi_pushsmm.validators import RangeByUnit, RequiredWith
from scripts import gen_docs

pytestmark = pytest.mark.unit


def test_table_mistakes_fail_loudly() -> None:
    title = schema.FIELDS_BY_NAME["title"]
    with pytest.raises(AssertionError, match="duplicate"):
        schema._check_table((title, title, *schema.FLOW_FIELDS[1:]))
    with pytest.raises(AssertionError, match="both required and computed"):
        schema._check_table((dataclasses.replace(title, computed=True), *schema.FLOW_FIELDS))
    with pytest.raises(AssertionError, match="needs the server's default"):
        schema._check_table((dataclasses.replace(title, name="x", required=False, default=None),))


def test_cross_field_rules_must_name_inputs_of_the_table() -> None:
    title = schema.FIELDS_BY_NAME["title"]
    orphan = dataclasses.replace(title, rules=(RequiredWith("no_such_field", "why"),))
    with pytest.raises(AssertionError, match="no_such_field"):
        schema._check_table((orphan, *schema.FLOW_FIELDS[1:]))
    wait_time = schema.FIELDS_BY_NAME["wait_time"]
    short = dataclasses.replace(wait_time, rules=(RangeByUnit("wait_time_type", {"minutes": 5}),))
    with pytest.raises(AssertionError, match="no range for some unit"):
        schema._check_table(tuple(short if f is wait_time else f for f in schema.FLOW_FIELDS))


def test_kinds_have_no_aliases() -> None:
    assert len(schema.Kind) == len(schema.Kind.__members__)


def test_allowed_values_and_limits_come_from_the_validators() -> None:
    fields = schema.FIELDS_BY_NAME
    assert fields["ttl"].allowed == schema.TTL_VALUES
    assert fields["urgency"].allowed == schema.URGENCIES
    assert fields["title"].max_length == 64 and fields["url"].max_length == schema.URL_MAX_LENGTH
    assert fields["wait_time"].limits == "1-129600 minutes, 1-2160 hours, 1-90 days"
    assert fields["button_url_1"].limits == "at most 512 characters; required when button_title_1 is set"


def test_button_pairs_are_read_from_the_rules() -> None:
    assert schema.BUTTON_PAIRS == (("button_title_1", "button_url_1"), ("button_title_2", "button_url_2"))


def test_flow_args_and_flow_outputs_match_the_table() -> None:
    inputs = {f.name for f in schema.INPUT_FIELDS}
    assert set(FlowArgs.__annotations__) == inputs
    assert set(FlowArgs.__required_keys__) == {f.name for f in schema.REQUIRED_FIELDS}
    properties = {name for name, value in vars(Flow).items() if isinstance(value, property)}
    assert properties == {f.name for f in (*schema.FLOW_FIELDS, *schema.STATE_FIELDS)}


def test_type_token() -> None:
    assert pulumi_pushsmm.TYPE_TOKEN == "pulumi-python:dynamic/pushsmm:Flow"
    assert Flow._resource_type_name == "dynamic/pushsmm:Flow"


def test_form_encoding_follows_the_table() -> None:
    inputs = state.expand(validation.validate_inputs({"website_id": 1, "name": "n", "title": "t",
                                                      "description": "d", "wait_time": 5,
                                                      "wait_time_type": "minutes"}).inputs)
    on_create = wire.encode_form(inputs, create=True)
    assert "is_silent" not in on_create and "is_auto_hide" not in on_create  # the create quirk
    assert on_create["is_enabled"] == "1" and on_create["ttl"] == "2419200" and on_create["website_id"] == "1"
    on_update = wire.encode_form(inputs, ["is_silent", "title"], create=False)
    assert on_update == {"title": "t", "is_silent": "0"}  # booleans explicit on update
    assert "image" not in wire.encode_form({**inputs, "image": "/x.png"}, create=True)


def test_docs_reference_lists_every_field() -> None:
    table = gen_docs.markdown_reference()
    for f in schema.FLOW_FIELDS:
        assert f"`{f.name}`" in table
    assert "1-129600 minutes" in table and "2419200" in table


def test_generated_files_are_fresh() -> None:
    stale = [str(path.relative_to(gen_docs.ROOT)) for path in gen_docs.stale()]
    assert stale == [], f"{stale} are stale: run `make generate`"


def test_a_new_record_reaches_every_generated_file(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = schema.Field("subtitle", schema.Kind.TEXT, "A second line.", default="",
                         validators=(schema.is_string, schema.MaxLength(40)), read_path=("settings", "subtitle"))
    table = (*schema.FLOW_FIELDS, extra)
    schema._check_table(table)
    monkeypatch.setattr(gen_docs, "FLOW_FIELDS", table)
    monkeypatch.setattr(gen_docs, "INPUT_FIELDS", (*schema.INPUT_FIELDS, extra))
    monkeypatch.setattr(gen_docs, "STEP_FIELDS", (*schema.STEP_FIELDS, extra))
    module = gen_docs.flow_module()
    key = "subtitle: NotRequired[pulumi.Input[str]]\n    \"\"\"A second line. Default: ''. Allowed: at most 40"
    assert key in module
    # Declared once, in the optional inputs a sequence's steps and defaults take too.
    assert module.index(key) < module.index("class FlowArgs(FlowOptionalArgs")
    assert "class FlowStepFields(FlowOptionalArgs" in gen_docs.sequence_args_module()
    assert "def subtitle(self) -> pulumi.Output[str]:" in module
    assert "| `subtitle` | string | no (default '') | at most 40 characters | A second line. |" in (
        gen_docs.markdown_reference())


def test_help_shows_every_input_with_type_and_description() -> None:
    doc = inspect.getdoc(Flow.__init__) or ""
    args_doc = inspect.getdoc(FlowArgs) or ""
    for f in schema.INPUT_FIELDS:
        for text in (doc, args_doc):
            assert f":param pulumi.Input[{gen_docs.py_type(f)}] {f.name}: {f.doc}" in " ".join(text.split())


def test_outputs_are_typed_properties_with_docstrings() -> None:
    for f in (*schema.FLOW_FIELDS, *schema.STATE_FIELDS):
        prop = vars(Flow)[f.name]
        assert isinstance(prop, property) and prop.fget is not None
        assert " ".join((prop.__doc__ or "").split()) == f.doc
        assert typing.get_origin(inspect.signature(prop.fget).return_annotation) is pulumi.Output
