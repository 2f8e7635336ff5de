"""Fixtures of the emulator tests: a fresh server per test, and a clock tests can move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A, KEY_B, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A clock stopped at a fixed instant."""
    return FakeClock()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """A fresh in-memory emulator with two accounts (A, B) and no rate limit."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=0) as running:
        yield running


@pytest.fixture
def documented_server() -> Iterator[EmulatorServer]:
    """Like ``server``, but documented-only: just the Flows reference's endpoints, in its shapes."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=0, documented_only=True) as running:
        yield running
