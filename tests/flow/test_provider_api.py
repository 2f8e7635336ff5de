"""The provider's create, read, update and delete against the emulator over real HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_pushsmm import state
from pulumi_pushsmm.client import PushsmmApiError, PushsmmConfigError
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowError, FlowProvider
from pulumi_pushsmm.reporting import FlowOperationError
from tests.support import (
    KEY_A,
    VALID,
    calls,
    checked,
    configured_provider,
    png_bytes,
    segment_of,
    stored,
    website_of,
    writes,
)

pytestmark = pytest.mark.integration

# --- create ---------------------------------------------------------------------------------------


def test_create_stores_every_field_as_declared(server: EmulatorServer, provider: FlowProvider) -> None:
    site = website_of(server)
    inputs = checked(provider, website_id=site, title="Tom's \"deal\" & more", url="https://a.io/?x=1&y=2",
                     button_title_1="Open", button_url_1="https://a.io/open", ttl=3600, urgency="high",
                     utm_source="pushsmm", utm_medium="push", utm_campaign="welcome", is_enabled=False,
                     segment=segment_of(server, site), wait_time=2, wait_time_type="hours")
    result = provider.create(inputs)
    flow = stored(server, result.id)
    assert flow["title"] in ("Tom&#39;s &#34;deal&#34; & more", "Tom's \"deal\" & more")
    assert flow["settings"]["ttl"] == 3600 and flow["settings"]["urgency"] == "high"
    assert flow["settings"]["utm"] == {"source": "pushsmm", "medium": "push", "campaign": "welcome"}
    assert flow["is_enabled"] in (False, 0)
    assert str(flow["segment"]) == str(segment_of(server, site))
    outs = result.outs or {}
    assert outs["title"] == "Tom's \"deal\" & more"
    assert outs["user_id"] == flow["user_id"] and outs["datetime"] == flow["datetime"]


def test_create_leaves_out_false_booleans_so_they_stay_off(server: EmulatorServer, provider: FlowProvider) -> None:
    off = provider.create(checked(provider, website_id=website_of(server), is_silent=False, is_auto_hide=False))
    on = provider.create(checked(provider, website_id=website_of(server), is_silent=True, is_auto_hide=True))
    assert stored(server, off.id)["settings"]["is_silent"] == 0
    assert stored(server, off.id)["settings"]["is_auto_hide"] == 0
    assert stored(server, on.id)["settings"]["is_silent"] == 1
    assert stored(server, on.id)["settings"]["is_auto_hide"] == 1
    # The state keeps an input only when it differs from pushsmm's default (state.compact).
    assert "is_silent" not in (off.outs or {}) and state.expand(off.outs or {})["is_silent"] is False
    assert (on.outs or {})["is_silent"] is True


def test_full_object_response_needs_no_extra_get(server: EmulatorServer, provider: FlowProvider) -> None:
    provider.create(checked(provider, website_id=website_of(server)))
    server.clear_request_log()
    provider.create(checked(provider, website_id=website_of(server)))
    assert calls(server) == ["POST /api/flows"]


def test_documented_id_only_response_is_followed_by_one_get(server: EmulatorServer, provider: FlowProvider) -> None:
    server.configure(create_response="id")
    provider.create(checked(provider, website_id=website_of(server)))  # warms the website cache
    server.clear_request_log()
    result = provider.create(checked(provider, website_id=website_of(server), title="Only an id comes back"))
    assert calls(server) == ["POST /api/flows", f"GET /api/flows/{result.id}"]
    assert (result.outs or {})["title"] == "Only an id comes back"


def test_website_lookup_is_cached_for_the_process(server: EmulatorServer, provider: FlowProvider) -> None:
    site = website_of(server)
    for title in ("one", "two", "three"):
        provider.create(checked(provider, website_id=site, title=title, segment=segment_of(server, site)))
    lookups = [c for c in calls(server) if c.startswith("GET /api/websites") or c.startswith("GET /api/segments")]
    assert lookups == ["GET /api/websites", "GET /api/segments"]


def failures(provider: FlowProvider, **changes: Any) -> dict[str, str]:
    """check's failures by field."""
    return {f.property: f.reason for f in provider.check({}, {**VALID, **changes}).failures}


def test_unknown_website_is_refused_at_check_and_at_create(server: EmulatorServer, provider: FlowProvider) -> None:
    other_account_site = website_of(server, account=1)
    assert f"website_id {other_account_site} is not a website of this pushsmm account" in failures(
        provider, website_id=other_account_site)["website_id"]
    # create checks again (a preview without a key could not).
    inputs = {**checked(provider, website_id=website_of(server)), "website_id": 99999}
    with pytest.raises(FlowOperationError, match="website_id 99999") as raised:
        provider.create(inputs)
    assert isinstance(raised.value.error, FlowError)
    assert writes(server) == []


def test_check_looks_the_account_up_once_and_not_without_a_key(server: EmulatorServer, provider: FlowProvider,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = website_of(server)
    for title in ("one", "two", "three"):
        checked(provider, website_id=site, title=title, segment=segment_of(server, site))
    assert calls(server) == ["GET /api/websites", "GET /api/segments"]
    server.clear_request_log()
    monkeypatch.delenv("PUSHSMM_API_KEY", raising=False)
    monkeypatch.setenv("PUSHSMM_BASE_URL", server.base_url)
    keyless = FlowProvider()
    assert not keyless.check({}, {**VALID, "website_id": 99999}).failures  # up catches it, as before
    assert calls(server) == []


def test_segment_of_another_website_is_refused(server: EmulatorServer, provider: FlowProvider) -> None:
    first, second = website_of(server, index=0), website_of(server, index=1)
    assert f"segment {segment_of(server, second)} is not a segment of website {first}" in failures(
        provider, website_id=first, segment=segment_of(server, second))["segment"]
    with pytest.raises(FlowOperationError, match="segment 424242"):
        provider.create({**checked(provider, website_id=first), "segment": 424242})
    assert writes(server) == []


def test_a_rewritten_value_fails_loudly_and_leaves_no_flow(server: EmulatorServer, provider: FlowProvider) -> None:
    # check would refuse this title; create is called directly to prove the second line of defence.
    inputs = {**checked(provider, website_id=website_of(server)), "title": "<b>Bold</b> move"}
    with pytest.raises(FlowOperationError, match=r"title: sent '<b>Bold</b> move', pushsmm stored 'Bold move'"):
        provider.create(inputs)
    assert server.flows_for(KEY_A) == []


# --- images ---------------------------------------------------------------------------------------------


def test_image_upload_change_and_removal(server: EmulatorServer, provider: FlowProvider, tmp_path: Path) -> None:
    image = tmp_path / "welcome.png"
    image.write_bytes(png_bytes())
    created = provider.create(checked(provider, website_id=website_of(server), image=str(image)))
    olds = created.outs or {}
    first_file = stored(server, created.id)["image"]
    assert first_file and olds["image_url"].endswith(first_file) and olds["image"] == str(image)

    image.write_bytes(png_bytes(3, 3))
    news = checked(provider, website_id=website_of(server), image=str(image))
    assert provider.diff(created.id, olds, news).changes is True
    updated = provider.update(created.id, olds, news).outs or {}
    second_file = stored(server, created.id)["image"]
    assert second_file and second_file != first_file
    assert updated["image_sha256"] == news["image_sha256"]

    server.clear_request_log()
    moved = tmp_path / "moved.png"
    moved.write_bytes(image.read_bytes())
    same_bytes = checked(provider, website_id=website_of(server), image=str(moved))
    after_move = provider.update(created.id, updated, same_bytes).outs or {}
    assert calls(server) == []  # same bytes at a new path: nothing to upload
    assert after_move["image"] == str(moved)

    removed = provider.update(created.id, after_move, checked(provider, website_id=website_of(server))).outs or {}
    assert stored(server, created.id)["image"] is None
    assert "image" not in removed and "image_sha256" not in removed and removed["image_url"] is None


def test_a_failed_upload_answered_with_200_is_an_error(server: EmulatorServer, provider: FlowProvider,
                                                       tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.png"
    bogus.write_bytes(b"this is not an image at all")
    inputs = {**checked(provider, website_id=website_of(server)), "image": str(bogus)}
    with pytest.raises(FlowOperationError) as raised:
        provider.create(inputs)
    error = raised.value.error
    assert isinstance(error, PushsmmApiError)
    assert error.status == 200 and error.method == "POST" and error.path == "/flows"


# --- read ------------------------------------------------------------------------------------------------


def test_read_maps_back_and_sees_drift(server: EmulatorServer, provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server), utm_source="pushsmm"))
    server.drift_flow(int(created.id), title="Changed behind your back", description="It's \"different\"")
    read = provider.read(created.id, created.outs or {})
    assert read.id == created.id
    assert (read.outs or {})["title"] == "Changed behind your back"
    assert (read.inputs or {})["description"] == "It's \"different\""
    assert (read.inputs or {})["utm_source"] == "pushsmm"
    assert provider.diff(created.id, read.outs or {}, checked(provider, website_id=website_of(server),
                                                                utm_source="pushsmm")).changes is True


def test_read_of_a_deleted_flow_returns_an_empty_id(server: EmulatorServer, provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server)))
    server.delete_flow(int(created.id))
    assert provider.read(created.id, created.outs or {}).id == ""


# --- update and delete ------------------------------------------------------------------------------------


def test_update_sends_only_changed_fields_and_booleans_explicitly(server: EmulatorServer,
                                                                  provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server), is_silent=True))
    server.drift_flow(int(created.id), description="drifted")
    news = checked(provider, website_id=website_of(server), title="New title", is_silent=False)
    server.clear_request_log()
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert calls(server) == [f"POST /api/flows/{created.id}"]  # one request, no extra GET
    flow = stored(server, created.id)
    assert flow["title"] == "New title" and flow["settings"]["is_silent"] == 0
    assert flow["description"] == "drifted"  # not sent, so not overwritten
    assert outs["title"] == "New title" and "is_silent" not in outs  # back at its default: left out of the state


def test_delete_and_delete_again(server: EmulatorServer, provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server)))
    provider.delete(created.id, created.outs or {})
    assert server.flows_for(KEY_A) == []
    provider.delete(created.id, created.outs or {})  # already gone: not an error


# --- errors and configuration ------------------------------------------------------------------------------


def test_api_errors_carry_status_message_method_and_path_never_the_key(server: EmulatorServer) -> None:
    provider = configured_provider(server, "wrong-key-SECRET-123")
    inputs = {**VALID, "website_id": 1, "image": "", "image_sha256": ""}
    with pytest.raises(FlowOperationError) as raised:
        provider.create(inputs)
    error = raised.value.error
    assert isinstance(error, PushsmmApiError)
    # (GET /websites answered 401 first: an optional list, so its check was skipped with a warning.)
    assert (error.status, error.method, error.path) == (401, "POST", "/flows")
    assert "You do not have access to the API." in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "SECRET" not in str(raised.value) and "SECRET" not in repr(error)


def test_an_html_redirect_is_an_error(server: EmulatorServer, provider: FlowProvider) -> None:
    server.configure(api_disabled=True)
    with pytest.raises(FlowOperationError, match=r"reading flow 1 .*redirected to .*switched off"):
        provider.read("1", {})


def test_missing_key_says_how_to_set_it(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUSHSMM_API_KEY", raising=False)
    monkeypatch.setenv("PUSHSMM_BASE_URL", server.base_url)
    with pytest.raises(FlowOperationError, match=r"pulumi config set --secret pushsmm:apiKey") as raised:
        FlowProvider().read("1", {})
    assert isinstance(raised.value.error, PushsmmConfigError)


def test_environment_fallback_works(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSHSMM_API_KEY", KEY_A)
    monkeypatch.setenv("PUSHSMM_BASE_URL", server.base_url)
    provider = FlowProvider()
    created = provider.create(checked(provider, website_id=website_of(server)))
    assert stored(server, created.id)["name"] == VALID["name"]


def test_plain_http_is_refused_except_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSHSMM_API_KEY", "k")
    monkeypatch.setenv("PUSHSMM_BASE_URL", "http://pushsmm.com/api")
    with pytest.raises(PushsmmConfigError, match="plain http"):
        _ = FlowProvider().session
    for url in ("http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9/api", "https://pushsmm.com/api"):
        monkeypatch.setenv("PUSHSMM_BASE_URL", url)
        assert FlowProvider().session.settings.base_url == url.rstrip("/")
