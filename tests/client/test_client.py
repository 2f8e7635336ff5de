"""How the client reads pushsmm's answers: bodies, error shapes, redirects and the data object.

Only parsing is tested here, on hand-built responses; retries and transport are
tested against the emulator in tests/retries and tests/client/test_transport.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from pulumi_pushsmm.client import PushsmmClient, _api_message, _data
from pulumi_pushsmm.errors import PushsmmApiError, PushsmmNotFoundError

pytestmark = pytest.mark.unit


def response(status: int, body: Any = None, *, raw: bytes | None = None, **headers: str) -> requests.Response:
    """A requests Response as the adapter would build it."""
    made = requests.Response()
    made.status_code = status
    made.reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(status, "")
    made._content = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    made.headers.update({"Content-Type": "application/json", **headers})
    return made


def parse(resp: requests.Response) -> Any:
    return PushsmmClient._parse("GET", "/flows/7", resp)


def test_a_json_body_is_returned_as_it_is() -> None:
    assert parse(response(200, {"data": {"id": 7}})) == {"data": {"id": 7}}


def test_an_empty_body_is_none() -> None:
    assert parse(response(200)) is None


def test_a_404_is_not_found_with_the_api_message() -> None:
    body = {"errors": [{"title": "The resource you are looking for does not exist.", "status": 404}]}
    with pytest.raises(PushsmmNotFoundError) as caught:
        parse(response(404, body))
    assert caught.value.status == 404
    assert caught.value.message == "The resource you are looking for does not exist."
    assert "GET /flows/7" in str(caught.value)


def test_other_errors_carry_status_and_every_error_title() -> None:
    body = {"errors": [{"title": "first"}, {"title": "second"}]}
    with pytest.raises(PushsmmApiError) as caught:
        parse(response(422, body))
    assert not isinstance(caught.value, PushsmmNotFoundError)
    assert (caught.value.status, caught.value.message) == (422, "first; second")


def test_an_error_without_a_message_falls_back_to_the_reason() -> None:
    with pytest.raises(PushsmmApiError, match="HTTP 500: Internal Server Error"):
        parse(response(500))


def test_a_failed_upload_answers_200_with_status_error() -> None:
    body = {"message": ["The image is too big.", "Try again."], "status": "error"}
    with pytest.raises(PushsmmApiError) as caught:
        parse(response(200, body))
    assert (caught.value.status, caught.value.message) == (200, "The image is too big.; Try again.")


def test_a_redirect_says_the_api_may_be_switched_off() -> None:
    with pytest.raises(PushsmmApiError, match=r"redirected to https://pushsmm\.com/login"):
        parse(response(302, Location="https://pushsmm.com/login"))


def test_a_non_json_answer_names_its_content_type() -> None:
    with pytest.raises(PushsmmApiError, match="expected JSON, got text/html"):
        parse(response(200, raw=b"<html>maintenance</html>", **{"Content-Type": "text/html"}))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"errors": [{"title": "a"}, {"title": "b"}]}, "a; b"),
        ({"message": ["x", "y"]}, "x; y"),
        ({"message": "plain"}, "plain"),
        ({"message": ""}, ""),
        ({}, ""),
        (["not", "a", "dict"], ""),
        (None, ""),
    ],
)
def test_api_message_reads_every_error_shape(body: Any, message: str) -> None:
    assert _api_message(body) == message


def test_data_is_the_data_object() -> None:
    assert _data({"data": {"id": 3, "name": "n"}}, "POST", "/flows") == {"id": 3, "name": "n"}


@pytest.mark.parametrize("body", [None, {}, {"data": None}, {"data": [1]}, ["data"]])
def test_an_answer_without_a_data_object_is_an_api_error(body: Any) -> None:
    with pytest.raises(PushsmmApiError, match=r"POST /flows .*the answer has no data object"):
        _data(body, "POST", "/flows")
