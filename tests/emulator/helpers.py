"""Small helpers shared by the emulator tests: keys, forms, images and error assertions."""

from __future__ import annotations

from typing import Any

import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import KEY_A, KEY_B, bearer, multipart, png_bytes, post_flow, segment_of, website_of

__all__ = ["KEY_A", "KEY_B", "bearer", "multipart", "png_bytes", "segment_of", "website_of"]  # shared, re-exported

NOT_FOUND = "The resource you are looking for does not exist."
NO_ACCESS = "You do not have access to the API."
MISSING_BEARER = "The request is missing the Bearer Authentication header."
REQUIRED = "You must fill all the required fields."
RATE_LIMITED = "You reached the limit of requests in one minute, please wait."
TIMEOUT = 5


def create(server: EmulatorServer, key: str = KEY_A, /, *, files: Any = None, **fields: Any) -> requests.Response:
    """POST /flows with the required fields filled in (override or drop them with ``None``)."""
    account = 1 if key == KEY_B else 0
    base: dict[str, Any] = {
        "website_id": website_of(server, account),
        "name": "Welcome",
        "title": "Hello",
        "description": "Thanks for subscribing",
    }
    merged = {name: value for name, value in {**base, **fields}.items() if value is not None}
    return post_flow(server, key, merged, files, timeout=TIMEOUT)


def created(server: EmulatorServer, key: str = KEY_A, /, **fields: Any) -> dict[str, Any]:
    """Create a flow and return its JSON object (asserting 201)."""
    response = create(server, key, **fields)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def update(server: EmulatorServer, flow_id: int, key: str = KEY_A, /, **fields: Any) -> requests.Response:
    """POST /flows/{id} with exactly these fields."""
    return requests.post(
        f"{server.base_url}/flows/{flow_id}", headers=bearer(key), files=multipart(**fields), timeout=TIMEOUT
    )


def call(server: EmulatorServer, method: str, path: str, key: str | None = KEY_A, *,
         headers: dict[str, str] | None = None, timeout: Any = TIMEOUT, **kwargs: Any) -> requests.Response:
    """``method`` on an API path with the key's bearer header (``key=None`` sends none) and any other ``headers``."""
    sent = {**(bearer(key) if key is not None else {}), **(headers or {})}
    return requests.request(method, f"{server.base_url}{path}", headers=sent, timeout=timeout, **kwargs)


def get(server: EmulatorServer, path: str, key: str | None = KEY_A, **params: Any) -> requests.Response:
    """GET an API path (``key=None`` sends no auth header)."""
    return call(server, "GET", path, key, params=params)


def assert_error(response: requests.Response, status: int, title: str, wire_status: int | str | None = None) -> None:
    """The response is the real server's error shape with this status and message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"errors": [{"title": title, "status": status if wire_status is None else wire_status}]}
    assert "Traceback" not in response.text


IMAGES: dict[str, bytes] = {
    "png": png_bytes(),
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    "webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
    "svg": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
}


class FakeClock:
    """Epoch seconds that only move when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds
