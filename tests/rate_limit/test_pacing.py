"""The client paces its requests at the emulator's real rate limit: no 429s, no wait the limit does not force."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_pushsmm.client import PushsmmClient
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.transport import RateLimiter

pytestmark = pytest.mark.integration

KEY = "transport-key-5c1e-DO-NOT-LEAK"
START = 1_800_000_000.0


class SharedFakeTime:
    """One clock for the emulator and the limiter; only the limiter's sleeps move it.

    A sleep moves the clock to the time the sleeper was waiting for (the clock
    it last read, plus the wait), so threads waiting for the same reset
    together move it once, as real time would.
    """

    def __init__(self) -> None:
        self.now = START
        self.lock = threading.Lock()
        self.seen = threading.local()

    def clock(self) -> float:
        with self.lock:
            self.seen.now = self.now
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now = max(self.now, getattr(self.seen, "now", self.now) + seconds)

    @property
    def elapsed(self) -> float:
        return self.now - START


def test_150_requests_from_4_threads_at_60_a_minute_get_no_429_and_wait_only_what_the_limit_forces() -> None:
    fake = SharedFakeTime()
    with EmulatorServer(api_keys=[KEY], rate_limit=60, clock=fake.clock) as server:
        limiter = RateLimiter(clock=fake.clock, sleep=fake.sleep)
        client = PushsmmClient(server.base_url, KEY, limiter=limiter)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: client.list_websites(), range(150)))
        statuses = [entry["status"] for entry in server.request_log()]
    assert 429 not in statuses
    assert len(statuses) == 150, statuses
    # 150 requests need three windows: two waits of at most a window each, and not less than the limit forces.
    assert 2 * 59 <= fake.elapsed <= 2 * 61.5


def test_a_client_without_headers_from_the_server_never_waits() -> None:
    fake = SharedFakeTime()
    with EmulatorServer(api_keys=[KEY], rate_limit=0, clock=fake.clock) as server:
        client = PushsmmClient(server.base_url, KEY, limiter=RateLimiter(clock=fake.clock, sleep=fake.sleep))
        for _ in range(70):
            client.list_websites()
    assert fake.elapsed == 0
