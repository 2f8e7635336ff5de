"""Per-flow settings at the provider: on_delete and the account, checked, diffed and applied over real HTTP."""

from __future__ import annotations

import pytest

from pulumi_pushsmm import Account
from pulumi_pushsmm._resource import account_props
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import PushsmmError
from pulumi_pushsmm.provider import FlowProvider
from tests.support import KEY_A, KEY_B, VALID, checked, flow_requests

pytestmark = pytest.mark.integration


def test_on_delete_must_be_delete_or_disable() -> None:
    result = FlowProvider().check({}, {**VALID, "on_delete": "remove"})
    assert [(f.property, f.reason) for f in result.failures] == [
        ("on_delete", 'on_delete must be one of "delete", "disable", got \'remove\'')]


def test_an_account_with_a_plain_http_url_is_refused_at_preview() -> None:
    result = FlowProvider().check({}, {**VALID, "account_base_url": "http://example.com/api", "account_api_key": "k"})
    assert [f.property for f in result.failures] == ["account"]
    assert "plain http" in result.failures[0].reason and "'k'" not in result.failures[0].reason


def test_account_props_hold_the_key_as_a_secret() -> None:
    import pulumi

    props = account_props(Account(api_key="k", base_url="http://127.0.0.1:1/api"))
    assert isinstance(props["account_api_key"], pulumi.Output) and props["account_base_url"] == "http://127.0.0.1:1/api"
    assert account_props(None) == {}
    with pytest.raises(TypeError, match=r"account must be a pulumi_pushsmm\.Account"):
        account_props({"api_key": "k"})
    assert "secret-k" not in repr(Account(api_key="secret-k"))


def test_settings_changes_are_in_place_and_send_nothing(server: EmulatorServer) -> None:
    site_b = int(server.accounts[1]["website_ids"][0])
    account = {"account_base_url": server.base_url, "account_api_key": KEY_B}
    provider = FlowProvider()
    props = checked(provider, website_id=site_b, **account)
    created = provider.create(props)
    assert [f["id"] for f in server.flows_for(KEY_B)] == [int(created.id)]
    news = {**props, "on_delete": "disable"}
    diff = provider.diff(created.id, created.outs, news)
    assert diff.changes and not diff.replaces
    server.clear_request_log()
    updated = provider.update(created.id, created.outs, news)
    assert updated.outs["on_delete"] == "disable" and flow_requests(server) == []
    provider.delete(created.id, updated.outs)
    (kept,) = server.flows_for(KEY_B)
    assert kept["is_enabled"] in (False, 0)


def test_a_new_key_of_another_account_is_refused(server: EmulatorServer) -> None:
    site_b = int(server.accounts[1]["website_ids"][0])
    provider = FlowProvider()
    props = checked(provider, website_id=site_b, account_base_url=server.base_url, account_api_key=KEY_B)
    created = provider.create(props)
    with pytest.raises(PushsmmError, match=f"new account settings reach a pushsmm account without website {site_b}"):
        provider.update(created.id, created.outs, {**props, "account_api_key": KEY_A})
