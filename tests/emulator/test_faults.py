"""Fault injection: error statuses, dropped connections, latency, commit-then-fail; by method, count and seed."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer, FaultRule
from pulumi_pushsmm.emulator.exceptions import InvalidAdminRequest
from tests.emulator.helpers import (
    KEY_A,
    RATE_LIMITED,
    TIMEOUT,
    assert_error,
    call,
    create,
    created,
    get,
    update,
)

pytestmark = pytest.mark.integration


def put_faults(server: EmulatorServer, *rules: dict[str, Any], seed: int | None = None) -> requests.Response:
    """Switch faults over the admin surface, as a client outside the process would."""
    body: dict[str, Any] = {"rules": list(rules)}
    if seed is not None:
        body["seed"] = seed
    response = requests.put(f"{server.admin_url}/faults", json=body, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response


def test_an_injected_500_is_in_the_errors_shape(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [500]})
    assert_error(get(server, "/flows"), 500, "Internal server error (injected fault).")


def test_an_injected_429_looks_like_the_rate_limit(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [429]})
    assert_error(get(server, "/flows"), 429, RATE_LIMITED)


@pytest.mark.parametrize(("status", "reason"), [(502, "Bad Gateway"), (503, "Service Unavailable")])
def test_an_injected_gateway_error_is_an_html_page(server: EmulatorServer, status: int, reason: str) -> None:
    put_faults(server, {"kind": "error", "statuses": [status]})
    response = get(server, "/flows")
    assert response.status_code == status and response.headers["Content-Type"].startswith("text/html")
    assert reason in response.text


def test_an_injected_error_stores_nothing(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [503], "methods": ["POST"]})
    assert create(server).status_code == 503
    assert server.flows_for(KEY_A) == []


def test_a_dropped_connection_is_a_connection_error_for_the_client(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "drop", "count": 1})
    with pytest.raises(requests.ConnectionError):
        get(server, "/flows")
    assert get(server, "/flows").status_code == 200
    assert [(e["status"], e["fault"]) for e in server.request_log()] == [(None, "drop"), (200, None)]


def test_a_dropped_write_stores_nothing(server: EmulatorServer) -> None:
    server.set_faults({"kind": "drop", "methods": ["POST"]})
    with pytest.raises(requests.ConnectionError):
        create(server)
    assert server.flows_for(KEY_A) == []


def test_latency_delays_the_answer(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "latency", "latency_ms": 300, "count": 1})
    start = time.monotonic()
    assert get(server, "/flows").status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    get(server, "/flows")
    assert time.monotonic() - start < 0.3


def test_latency_can_make_a_client_time_out(server: EmulatorServer) -> None:
    server.set_faults(FaultRule(kind="latency", latency_ms=500, count=1))
    with pytest.raises(requests.Timeout):
        call(server, "GET", "/flows", timeout=(2, 0.1))


def test_latency_combines_with_another_fault(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "latency", "latency_ms": 200}, {"kind": "error", "statuses": [500]})
    start = time.monotonic()
    assert get(server, "/flows").status_code == 500
    assert time.monotonic() - start >= 0.2
    assert server.request_log()[-1]["fault"] == "latency,error"


def test_commit_then_fail_stores_a_create_then_answers_500(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "commit_then_fail", "count": 1})
    assert get(server, "/flows").status_code == 200  # a read is not a candidate and keeps the count
    response = create(server, title="Stored anyway")
    assert_error(response, 500, "Internal server error (injected fault).")
    assert [f["title"] for f in server.flows_for(KEY_A)] == ["Stored anyway"]
    assert create(server).status_code == 201


def test_commit_then_fail_stores_an_update_then_answers_500(server: EmulatorServer) -> None:
    flow = created(server)
    server.set_faults({"kind": "commit_then_fail"})
    assert update(server, flow["id"], title="Changed").status_code == 500
    server.clear_faults()
    assert get(server, f"/flows/{flow['id']}").json()["data"]["title"] == "Changed"


def test_commit_then_fail_passes_a_failed_write_through(server: EmulatorServer) -> None:
    server.set_faults({"kind": "commit_then_fail"})
    assert create(server, name=None).status_code == 401  # nothing was committed, so no 500


def test_faults_can_be_limited_to_methods(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [500], "methods": ["POST"]})
    assert get(server, "/flows").status_code == 200
    assert create(server).status_code == 500
    assert call(server, "DELETE", "/flows/1").status_code == 404


def test_faults_can_be_limited_to_the_next_n_requests(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [503], "count": 2})
    assert [get(server, "/flows").status_code for _ in range(4)] == [503, 503, 200, 200]
    snapshot = requests.get(f"{server.admin_url}/faults", timeout=TIMEOUT).json()
    assert snapshot["rules"][0]["remaining"] == 0


def test_faults_touch_only_the_api(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [500]})
    assert requests.get(f"{server.admin_url}/config", timeout=TIMEOUT).status_code == 200
    assert requests.get(server.base_url.removesuffix("/api") + "/", timeout=TIMEOUT).status_code == 200


def outcomes(server: EmulatorServer, count: int = 30) -> list[int]:
    return [get(server, "/websites").status_code for _ in range(count)]


def test_faults_are_seeded_so_a_run_can_be_repeated(server: EmulatorServer) -> None:
    rule = {"kind": "error", "rate": 0.5, "statuses": [500, 502, 503]}
    put_faults(server, rule, seed=42)
    first = outcomes(server)
    assert {200, 500, 502, 503} <= set(first) or len(set(first)) > 2
    put_faults(server, rule, seed=42)
    assert outcomes(server) == first
    put_faults(server, rule, seed=43)
    assert outcomes(server) != first


def test_the_constructor_seed_and_rules_repeat_across_servers() -> None:
    rule = {"kind": "error", "rate": 0.3, "statuses": [503]}
    runs = []
    for _ in range(2):
        with EmulatorServer(api_keys=[KEY_A], rate_limit=0, seed=5, faults=[rule]) as server:
            runs.append(outcomes(server))
    assert runs[0] == runs[1] and 503 in runs[0] and 200 in runs[0]


def test_faults_switch_off(server: EmulatorServer) -> None:
    put_faults(server, {"kind": "error", "statuses": [500]})
    assert requests.delete(f"{server.admin_url}/faults", timeout=TIMEOUT).json()["rules"] == []
    assert get(server, "/flows").status_code == 200


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "explode"},
        {"kind": "error", "statuses": [404]},
        {"kind": "error", "rate": 2},
        {"kind": "drop", "methods": ["FETCH"]},
        {"kind": "latency", "latency_ms": -1},
        {"kind": "drop", "count": -1},
        {"kind": "drop", "surprise": True},
        {"rate": 1},
        {"kind": "error", "statuses": "500"},
    ],
)
def test_an_invalid_rule_is_a_400_over_http_and_an_error_in_python(
    server: EmulatorServer, rule: dict[str, Any]
) -> None:
    response = requests.put(f"{server.admin_url}/faults", json={"rules": [rule]}, timeout=TIMEOUT)
    assert response.status_code == 400 and response.json()["errors"][0]["status"] == 400
    with pytest.raises(InvalidAdminRequest):
        server.set_faults(rule)
    assert server.faults()["rules"] == []
