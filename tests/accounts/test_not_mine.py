"""A flow another account owns is never taken for gone: read and delete refuse, naming both accounts."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import PushsmmError
from pulumi_pushsmm.provider import FlowProvider
from pulumi_pushsmm.reporting import FlowOperationError
from tests.support import KEY_A, KEY_B, checked, configured_provider, stored, website_of

pytestmark = pytest.mark.integration


def test_another_accounts_flow_is_never_taken_for_gone(server: EmulatorServer) -> None:
    provider_a, provider_b = configured_provider(server, KEY_A), configured_provider(server, KEY_B)
    created = provider_a.create(checked(provider_a, website_id=website_of(server)))
    state = created.outs or {}
    site, user_a = website_of(server), server.accounts[0]["user_id"]
    user_b, sites_b = server.accounts[1]["user_id"], server.accounts[1]["website_ids"]
    for attempt in (lambda: provider_b.read(created.id, state), lambda: provider_b.delete(created.id, state)):
        with pytest.raises(FlowOperationError) as raised:
            attempt()
        message = str(raised.value)
        assert f"website {site} of account {user_a}" in message and f"account {user_b}" in message
        assert all(str(w) in message for w in sites_b) and "pushsmm:apiKey" in message
        assert KEY_B not in message and KEY_A not in message
    assert stored(server, created.id)["id"] == int(created.id)  # A's flow is untouched
    provider_a.delete(created.id, state)
    assert provider_a.read(created.id, state).id == ""  # gone for its owner: dropped as before


def test_not_mine_is_not_gone_is_checked_with_the_flows_own_account(server: EmulatorServer) -> None:
    site_b = int(server.accounts[1]["website_ids"][0])
    provider = FlowProvider()
    props = checked(provider, website_id=site_b, account_base_url=server.base_url, account_api_key=KEY_B)
    created = provider.create(props)
    assert provider.read(created.id, created.outs).id == created.id  # B's key sees it
    wrong = {**created.outs, "account_api_key": KEY_A}  # as if another account's key had been recorded
    with pytest.raises(PushsmmError) as raised:
        provider.read(created.id, wrong)
    message = str(raised.value)
    assert "404" in message and f"website {site_b}" in message
    assert "as the api_key of the Account this flow is given (account=), run `pulumi up`" in message
    assert KEY_A not in message and KEY_B not in message
    assert [f["id"] for f in server.flows_for(KEY_B)] == [int(created.id)]  # left alone
