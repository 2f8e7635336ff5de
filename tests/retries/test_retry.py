"""The retry policy as a value: what each Retry allows, and how long a 429 waits, without a network."""

from __future__ import annotations

import time

import pytest
from urllib3.response import HTTPResponse

from pulumi_pushsmm.client import read_retry, write_retry

pytestmark = pytest.mark.unit


def response(status: int, headers: dict[str, str]) -> HTTPResponse:
    return HTTPResponse(body=b"", status=status, headers=headers, preload_content=False)


def test_reads_retry_server_errors_and_writes_only_429() -> None:
    reads, writes = read_retry(), write_retry()
    for status in (429, 500, 502, 503, 504):
        assert reads.is_retry("GET", status) and reads.is_retry("DELETE", status)
        assert not reads.is_retry("POST", status)
    assert writes.is_retry("POST", 429)
    for status in (500, 502, 503, 504):
        assert not writes.is_retry("POST", status)


def test_writes_never_retry_after_the_request_may_have_arrived() -> None:
    writes = write_retry()
    assert writes.read == 0 and writes.other == 0 and writes.connect == writes.total


def test_a_429_waits_for_retry_after_or_the_rate_limit_reset() -> None:
    retry = read_retry()
    assert retry.get_retry_after(response(429, {"Retry-After": "7"})) == 7
    in_five = str(int(time.time()) + 5)
    waited = retry.get_retry_after(response(429, {"X-RateLimit-Reset": in_five}))
    assert waited is not None and 3 <= waited <= 5
    assert retry.get_retry_after(response(429, {"X-RateLimit-Reset": "12"})) == 12
    assert retry.get_retry_after(response(429, {"X-RateLimit-Reset": str(int(time.time()) + 3600)})) == 60
    assert retry.get_retry_after(response(503, {"X-RateLimit-Reset": in_five})) is None


def test_backoff_grows_and_is_capped() -> None:
    retry = read_retry(backoff_factor=0.5)
    waits = []
    for _ in range(5):
        retry = retry.increment("GET", "/api/flows")
        waits.append(retry.get_backoff_time())
    assert waits == sorted(waits) and waits[-1] <= 30


def test_a_non_json_answer_is_an_api_error_naming_what_came_back() -> None:
    import pytest
    import requests

    from pulumi_pushsmm.client import PushsmmApiError, PushsmmClient

    html = requests.Response()
    html.status_code = 200
    html._content = b"<html><body>Maintenance</body></html>"
    html.headers["Content-Type"] = "text/html"
    with pytest.raises(PushsmmApiError, match=r"GET /flows/1 failed with HTTP 200: expected JSON, got text/html"):
        PushsmmClient._parse("GET", "/flows/1", html)
