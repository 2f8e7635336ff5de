"""The schema table checks itself, and everything public is derived from it."""

from __future__ import annotations

import dataclasses

import pytest

import pulumi_pushsmm
from pulumi_pushsmm import schema
from pulumi_pushsmm.flow import Flow, FlowArgs


def test_table_mistakes_fail_loudly() -> None:
    title = schema.FIELDS_BY_NAME["title"]
    with pytest.raises(AssertionError, match="duplicate"):
        schema._check_table((title, title, *schema.FLOW_FIELDS[1:]))
    with pytest.raises(AssertionError, match="both required and computed"):
        schema._check_table((dataclasses.replace(title, computed=True), *schema.FLOW_FIELDS))
    with pytest.raises(AssertionError, match="needs the server's default"):
        schema._check_table((dataclasses.replace(title, name="x", required=False, default=None),))


def test_flow_args_and_flow_outputs_match_the_table() -> None:
    inputs = {f.name for f in schema.INPUT_FIELDS}
    assert set(FlowArgs.__annotations__) == inputs
    assert set(FlowArgs.__required_keys__) == {f.name for f in schema.REQUIRED_FIELDS}
    annotated = set(Flow.__annotations__)
    assert annotated == {f.name for f in schema.FLOW_FIELDS} | {schema.IMAGE_HASH_KEY, schema.ADOPT_KEY}


def test_type_token() -> None:
    assert pulumi_pushsmm.TYPE_TOKEN == "pulumi-python:dynamic/pushsmm:Flow"
    assert Flow._resource_type_name == "dynamic/pushsmm:Flow"


def test_form_encoding_follows_the_table() -> None:
    inputs = schema.validate_inputs({"website_id": 1, "name": "n", "title": "t", "description": "d",
                                     "wait_time": 5, "wait_time_type": "minutes"}).inputs
    on_create = schema.encode_form(inputs, create=True)
    assert "is_silent" not in on_create and "is_auto_hide" not in on_create  # the create quirk
    assert on_create["is_enabled"] == "1" and on_create["ttl"] == "2419200" and on_create["website_id"] == "1"
    on_update = schema.encode_form(inputs, ["is_silent", "title"], create=False)
    assert on_update == {"title": "t", "is_silent": "0"}  # booleans explicit on update
    assert "image" not in schema.encode_form({**inputs, "image": "/x.png"}, create=True)


def test_docs_reference_lists_every_field() -> None:
    table = schema.markdown_reference()
    for f in schema.FLOW_FIELDS:
        assert f"`{f.name}`" in table
    assert "1-129600 minutes" in table and "2419200" in table


def test_readme_reference_is_generated_from_the_table() -> None:
    from scripts.gen_docs import README, render

    text = README.read_text()
    assert render(text) == text, "README's Flow reference is stale: run `make docs`"
