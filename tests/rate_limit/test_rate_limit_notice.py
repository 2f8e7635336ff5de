"""At the rate limit, a real `pulumi up` waits instead of getting 429s, and says so in Pulumi's output.

The emulator allows one request per window here, and its window is cut from
60 s to 5 s (the emulator runs in this test's process), so the provider has
to wait about 5 s before each request after the first: long enough to be
announced, short enough for CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_pushsmm import Flow
from pulumi_pushsmm.emulator import EmulatorServer, ratelimit
from tests.support import EmulatorAdmin, account_config, inline_stack

pytestmark = pytest.mark.engine

API_KEY = "rate-limit-notice-key-DO-NOT-LEAK"
WINDOW = 5


@pytest.fixture
def short_window_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    monkeypatch.setattr(ratelimit, "RATE_LIMIT_WINDOW_SECONDS", WINDOW)
    with EmulatorServer(api_keys=[API_KEY], rate_limit=1) as server:
        yield server


def test_a_wait_for_the_rate_limit_is_shown_and_no_request_is_refused(
    pulumi_bin_dir: Path, tmp_path: Path, short_window_emulator: EmulatorServer
) -> None:
    server = short_window_emulator
    site = int(server.accounts[0]["website_ids"][0])

    def program() -> None:
        for i in range(2):
            Flow(f"paced-{i}", website_id=site, name=f"Paced {i}", title="Paced", description="Waits its turn",
                 wait_time=i + 1, wait_time_type="days")

    stack = inline_stack(tmp_path, program, project="pushsmm-paced", config=account_config(server, API_KEY))
    printed: list[str] = []
    stack.up(on_output=printed.append, on_error=printed.append)
    log = EmulatorAdmin.of(server).requests()
    assert [entry["status"] for entry in log] == [200, 201, 201]  # the lookup, two creates: no 429
    text = "\n".join(printed)
    assert "pushsmm WARNING: pushsmm rate limit (the server's limit): waiting" in text
    assert API_KEY not in text
