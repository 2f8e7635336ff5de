"""Image uploads: allowed types by extension and content, the 2 MB limit, the odd 200 failure shape, removal."""

from __future__ import annotations

import re

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import IMAGES, KEY_A, TIMEOUT, bearer, call, create, created, get, multipart, png_bytes

pytestmark = pytest.mark.integration

UPLOAD_ERROR_KEYS = {"message", "status", "details"}


def upload_error(response: requests.Response) -> str:
    """The message of a failed upload, asserting the real server's HTTP 200 error shape."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == UPLOAD_ERROR_KEYS and body["status"] == "error" and body["details"] == []
    assert isinstance(body["message"], list) and len(body["message"]) == 1
    message: str = body["message"][0]
    return message


@pytest.mark.parametrize("extension", sorted(IMAGES))
def test_each_allowed_type_is_stored_and_served_back(server: EmulatorServer, extension: str) -> None:
    response = create(server, files={"image": (f"Photo.{extension.upper()}", IMAGES[extension])})
    assert response.status_code == 201, response.text
    url = response.json()["data"]["image_url"]
    assert re.fullmatch(
        rf"{re.escape(server.base_url.removesuffix('/api'))}/uploads/flows/[0-9a-f]{{32}}\.{extension}", url
    )
    served = requests.get(url, timeout=TIMEOUT)
    assert served.status_code == 200 and served.content == IMAGES[extension]
    assert served.headers["Content-Type"].startswith("image/")


def test_the_stored_name_is_random(server: EmulatorServer) -> None:
    first = created(server, files={"image": ("same.png", png_bytes())})["image_url"]
    second = created(server, files={"image": ("same.png", png_bytes())})["image_url"]
    assert first != second and "same" not in first


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("notes.txt", b"plain text"),
        ("picture.png", b"this is not an image at all"),
        ("picture.png", IMAGES["gif"]),  # extension and content disagree
        ("picture.svg", b"<html><body>not svg</body></html>"),
        ("noextension", png_bytes()),
        ("picture.bmp", b"BM" + b"\x00" * 50),
    ],
)
def test_a_wrong_type_is_an_http_200_error_and_nothing_is_stored(
    server: EmulatorServer, filename: str, data: bytes
) -> None:
    message = upload_error(create(server, files={"image": (filename, data)}))
    assert "type" in message
    assert server.flows_for(KEY_A) == []


def test_an_image_over_2_mb_is_refused(server: EmulatorServer) -> None:
    too_big = png_bytes() + b"\x00" * (2 * 1024 * 1024)
    assert "2 MB" in upload_error(create(server, files={"image": ("big.png", too_big)}))
    exactly = png_bytes() + b"\x00" * (2 * 1024 * 1024 - len(png_bytes()))
    assert create(server, files={"image": ("edge.png", exactly)}).status_code == 201


def test_an_empty_file_field_is_no_image(server: EmulatorServer) -> None:
    assert created(server, files={"image": ("", b"")})["image_url"] is None


def test_update_replaces_the_image_and_the_old_one_is_gone(server: EmulatorServer) -> None:
    flow = created(server, files={"image": ("a.png", png_bytes())})
    response = requests.post(
        f"{server.base_url}/flows/{flow['id']}",
        headers=bearer(),
        files={"image": ("b.gif", IMAGES["gif"])},
        timeout=TIMEOUT,
    )
    new_url = response.json()["data"]["image_url"]
    assert new_url.endswith(".gif") and new_url != flow["image_url"]
    assert requests.get(flow["image_url"], timeout=TIMEOUT).status_code == 404
    assert requests.get(new_url, timeout=TIMEOUT).content == IMAGES["gif"]


def test_a_failed_upload_on_update_changes_nothing(server: EmulatorServer) -> None:
    flow = created(server, files={"image": ("a.png", png_bytes())})
    response = requests.post(
        f"{server.base_url}/flows/{flow['id']}",
        headers=bearer(),
        files={**multipart(title="changed"), "image": ("b.png", b"nope")},
        timeout=TIMEOUT,
    )
    upload_error(response)
    after = get(server, f"/flows/{flow['id']}").json()["data"]
    assert after == flow


def test_image_remove_drops_the_image(server: EmulatorServer) -> None:
    flow = created(server, files={"image": ("a.png", png_bytes())})
    kept = requests.post(
        f"{server.base_url}/flows/{flow['id']}", headers=bearer(), files=multipart(image_remove="0"), timeout=TIMEOUT
    )
    assert kept.json()["data"]["image_url"] == flow["image_url"]
    removed = requests.post(
        f"{server.base_url}/flows/{flow['id']}", headers=bearer(), files=multipart(image_remove="1"), timeout=TIMEOUT
    )
    assert removed.status_code == 200 and removed.json()["data"]["image_url"] is None
    assert requests.get(flow["image_url"], timeout=TIMEOUT).status_code == 404
    assert server.flows_for(KEY_A)[0]["image"] is None


def test_deleting_a_flow_deletes_its_image(server: EmulatorServer) -> None:
    flow = created(server, files={"image": ("a.png", png_bytes())})
    call(server, "DELETE", f"/flows/{flow['id']}")
    assert requests.get(flow["image_url"], timeout=TIMEOUT).status_code == 404
