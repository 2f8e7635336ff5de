"""The rate limiter's rules, on an injected clock: nothing here sleeps for real."""

from __future__ import annotations

import logging
import threading

import pytest

from pulumi_pushsmm.configuration import requests_per_minute_setting
from pulumi_pushsmm.errors import PushsmmConfigError
from pulumi_pushsmm.session import resolve_settings, session_for
from pulumi_pushsmm.transport import NOTICE_SECONDS, RateLimiter
from tests.rate_limit.helpers import START, FakeTime, WindowServer, headers

pytestmark = pytest.mark.unit

NO_SHARING = {"PUSHSMM_RATE_LIMIT_DIR": "off"}  # no budget file in the user's cache


def limiter(fake: FakeTime, rpm: int | None = None, notices: list[tuple[float, str]] | None = None) -> RateLimiter:
    return RateLimiter(rpm, clock=fake.clock, sleep=fake.sleep,
                       notify=lambda s, why: notices.append((s, why)) if notices is not None else None)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def lim(fake: FakeTime) -> RateLimiter:
    """A limiter with no requests-per-minute budget, on ``fake``'s clock."""
    return limiter(fake)


def test_no_headers_and_no_budget_never_waits(fake: FakeTime, lim: RateLimiter) -> None:
    for _ in range(500):
        lim.acquire()
        lim.observe({})
    assert fake.sleeps == [] and lim.remaining() is None


def test_waits_for_the_reset_when_the_server_window_is_used_up(fake: FakeTime, lim: RateLimiter) -> None:
    reset = START + 40
    for remaining in (2, 1, 0):
        lim.acquire()
        lim.observe(headers(remaining, reset))
    assert fake.sleeps == []
    lim.acquire()  # the fourth request must wait for the new window
    assert fake.sleeps == [pytest.approx(40.1)]
    assert fake.now >= reset


def test_requests_still_unanswered_count_as_spent(fake: FakeTime, lim: RateLimiter) -> None:
    """Three in flight after a report of 3 remaining: the fourth waits, with no answer in between."""
    lim.acquire()
    lim.observe(headers(3, START + 10))
    for _ in range(3):
        lim.acquire()
    assert fake.sleeps == []
    lim.acquire()
    assert fake.sleeps == [pytest.approx(10.1)]


def test_the_lowest_count_of_the_window_wins_whatever_the_order_of_answers(fake: FakeTime, lim: RateLimiter) -> None:
    """The server counted b before a, but a's answer comes last: the count must not go back up."""
    lim.acquire()
    lim.acquire()
    lim.observe(headers(0, START + 5))
    lim.observe(headers(1, START + 5))
    assert lim.remaining() == 0
    lim.acquire()
    assert fake.sleeps == [pytest.approx(5.1)]


def test_a_request_that_failed_without_an_answer_is_no_longer_in_flight(fake: FakeTime, lim: RateLimiter) -> None:
    lim.acquire()
    lim.observe(headers(2, START + 5))
    lim.acquire()
    lim.observe(None)
    assert lim.remaining() == 2


@pytest.mark.parametrize(("left_in_new_window", "stale_remaining", "stale_reset"), [
    pytest.param(1, 58, START + 10, id="its-reset-is-past"),
    # pushsmm may round the reset up: an old window's answer can still name a reset in the future.
    pytest.param(58, 2, START + 11, id="its-reset-rounded-up-is-still-ahead"),
])
def test_a_late_answer_from_the_previous_window_is_ignored(left_in_new_window: int, stale_remaining: int,
                                                           stale_reset: float, fake: FakeTime,
                                                           lim: RateLimiter) -> None:
    """A request of the old window answered after the reset must not undo what the new window said."""
    lim.acquire()  # answered late, below
    lim.acquire()
    lim.observe(headers(0, START + 10))
    lim.acquire()  # waits for the reset, START + 10.1
    lim.observe(headers(left_in_new_window, fake.now + 60))  # the new window
    lim.observe(headers(stale_remaining, stale_reset))  # the old window's answer: stale
    assert lim.remaining() == left_in_new_window


def test_a_fresh_window_used_up_by_requests_in_flight_waits_for_their_answer(fake: FakeTime, lim: RateLimiter) -> None:
    lim.acquire()
    lim.observe(headers(0, START + 5, limit=1))
    lim.acquire()  # waits for the reset: a fresh window of 1
    waited = list(fake.sleeps)
    done = threading.Event()

    def second() -> None:
        lim.acquire()
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(0.3)  # the window's one request is in flight: no second one yet
    lim.observe(headers(0, fake.now + 5, limit=1))  # its answer: used up until the next reset
    thread.join(5)
    assert done.is_set() and fake.sleeps[len(waited)] == pytest.approx(0.05)
    assert fake.now >= START + 10


def test_a_new_window_after_the_reset_starts_from_the_limit(fake: FakeTime, lim: RateLimiter) -> None:
    lim.acquire()
    lim.observe(headers(0, START + 1))
    lim.acquire()  # waits about 1 s
    assert lim.remaining() == 59  # the limit, minus the request just sent
    for _ in range(59):
        lim.acquire()
    assert len(fake.sleeps) == 1


def test_a_relative_reset_is_read_as_seconds_and_a_far_one_is_capped_at_a_window(fake: FakeTime,
                                                                                  lim: RateLimiter) -> None:
    lim.acquire()
    lim.observe(headers(0, 7))
    lim.acquire()
    lim.acquire()
    lim.observe(headers(0, START + 10_000))
    lim.acquire()
    assert fake.sleeps == [pytest.approx(7.1), pytest.approx(60.1)]


def test_requests_per_minute_is_a_sliding_window() -> None:
    fake = FakeTime()
    lim = limiter(fake, rpm=3)
    for _ in range(3):
        lim.acquire()
        fake.now += 10
    lim.acquire()  # the first went out at START; the fourth may go at START + 60
    assert fake.now == pytest.approx(START + 60)
    assert fake.sleeps == [pytest.approx(30)]


@pytest.mark.parametrize(("rpm", "remaining", "wait"), [
    pytest.param(100, 0, 20.1, id="the-server-window-is-stricter"),
    pytest.param(1, 50, 60, id="requests-per-minute-is-stricter"),
])
def test_the_stricter_of_the_two_budgets_wins(rpm: int, remaining: int, wait: float) -> None:
    fake = FakeTime()
    lim = limiter(fake, rpm=rpm)
    lim.acquire()
    lim.observe(headers(remaining, START + 20))
    lim.acquire()
    assert fake.sleeps == [pytest.approx(wait)]


def test_long_waits_are_announced_once_short_ones_never() -> None:
    fake = FakeTime()
    notices: list[tuple[float, str]] = []
    lim = limiter(fake, notices=notices)
    lim.acquire()
    lim.observe(headers(0, START + NOTICE_SECONDS / 2))
    lim.acquire()
    assert notices == []
    lim.acquire()
    lim.observe(headers(0, fake.now + 30))
    lim.acquire()
    assert len(notices) == 1 and notices[0][0] == pytest.approx(30.1)
    assert notices[0][1] == "the server's limit"


def test_the_default_notice_is_a_warning_on_the_package_logger(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTime()
    lim = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    lim.acquire()
    lim.observe(headers(0, START + 42))
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"):
        lim.acquire()
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "waiting 42 s" in caplog.records[0].getMessage()


def test_many_threads_never_send_more_than_the_window_allows() -> None:
    """16 threads, 200 requests, a server that answers with its count: no request is sent over the limit."""
    fake = FakeTime()
    lim = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    server = WindowServer(fake)
    server.run([lim], threads_each=16, requests_each=200 // 16 + 1)
    assert server.over == 0 and server.served == 208


def test_the_session_shares_one_limiter_per_key_and_url() -> None:
    def limiter(url: str, key: str, rpm: str | None = None) -> RateLimiter:
        config = {"pushsmm:requestsPerMinute": rpm} if rpm else {}
        return session_for(resolve_settings(config, base_url=url, api_key=key, env=NO_SHARING)).limiter

    a = limiter("http://127.0.0.1:1/api", "key-one")
    assert limiter("http://127.0.0.1:1/api", "key-one") is a
    assert limiter("http://127.0.0.1:1/api", "key-two") is not a
    assert limiter("http://127.0.0.1:2/api", "key-one") is not a
    assert limiter("http://127.0.0.1:1/api", "key-one", "30") is a and a.requests_per_minute == 30


@pytest.mark.parametrize("value,expected", [(None, None), ("", None), ("30", 30), (45, 45), (" 7 ", 7)])
def test_requests_per_minute_setting(value: object, expected: int | None) -> None:
    assert requests_per_minute_setting(value) == expected


@pytest.mark.parametrize("value", ["0", "-5", "fast", "1.5"])
def test_a_bad_requests_per_minute_names_the_setting(value: str) -> None:
    named = r"pushsmm:requestsPerMinute in the stack config, or PUSHSMM_REQUESTS_PER_MINUTE"
    with pytest.raises(PushsmmConfigError, match=rf"requestsPerMinute \({named}\) must be a whole number of at least"):
        requests_per_minute_setting(value)
