"""Flow property dicts for the policy unit tests."""

from __future__ import annotations

from typing import Any

from pulumi_pushsmm import schema
from pulumi_pushsmm.policies import FlowRecord


def flow(**overrides: Any) -> dict[str, Any]:
    """Props of a flow that every rule accepts, as check leaves them (defaults filled in), with ``overrides``."""
    props: dict[str, Any] = {f.name: f.default for f in schema.INPUT_FIELDS}
    props.update(
        website_id=1,
        name="Welcome",
        title="Welcome aboard!",
        description="Thanks for subscribing.",
        url="https://example.com/welcome",
        wait_time=10,
        wait_time_type="minutes",
        ttl=86400,
        utm_source="pushsmm",
        utm_medium="push",
        utm_campaign="welcome",
    )
    props.update(overrides)
    return props


def record(resource_name: str, **overrides: Any) -> FlowRecord:
    """A stack rule's view of one flow with URN name ``resource_name``, with ``overrides`` on :func:`flow`."""
    return FlowRecord(name=resource_name,
                      urn=f"urn:pulumi:test::proj::pulumi-python:dynamic/pushsmm:Flow::{resource_name}",
                      props=flow(**{"name": resource_name.title(), **overrides}))
