"""The HTML view at /_emulator/ui, read as HTML over HTTP (the browser test is tests/emulator/test_ui_browser.py)."""

from __future__ import annotations

import html

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.emulator.ui import schedule_text, ttl_text
from tests.emulator.helpers import KEY_A, KEY_B, TIMEOUT, created, get, png_bytes, segment_of, website_of

pytestmark = pytest.mark.integration


def page(server: EmulatorServer, query: str = "") -> str:
    response = requests.get(f"{server.admin_url}/ui{query}", timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def test_the_page_needs_no_key_and_shows_every_account_website_and_segment(server: EmulatorServer) -> None:
    text = page(server)
    for account in server.accounts:
        assert f"Account {account['user_id']}" in text
        for website_id in account["website_ids"]:
            assert f'data-website-id="{website_id}"' in text
            for segment_id in account["segment_ids"][str(website_id)]:
                assert f'data-segment-id="{segment_id}"' in text
    assert "No requests yet." in text


def test_a_flow_shows_every_field_its_image_and_its_counters(server: EmulatorServer) -> None:
    site = website_of(server)
    flow = created(
        server, title="Tom's deal", description="Half price", url="https://example.com/deal", wait_time=10,
        wait_time_type="minutes", button_title_1="Open", button_url_1="https://example.com/open", ttl=86400,
        urgency="high", segment=segment_of(server, site), files={"image": ("pic.png", png_bytes(4, 4))},
    )
    requests.post(f"{server.admin_url}/websites/{site}/subscribers", json={"count": 40, "seed": 5}, timeout=TIMEOUT)
    stored = get(server, f"/flows/{flow['id']}").json()["data"]
    text = html.unescape(page(server))
    assert "Tom's deal" in text and "Half price" in text  # quotes shown as typed, not as stored entities
    assert "10 minutes after subscribing" in text
    assert "https://example.com/deal" in text and "Open → https://example.com/open" in text
    assert "1 day (86400 s)" in text and "high" in text and "Engaged subscribers of website 1" in text
    assert stored["image_url"] in text
    assert requests.get(stored["image_url"], timeout=TIMEOUT).content == png_bytes(4, 4)
    for name in ("sent", "displayed", "clicked", "closed"):
        assert f'data-counter="{name}">{stored[f"total_{name}_push_notifications"]}<' in text
    assert stored["total_sent_push_notifications"] > 0
    assert f'data-counter="last_sent">{stored["last_sent_datetime"]}<' in text


def test_the_request_log_shows_method_path_and_status_but_never_a_key(server: EmulatorServer) -> None:
    get(server, "/flows", results_per_page=10)
    get(server, "/flows/999")
    get(server, "/websites", key=KEY_B)
    text = page(server)
    assert "/api/flows/999" in text and ">404<" in text and ">200<" in text
    assert KEY_A not in text and KEY_B not in text


def test_the_root_is_the_same_page_and_says_truthfully_whether_the_api_is_on(server: EmulatorServer) -> None:
    root = f"{server.base_url.removesuffix('/api')}/"
    created(server, title="Shown at the root")
    home = requests.get(root, timeout=TIMEOUT).text
    assert "Shown at the root" in home and "disabled" not in home.lower()
    assert 'href="/api/flows"' in home and 'href="/_emulator"' in home
    requests.patch(f"{server.admin_url}/config", json={"api_disabled": True}, timeout=TIMEOUT)
    landed = get(server, "/flows")  # the real server's redirect lands on the root page
    assert landed.status_code == 200 and landed.url.startswith(root)
    assert "The API is currently disabled." in landed.text and "Shown at the root" in landed.text
    assert "The API is currently disabled." in page(server)


def test_auto_refresh_is_a_meta_refresh_toggled_by_a_query_parameter(server: EmulatorServer) -> None:
    assert 'http-equiv="refresh"' not in page(server)
    assert '<meta http-equiv="refresh" content="5">' in page(server, "?refresh=5")
    assert 'http-equiv="refresh"' not in page(server, "?refresh=off")
    response = requests.get(f"{server.admin_url}/ui?refresh=soon", timeout=TIMEOUT)
    assert response.status_code == 400
    assert "'refresh' must be off, 0, or whole seconds from 1 to 3600" in response.text


@pytest.mark.parametrize(
    ("wait_time", "unit", "expected"),
    [(10, "minutes", "10 minutes after subscribing"), (1, "days", "1 day after subscribing"),
     (1, "hours", "1 hour after subscribing"), (7, "days", "7 days after subscribing")],
)
def test_schedule_text(wait_time: int, unit: str, expected: str) -> None:
    assert schedule_text(wait_time, unit) == expected


def test_ttl_text() -> None:
    assert [ttl_text(t) for t in (0, 900, 3600, 259200, 604800, 1209600, 45)] == [
        "0 s (now or never)", "15 minutes (900 s)", "1 hour (3600 s)", "3 days (259200 s)", "1 week (604800 s)",
        "2 weeks (1209600 s)", "45 s",
    ]
