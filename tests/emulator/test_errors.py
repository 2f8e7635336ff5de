"""Auth errors and bad requests: each a clear error in the real server's shape, never a 500 with a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import (
    KEY_A,
    MISSING_BEARER,
    NO_ACCESS,
    NOT_FOUND,
    TIMEOUT,
    assert_error,
    bearer,
    call,
    create,
    created,
    get,
    multipart,
)

pytestmark = pytest.mark.integration

# --- auth --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer    ", f"Basic {KEY_A}", KEY_A])
def test_a_missing_bearer_header_is_a_401_with_a_string_status(server: EmulatorServer, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for path in ("/flows", "/flows/1", "/websites", "/segments/1"):
        response = call(server, "GET", path, None, headers=headers)
        assert_error(response, 401, MISSING_BEARER, wire_status="401")


@pytest.mark.parametrize("key", ["wrong-key", KEY_A.upper(), KEY_A + "x"])
def test_a_bad_key_has_no_access(server: EmulatorServer, key: str) -> None:
    assert_error(get(server, "/flows", key), 401, NO_ACCESS)
    assert_error(create(server, key), 401, NO_ACCESS)


def test_the_bearer_scheme_is_case_insensitive(server: EmulatorServer) -> None:
    response = call(server, "GET", "/flows", None, headers={"Authorization": f"bearer {KEY_A}"})
    assert response.status_code == 200


def test_an_account_without_api_access_is_refused(server: EmulatorServer) -> None:
    server.backend.update_account(server.accounts[0]["user_id"], api_access=False)
    assert_error(get(server, "/flows"), 401, NO_ACCESS)


def test_a_plan_limit_on_flows_is_a_401(server: EmulatorServer) -> None:
    server.backend.update_account(server.accounts[0]["user_id"], flows_limit=1)
    created(server)
    response = create(server)
    assert response.status_code == 401 and "limit" in response.json()["errors"][0]["title"]


# --- unknown paths and ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/flows/abc",
        "/flows/1.5",
        "/flows/-1",
        "/flows/1e3",
        "/websites/abc",
        "/segments/%20",
        "/flows/1/extra",
        "/flows/99999999999999999999999",
        "/websites/0",
    ],
)
def test_non_numeric_ids_are_404_in_the_errors_shape(server: EmulatorServer, path: str) -> None:
    assert_error(get(server, path), 404, NOT_FOUND)


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/", "/nope", "/uploads/flows/missing.png", "/_emulator/x"])
def test_an_unknown_path_is_a_404_in_the_errors_shape(server: EmulatorServer, path: str) -> None:
    root = server.base_url.removesuffix("/api")
    assert_error(requests.get(f"{root}{path}", headers=bearer(), timeout=TIMEOUT), 404, NOT_FOUND)


def test_an_unknown_id_is_a_404(server: EmulatorServer) -> None:
    for path in ("/flows/424242", "/websites/424242", "/segments/424242"):
        assert_error(get(server, path), 404, NOT_FOUND)


def test_trailing_slashes_are_accepted(server: EmulatorServer) -> None:
    flow = created(server)
    assert get(server, "/flows/").status_code == 200
    assert get(server, f"/flows/{flow['id']}/").json()["data"]["id"] == flow["id"]


# --- malformed and oversized bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"name=x"),  # no boundary
        ("multipart/form-data; boundary=xyz", b"this is not multipart"),
        ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\ncut'),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nX-Nothing: here\r\n\r\nvalue\r\n--xyz--\r\n"),
    ],
)
def test_a_malformed_multipart_body_is_a_clear_400(server: EmulatorServer, content_type: str, body: bytes) -> None:
    for path in ("/flows", "/flows/1"):
        created(server)
        response = call(server, "POST", path, headers={"Content-Type": content_type}, data=body)
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["status"] == 400 and error["title"].startswith("The request body could not be parsed")
        assert "Traceback" not in response.text


def test_a_huge_body_is_a_413(server: EmulatorServer) -> None:
    big = b"x" * (9 * 1024 * 1024)
    response = call(server, "POST", "/flows",
                    files={**multipart(name="n", title="t", description="d", website_id="1"), "image": ("a.png", big)})
    assert_error(response, 413, "The request body is too large.")
    assert server.flows_for(KEY_A) == []


def test_a_huge_body_without_a_content_length_is_a_413(server: EmulatorServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(9):
            yield b"name=" + b"x" * (1024 * 1024)

    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    response = call(server, "POST", "/flows", headers=urlencoded, data=chunks())
    assert_error(response, 413, "The request body is too large.")


def test_an_unexpected_error_is_a_500_in_the_errors_shape_without_details(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(server.backend, "page_of", explode)
    response = get(server, "/flows")
    assert_error(response, 500, "Internal server error.")
    assert "boom" not in response.text


@pytest.mark.parametrize(
    "fields",
    [
        {"website_id": "\x00", "wait_time": "9" * 400, "ttl": "-" * 50},
        {"segment": "1" * 100, "is_silent": "\u2603", "name": "\ud7ff" * 3},
        {"segment": "\u00b2", "website_id": "\u00b2", "wait_time": "\u00b2", "ttl": "\u00b2"},
        {"title": "<" * 1000, "description": "<!-- unterminated", "url": "javascript:alert(1)"},
    ],
)
def test_odd_input_never_breaks_the_server(server: EmulatorServer, fields: dict[str, Any]) -> None:
    response = create(server, **fields)
    assert response.status_code in (201, 401), response.text
    flow_id = created(server)["id"]
    assert call(server, "POST", f"/flows/{flow_id}", files=multipart(**fields)).status_code == 200
