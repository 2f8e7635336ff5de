"""The provider under the emulator's injected faults: a create whose answer is lost, updates retried, the budget."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.client import PushsmmError
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider
from pulumi_pushsmm.reporting import FlowOperationError
from tests.support import KEY_A, calls, checked, configured_provider, stored, website_of

pytestmark = pytest.mark.integration

# --- a create whose answer is lost -----------------------------------------------------------------------


def test_a_create_stored_before_a_server_error_is_adopted_not_duplicated(server: EmulatorServer,
                                                                           provider: FlowProvider) -> None:
    inputs = checked(provider, website_id=website_of(server), title="Stored, then 500")
    server.set_faults(*[{"kind": "commit_then_fail", "methods": ["POST"], "count": 1}])
    result = provider.create(inputs)
    flows = server.flows_for(KEY_A)
    assert [str(f["id"]) for f in flows] == [result.id]
    assert (result.outs or {})["title"] == "Stored, then 500"


def test_a_create_lost_before_it_was_stored_is_looked_for_then_sent_again(server: EmulatorServer,
                                                                          provider: FlowProvider) -> None:
    inputs = checked(provider, website_id=website_of(server))
    server.clear_request_log()
    server.set_faults(*[{"kind": "drop", "methods": ["POST"], "count": 1}])
    result = provider.create(inputs)
    assert [str(f["id"]) for f in server.flows_for(KEY_A)] == [result.id]
    # never POST again without looking first
    assert calls(server) == ["POST /api/flows", "GET /api/flows", "POST /api/flows"]


def test_a_create_that_keeps_failing_stops_at_the_retry_budget(server: EmulatorServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSHSMM_RETRY_TIMEOUT", "2")
    provider = configured_provider(server)
    inputs = checked(provider, website_id=website_of(server))
    server.set_faults(*[{"kind": "error", "statuses": [500], "methods": ["POST"]}])
    with pytest.raises(FlowOperationError, match=r"pushsmm stored nothing.*pushsmm:retryTimeout") as raised:
        provider.create(inputs)
    assert isinstance(raised.value.error, PushsmmError)
    assert server.flows_for(KEY_A) == []
    log = calls(server)
    assert log.count("POST /api/flows") >= 2
    # every POST after the first comes after a look for the flow
    posts = [i for i, c in enumerate(log) if c == "POST /api/flows"]
    assert all(log[i - 1] == "GET /api/flows" for i in posts[1:])


def test_an_update_is_retried_through_server_errors_and_drops(server: EmulatorServer,
                                                              provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server)))
    server.set_faults(*[{"kind": "commit_then_fail", "methods": ["POST"], "count": 1},
                          {"kind": "drop", "methods": ["POST"], "count": 1},
                          {"kind": "error", "statuses": [502], "methods": ["POST"], "count": 1}])
    server.clear_request_log()
    news = checked(provider, website_id=website_of(server), title="Through the storm")
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert outs["title"] == "Through the storm" and stored(server, created.id)["title"] == "Through the storm"
    assert calls(server).count(f"POST /api/flows/{created.id}") == 4


def test_a_rejected_write_is_not_retried(server: EmulatorServer, provider: FlowProvider) -> None:
    created = provider.create(checked(provider, website_id=website_of(server)))
    server.clear_request_log()
    with pytest.raises(FlowOperationError):
        provider.update("424242", created.outs or {}, checked(provider, website_id=website_of(server), title="x"))
    assert calls(server) == ["POST /api/flows/424242"]
