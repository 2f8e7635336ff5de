"""An emulator per test, and a provider configured against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider
from tests.support import KEY_A, KEY_B, configured_provider


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """A fresh emulator with two accounts and no rate limit."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=7) as server:
        yield server


@pytest.fixture
def provider(emulator: EmulatorServer) -> FlowProvider:
    """A provider for account A."""
    return configured_provider(emulator)
