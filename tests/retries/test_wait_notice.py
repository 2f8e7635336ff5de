"""A long retry is never silent: after about 10 s an operation says what it waits for, and then every 10 s."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from pulumi_pushsmm import retry_budget
from pulumi_pushsmm.retries import RateLimitRetry, read_retry

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def notices(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pulumi_pushsmm.retry"]


def test_the_notice_names_host_reason_and_time_left_and_repeats_every_ten_seconds(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    monkeypatch.setattr(retry_budget.time, "monotonic", clock)
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"), retry_budget.retry_budget(120):
        clock.now += 5
        retry_budget.note_wait("pushsmm.com", "HTTP 503")
        assert notices(caplog) == []  # a short wait stays quiet
        clock.now += 6
        retry_budget.note_wait("pushsmm.com", "HTTP 503")
        clock.now += 2
        retry_budget.note_wait("pushsmm.com", "HTTP 503")
        assert notices(caplog) == ["still waiting for pushsmm.com (HTTP 503): 11 s so far, retrying for up to 109 s "
                                   "more (pushsmm:retryTimeout)"]
        clock.now += 10
        retry_budget.note_wait("pushsmm.com", "connection refused")
        assert len(notices(caplog)) == 2 and "connection refused" in notices(caplog)[1]


def test_outside_an_operation_nothing_is_said(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"):
        retry_budget.note_wait("pushsmm.com", "HTTP 503")
    assert notices(caplog) == []


def test_the_retry_names_its_host_and_the_status_it_waits_out(monkeypatch: pytest.MonkeyPatch) -> None:
    heard: list[tuple[str, str]] = []
    monkeypatch.setattr("pulumi_pushsmm.retries.note_wait", lambda host, reason: heard.append((host, reason)))
    retry = read_retry(backoff_factor=0)
    assert isinstance(retry, RateLimitRetry)
    retry.host = "api.example"
    again = retry.new(total=3)  # urllib3 makes a new Retry after every attempt: the host stays
    again.sleep(SimpleNamespace(status=503, headers={}))  # type: ignore[arg-type]
    assert heard == [("api.example", "HTTP 503")]
