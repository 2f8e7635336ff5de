"""The provider pickled into every Flow's state holds no key and no session, and is the same for every Flow."""

from __future__ import annotations

import base64
from typing import Any

import pulumi
import pytest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import ConfigureRequest, serialize_provider

from pulumi_pushsmm import flow as flow_module
from pulumi_pushsmm.provider import FlowProvider

pytestmark = pytest.mark.unit

SECRET = "sk-live-do-not-leak-4242"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.providers: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        provider = args.inputs["__provider"]
        # The SDK stores the pickled provider as a secret value.
        self.providers.append(provider["value"] if isinstance(provider, dict) else provider)
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def test_serialized_provider_is_small_and_has_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSHSMM_API_KEY", SECRET)
    provider = flow_module._PROVIDER
    provider.configure(ConfigureRequest(Config({"pushsmm:apiKey": SECRET}, "p")))
    _ = provider.session.client  # a live session exists in this process
    try:
        pickled = base64.b64decode(serialize_provider(provider))
        assert len(pickled) < 4096
        assert SECRET.encode() not in pickled
        assert b"Session" not in pickled and b"PushsmmClient" not in pickled
    finally:
        provider._config = provider._stack = None


@pulumi.runtime.test
def _declare_flows() -> None:
    from pulumi_pushsmm import Flow, FlowArgs

    Flow("a", FlowArgs(website_id=1, name="a", title="a", description="a", wait_time=1, wait_time_type="days"))
    Flow("b", website_id=2, name="b", title="b", description="b", wait_time=2, wait_time_type="hours")


def test_every_flow_carries_the_same_provider_bytes() -> None:
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    _declare_flows()
    assert len(mocks.providers) == 2
    assert mocks.providers[0] == mocks.providers[1]
    assert len(base64.b64decode(mocks.providers[0])) < 4096


def test_unpickled_provider_starts_unconfigured() -> None:
    provider = FlowProvider()
    provider.configure(ConfigureRequest(Config({"pushsmm:apiKey": SECRET}, "p")))
    import dill

    copy = dill.loads(dill.dumps(provider))
    assert copy._config is None and copy._stack is None
