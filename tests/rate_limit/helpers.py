"""What the rate-limit tests share: a clock that moves only when someone sleeps, and a server that counts windows."""

from __future__ import annotations

import threading
import time

from pulumi_pushsmm.transport import RateLimiter

START = 1_800_000_000.0
"""A Unix time, as pushsmm's X-RateLimit-Reset is one."""


class FakeTime:
    """A clock that only moves when someone sleeps on it (thread-safe)."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def headers(remaining: int, reset: float, limit: int = 60) -> dict[str, str]:
    """An answer's rate-limit headers."""
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(reset)}


class WindowServer:
    """pushsmm's fixed window on ``fake``'s clock: counts every request, and those sent over the limit.

    ``latency`` is real seconds between the server counting a request and its answer reaching the client.
    """

    def __init__(self, fake: FakeTime, limit: int = 60, latency: float = 0.0) -> None:
        self.fake, self.limit, self.latency = fake, limit, latency
        self.start, self.used, self.over, self.served = fake.now, 0, 0, 0
        self._lock = threading.Lock()

    def serve(self, limiter: RateLimiter) -> None:
        """One request that ``limiter`` let through: counted in the window, answered with the window's headers."""
        with self._lock:
            now = self.fake.clock()
            if now >= self.start + 60:
                self.start, self.used = now, 0
            self.used += 1
            self.served += 1
            if self.used > self.limit:
                self.over += 1
            answer = headers(max(self.limit - self.used, 0), self.start + 60, self.limit)
        if self.latency:
            time.sleep(self.latency)  # counted, not yet answered: what other clients cannot know about
        limiter.observe(answer)

    def run(self, limiters: list[RateLimiter], threads_each: int, requests_each: int) -> None:
        """``threads_each`` threads per limiter, each sending ``requests_each`` requests through it."""

        def worker(limiter: RateLimiter) -> None:
            for _ in range(requests_each):
                limiter.acquire()
                self.serve(limiter)

        threads = [threading.Thread(target=worker, args=(lim,)) for lim in limiters for _ in range(threads_each)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
