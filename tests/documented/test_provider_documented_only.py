"""The provider against a server that serves only the documented Flows endpoints, and previews that never hang.

The emulator's ``documented_only`` mode answers ``/websites`` and ``/segments`` with the real server's
404, creates and updates with ``{"data": {"id": N}}``, and lists with the reference's ``meta``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pulumi_pushsmm.account import Account
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import FlowOperationError, LookupFailed
from pulumi_pushsmm.lookups import get_flow, get_flows, get_websites
from pulumi_pushsmm.ownership import PREVIEW_LOOKUP_SECONDS, _warned
from pulumi_pushsmm.provider import FlowProvider
from pulumi_pushsmm.recover import FLOW_TYPE, recover
from pulumi_pushsmm.session import forget_sessions
from tests.support import KEY_A, KEY_B, VALID, configured_provider, refused_url

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    # Each test is its own process's worth of sessions and warnings.
    forget_sessions()
    _warned.clear()
    yield
    forget_sessions()
    _warned.clear()


@pytest.fixture(scope="module")
def documented() -> Iterator[EmulatorServer]:
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, documented_only=True) as server:
        yield server


def site(server: EmulatorServer, account: int = 0) -> int:
    return int(server.accounts[account]["website_ids"][0])


def checked(provider: FlowProvider, **changes: Any) -> dict[str, Any]:
    result = provider.check({}, {**VALID, **changes})
    assert not result.failures, result.failures
    return result.inputs


def api(server: EmulatorServer, method: str, path: str, key: str = KEY_A) -> requests.Response:
    return requests.request(method, f"{server.base_url}{path}", headers={"Authorization": f"Bearer {key}"},
                            timeout=10)


def test_the_undocumented_lists_are_really_absent(documented: EmulatorServer) -> None:
    for path in ("/websites", "/segments"):
        answer = api(documented, "GET", path)
        assert answer.status_code == 404 and "does not exist" in answer.text


def test_create_read_update_delete_need_only_the_flows_endpoints(
        documented: EmulatorServer, caplog: pytest.LogCaptureFixture) -> None:
    provider = configured_provider(documented)
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"):
        created = provider.create(checked(provider, website_id=site(documented), segment="all"))
        assert api(documented, "GET", f"/flows/{created.id}").json()["data"]["name"] == VALID["name"]
        read = provider.read(created.id, created.outs)
        assert read.id == created.id and read.inputs["title"] == VALID["title"]
        updated = provider.update(created.id, created.outs, {**created.outs, "title": "New title"})
        assert updated.outs["title"] == "New title"
        provider.delete(created.id, updated.outs)
    assert api(documented, "GET", f"/flows/{created.id}").status_code == 404
    warnings = [r.getMessage() for r in caplog.records if "/websites" in r.getMessage()]
    assert len(warnings) == 1, warnings  # once per process, naming what was not checked
    assert "HTTP 404" in warnings[0] and "website_id values were not checked" in warnings[0]


def test_a_flow_deleted_out_of_band_is_gone_by_the_user_id_of_the_keys_flows(documented: EmulatorServer) -> None:
    provider = configured_provider(documented)
    kept = provider.create(checked(provider, website_id=site(documented), name="Kept"))
    gone = provider.create(checked(provider, website_id=site(documented), name="Gone"))
    assert api(documented, "DELETE", f"/flows/{gone.id}").status_code == 200
    assert provider.read(gone.id, gone.outs).id == ""  # gone: the key's flows belong to the recorded owner
    assert provider.read(kept.id, kept.outs).id == kept.id
    provider.delete(gone.id, gone.outs)  # a destroy of a flow already gone counts as done
    provider.delete(kept.id, kept.outs)


def test_another_accounts_key_never_takes_its_flow_for_gone(documented: EmulatorServer) -> None:
    mine = configured_provider(documented)
    flow = mine.create(checked(mine, website_id=site(documented), name="Mine"))
    theirs = configured_provider(documented, KEY_B)
    helper = theirs.create(checked(theirs, website_id=site(documented, 1), name="Theirs"))
    try:
        for attempt in (lambda: theirs.read(flow.id, flow.outs), lambda: theirs.delete(flow.id, flow.outs)):
            with pytest.raises(FlowOperationError, match=r"this key's flows belong to account \d+") as raised:
                attempt()
            assert "nothing was changed" in str(raised.value) and KEY_B not in str(raised.value)
        assert api(documented, "GET", f"/flows/{flow.id}").status_code == 200  # untouched
    finally:
        mine.delete(flow.id, flow.outs)
        theirs.delete(helper.id, helper.outs)


def test_an_owner_that_cannot_be_confirmed_fails_unless_trust_not_found(documented: EmulatorServer,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    mine = configured_provider(documented)
    flow = mine.create(checked(mine, website_id=site(documented), name="Lonely"))
    empty = configured_provider(documented, KEY_B)  # account B has no flows: its owner cannot be read off them
    with pytest.raises(FlowOperationError, match="pushsmm:trustNotFound true") as raised:
        empty.read(flow.id, flow.outs)
    assert "cannot be confirmed" in str(raised.value) and "nothing was changed" in str(raised.value)
    forget_sessions()
    monkeypatch.setenv("PUSHSMM_TRUST_NOT_FOUND", "true")
    trusting = configured_provider(documented, KEY_B)
    assert trusting.read(flow.id, flow.outs).id == ""  # the user said so: counted as gone
    mine.delete(flow.id, flow.outs)


# --- previews never hang -----------------------------------------------------------------------------






@pytest.mark.parametrize("which", ["refused", "silent"])
def test_a_preview_check_is_bounded_and_warns_once_naming_the_host(
        which: str, silent_url: str, caplog: pytest.LogCaptureFixture) -> None:
    url = refused_url() if which == "refused" else silent_url
    provider = FlowProvider()
    provider.configure(type("Req", (), {"config": {"pushsmm:apiKey": "k", "pushsmm:baseUrl": url}})())
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"):
        for name in ("One", "Two", "Three"):
            assert not provider.check({}, {**VALID, "name": name}).failures  # the plan goes on
    took = time.monotonic() - started
    assert took < PREVIEW_LOOKUP_SECONDS + 2, took  # one bounded attempt for the whole preview, not one per flow
    host = url.split("//")[1].split("/")[0]
    warnings = [r.getMessage() for r in caplog.records
                if r.levelno == logging.WARNING and r.name.startswith("pulumi_pushsmm")]
    assert len(warnings) == 1 and host in warnings[0] and "did not check website_id and segment" in warnings[0]


# --- recover and the lookups need only the Flows endpoints too -----------------------------------------


def test_recover_finds_a_stored_pending_create_through_the_flows_list(documented: EmulatorServer) -> None:
    provider = configured_provider(documented)
    inputs = checked(provider, website_id=site(documented), name="Pending")
    stored = provider.create(inputs)  # pushsmm stored it; the killed run never recorded it
    urn = f"urn:pulumi:dev::p::{FLOW_TYPE}::pending"
    provider_ref = "urn:pulumi:dev::p::pulumi:providers:pulumi-python::default::abc"
    deployment = {"resources": [{"urn": provider_ref.rsplit("::", 1)[0], "id": "abc", "inputs": {
        "pushsmm:apiKey": KEY_A, "pushsmm:baseUrl": documented.base_url}}],
        "pending_operations": [{"type": "creating", "resource": {
            "urn": urn, "type": FLOW_TYPE, "custom": True, "provider": provider_ref,
            "inputs": {**inputs, "__provider": "pickle"}}}]}
    outcomes = recover(lambda args, stdin: json.dumps({"deployment": deployment}), dry_run=True)
    assert [(o.decision, o.flow_id) for o in outcomes] == [("imported", stored.id)]
    provider.delete(stored.id, stored.outs)


def test_flow_lookups_work_and_website_lookups_say_why_not(documented: EmulatorServer) -> None:
    provider = configured_provider(documented)
    made = provider.create(checked(provider, website_id=site(documented), name="Looked up"))
    account = Account(api_key=KEY_A, base_url=documented.base_url)
    assert get_flow(name="Looked up", account=account).id == int(made.id)
    assert [f.id for f in get_flows(website_id=site(documented), account=account)] == [int(made.id)]
    unserved = r"get_websites: .* does not serve /websites.*GET /websites failed with HTTP 404"
    with pytest.raises(LookupFailed, match=unserved):
        get_websites(account=account)
    provider.delete(made.id, made.outs)
