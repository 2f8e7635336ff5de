"""The acceptance suite's targets: the real API when its variables are set, and the emulator in both modes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.live.target import LIVE, LIVE_SKIP_REASON, Target, live_target, remove_flows
from tests.support import DEFAULT_MODE, DOCUMENTED_ONLY

EMULATOR_KEY = "live-suite-key-NEVER-PRINTED"


@pytest.fixture(scope="module", params=[DEFAULT_MODE, DOCUMENTED_ONLY, LIVE])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """One target per module and mode; whatever the run made is deleted at the end, even after a failure."""
    if request.param == LIVE:
        live = live_target()
        if live is None:
            pytest.skip(LIVE_SKIP_REASON)
        try:
            yield live
        finally:
            remove_flows(live, live.prefix)
        return
    with EmulatorServer(api_keys=[EMULATOR_KEY], rate_limit=0,
                        documented_only=request.param == DOCUMENTED_ONLY) as server:
        emulated = Target(request.param, server.base_url, EMULATOR_KEY, int(server.accounts[0]["website_ids"][0]))
        try:
            yield emulated
        finally:
            remove_flows(emulated, emulated.prefix)
