"""An emulator per test, and a provider configured against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import ConfigureRequest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider

KEY_A = "key-account-a-0001"
KEY_B = "key-account-b-0002"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator with two accounts and no rate limit."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=7) as server:
        yield server


def configured_provider(emulator: EmulatorServer, api_key: str = KEY_A) -> FlowProvider:
    """A provider as the engine would configure it from stack config."""
    provider = FlowProvider()
    config = Config({"pushsmm:apiKey": api_key, "pushsmm:baseUrl": emulator.base_url}, "test")
    provider.configure(ConfigureRequest(config))
    return provider


@pytest.fixture
def provider(emulator: EmulatorServer) -> FlowProvider:
    """A provider for account A."""
    return configured_provider(emulator)
