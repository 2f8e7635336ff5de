"""The HTTP client under the emulator's injected faults: what is retried, what is not, and why."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_pushsmm.client import (
    PushsmmApiError,
    PushsmmClient,
    PushsmmConnectionError,
    PushsmmNotFoundError,
    read_retry,
    update_retry,
    write_retry,
)
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import KEY_A

pytestmark = pytest.mark.integration

FORM = {"name": "Reliable", "title": "t", "description": "d", "wait_time": "5", "wait_time_type": "minutes"}


def fast_client(server: EmulatorServer, timeout: tuple[float, float] = (2.0, 5.0)) -> PushsmmClient:
    """A client whose backoff is short enough for tests; the retry policy is otherwise the real one."""
    return PushsmmClient(server.base_url, KEY_A, reads=read_retry(backoff_factor=0.01),
                         writes=write_retry(backoff_factor=0.01), updates=update_retry(backoff_factor=0.01),
                         timeout=timeout)


def form(server: EmulatorServer) -> dict[str, str]:
    return {**FORM, "website_id": str(server.accounts[0]["website_ids"][0])}


def methods(server: EmulatorServer) -> list[str]:
    return [r["method"] for r in server.request_log()]


def fault(kind: str, **rule: Any) -> dict[str, Any]:
    return {"kind": kind, **rule}


def test_reads_are_retried_through_server_errors(server: EmulatorServer) -> None:
    client = fast_client(server)
    created = client.create_flow(form(server))
    server.clear_request_log()
    server.set_faults(*[fault("error", statuses=[503, 502], methods=["GET"], count=2)])
    assert client.get_flow(created["id"])["name"] == "Reliable"
    assert methods(server) == ["GET", "GET", "GET"]


def test_reads_are_retried_after_a_dropped_connection(server: EmulatorServer) -> None:
    client = fast_client(server)
    server.set_faults(*[fault("drop", methods=["GET"], count=1)])
    assert client.list_flows() == []


def test_commit_then_fail_is_not_retried_so_there_is_no_duplicate(server: EmulatorServer) -> None:
    client = fast_client(server)
    server.set_faults(*[fault("commit_then_fail", methods=["POST"], count=1)])
    with pytest.raises(PushsmmApiError) as raised:
        client.create_flow(form(server))
    assert raised.value.status == 500 and raised.value.method == "POST"
    assert len(server.flows_for(KEY_A)) == 1  # stored once, and never sent again
    assert methods(server).count("POST") == 1


def test_a_429_on_a_write_is_retried_because_nothing_was_stored(server: EmulatorServer) -> None:
    client = fast_client(server)
    server.set_faults(*[fault("error", statuses=[429], methods=["POST"], count=2)])
    client.create_flow(form(server))
    assert len(server.flows_for(KEY_A)) == 1
    assert methods(server).count("POST") == 3


def test_a_write_whose_connection_drops_is_not_retried(server: EmulatorServer) -> None:
    client = fast_client(server)
    server.set_faults(*[fault("drop", methods=["POST"], count=1)])
    with pytest.raises(PushsmmConnectionError, match="POST /flows"):
        client.create_flow(form(server))
    assert methods(server).count("POST") == 1


def test_a_write_that_times_out_is_a_connection_error(server: EmulatorServer) -> None:
    client = fast_client(server, timeout=(2.0, 0.2))
    server.set_faults(*[fault("latency", latency_ms=600, methods=["POST"], count=1)])
    with pytest.raises(PushsmmConnectionError):
        client.create_flow(form(server))


def test_persistent_server_errors_end_in_an_api_error(server: EmulatorServer) -> None:
    client = fast_client(server)
    server.set_faults(*[fault("error", statuses=[500], methods=["DELETE"])])
    with pytest.raises(PushsmmApiError) as raised:
        client.delete_flow(1)
    assert raised.value.status == 500 and raised.value.path == "/flows/1"


def test_not_found_is_its_own_error(server: EmulatorServer) -> None:
    with pytest.raises(PushsmmNotFoundError):
        fast_client(server).get_flow(424242)


def test_an_update_is_retried_through_drops_and_server_errors(server: EmulatorServer) -> None:
    client = fast_client(server)
    created = client.create_flow(form(server))
    server.clear_request_log()
    server.set_faults(fault("drop", methods=["POST"], count=1), fault("error", statuses=[503], methods=["POST"],
                                                                        count=1))
    updated = client.update_flow(created["id"], {"title": "again"})
    assert updated["title"] == "again"
    assert methods(server) == ["POST", "POST", "POST"]


def test_image_part_names_live_in_the_client(server: EmulatorServer) -> None:
    from tests.support import png_bytes

    client = fast_client(server)
    created = client.create_flow(form(server), ("a.png", png_bytes(), "image/png"))
    assert created["image_url"]
    removed = client.update_flow(created["id"], {}, remove_image=True)
    assert removed["image_url"] is None


def test_an_unreachable_host_is_named_and_the_wait_is_bounded() -> None:
    import socket
    import time

    from pulumi_pushsmm.client import retry_budget

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = PushsmmClient(f"http://127.0.0.1:{port}/api", KEY_A, reads=read_retry(backoff_factor=0.2))
    started = time.monotonic()
    with retry_budget(1.0), pytest.raises(PushsmmConnectionError) as raised:
        client.list_flows()
    assert time.monotonic() - started < 3
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "refused" in message and KEY_A not in message
    assert raised.value.__cause__ is None


def test_the_retry_budget_bounds_a_persistent_server_error(server: EmulatorServer) -> None:
    import time

    client = PushsmmClient(server.base_url, KEY_A, reads=read_retry(total=50, backoff_factor=0.2),
                           retry_timeout=1.5)
    server.set_faults(fault("error", statuses=[503], methods=["GET"]))
    started = time.monotonic()
    with pytest.raises(PushsmmApiError, match="kept failing until the retry time ran out"):
        client.list_flows()
    assert time.monotonic() - started < 3.5


def test_a_rate_limit_that_outlasts_the_budget_says_so(server: EmulatorServer) -> None:
    client = PushsmmClient(server.base_url, KEY_A, reads=read_retry(backoff_factor=0.01), retry_timeout=0.5)
    server.set_faults(fault("error", statuses=[429], methods=["GET"]))
    with pytest.raises(PushsmmApiError, match=r"rate limit .* pushsmm:retryTimeout") as raised:
        client.list_flows()
    assert raised.value.status == 429
