"""Rate limiting: N requests per 60 s window per key, X-RateLimit-* headers, 429 over the limit."""

from __future__ import annotations

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A, KEY_B, NOT_FOUND, RATE_LIMITED, TIMEOUT, FakeClock, assert_error, get

pytestmark = pytest.mark.integration


def headers_of(response: requests.Response) -> tuple[int, int, int]:
    return (
        int(response.headers["X-RateLimit-Limit"]),
        int(response.headers["X-RateLimit-Remaining"]),
        int(response.headers["X-RateLimit-Reset"]),
    )


def test_the_limit_counts_down_then_429s_until_the_window_resets(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=3, clock=clock) as server:
        reset = int(clock.now) + 60
        seen = [headers_of(get(server, "/flows")) for _ in range(3)]
        assert seen == [(3, 2, reset), (3, 1, reset), (3, 0, reset)]
        clock.advance(59)
        over = get(server, "/flows")
        assert_error(over, 429, RATE_LIMITED)
        assert headers_of(over) == (3, 0, reset)
        assert get(server, "/flows", KEY_B).status_code == 200  # another key has its own window
        clock.advance(1)
        again = get(server, "/flows")
        assert again.status_code == 200 and headers_of(again) == (3, 2, reset + 60)


def test_every_api_response_carries_the_headers(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=60, clock=clock) as server:
        not_found = get(server, "/flows/424242")
        assert_error(not_found, 404, NOT_FOUND)
        assert headers_of(not_found) == (60, 59, int(clock.now) + 60)
        unknown = requests.get(f"{server.base_url}/nope", timeout=TIMEOUT)
        no_key = get(server, "/flows", key=None)
        for response in (unknown, no_key, get(server, "/flows", "bad-key")):
            assert headers_of(response) == (60, 60, int(clock.now) + 60)  # not tied to a key: a full window
        assert headers_of(get(server, "/flows")) == (60, 58, int(clock.now) + 60)


def test_the_default_is_60_a_minute_like_the_real_service(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], clock=clock) as server:
        statuses = [get(server, "/websites").status_code for _ in range(61)]
        assert statuses == [200] * 60 + [429]


def test_zero_switches_it_off(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0, clock=clock) as server:
        responses = [get(server, "/flows") for _ in range(70)]
        assert {r.status_code for r in responses} == {200}
        assert "X-RateLimit-Limit" not in responses[0].headers


def test_the_limit_can_change_at_run_time_over_the_admin_surface(clock: FakeClock) -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0, clock=clock) as server:
        assert requests.patch(f"{server.admin_url}/config", json={"rate_limit": 1}, timeout=TIMEOUT).ok
        assert get(server, "/flows").status_code == 200
        assert get(server, "/flows").status_code == 429
        server.configure(rate_limit=0)
        assert get(server, "/flows").status_code == 200
