"""The client's transport against the emulator: proxies read once, the per-request log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests

from pulumi_pushsmm import transport
from pulumi_pushsmm.client import PushsmmClient, PushsmmConnectionError, PushsmmNotFoundError, read_retry
from pulumi_pushsmm.configuration import configure_logging
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import PushsmmConfigError
from pulumi_pushsmm.session import resolve_settings

pytestmark = pytest.mark.integration

KEY = "transport-key-5c1e-DO-NOT-LEAK"


def log_of(server: EmulatorServer) -> list[dict[str, Any]]:
    return list(requests.get(f"{server.admin_url}/requests", timeout=10).json()["data"])


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# The base URL names a closed port; the emulator, which accepts absolute-form request targets as a
# forward proxy does, stands in as the proxy. A request can only succeed by going through the proxy.
UNREACHABLE = "http://127.0.0.1:1/api"


def test_a_proxy_set_in_the_environment_is_used(proxy_env: pytest.MonkeyPatch) -> None:
    with EmulatorServer(api_keys=[KEY], rate_limit=0) as server:
        proxy_env.setenv("HTTP_PROXY", server.base_url.removesuffix("/api"))
        client = PushsmmClient(UNREACHABLE, KEY)
        assert client.list_websites()
        assert log_of(server)[-1]["path"] == "/api/websites"


def test_no_proxy_in_the_environment_is_honoured(proxy_env: pytest.MonkeyPatch) -> None:
    with EmulatorServer(api_keys=[KEY], rate_limit=0) as server:
        proxy_env.setenv("HTTP_PROXY", server.base_url.removesuffix("/api"))
        proxy_env.setenv("NO_PROXY", "127.0.0.1")
        client = PushsmmClient(UNREACHABLE, KEY, timeout=(2.0, 2.0), reads=read_retry(total=0))
        with pytest.raises(PushsmmConnectionError):
            client.get_flow(1)
        assert log_of(server) == []


def test_proxy_settings_and_netrc_are_read_once_per_session_not_per_request(
    proxy_env: pytest.MonkeyPatch,
) -> None:
    reads = {"proxies": 0, "netrc": 0}

    def counting(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            reads[name] += 1
            return real(*args, **kwargs)
        return wrapper

    proxy_env.setattr(transport, "get_environ_proxies", counting("proxies", transport.get_environ_proxies))
    sessions = requests.sessions
    proxy_env.setattr(sessions, "get_environ_proxies", counting("proxies", sessions.get_environ_proxies))
    proxy_env.setattr(requests.sessions, "get_netrc_auth", counting("netrc", requests.sessions.get_netrc_auth))
    with EmulatorServer(api_keys=[KEY], rate_limit=0) as server:
        proxy_env.setenv("HTTP_PROXY", server.base_url.removesuffix("/api"))
        client = PushsmmClient(UNREACHABLE, KEY)
        # Settings made after the client was built are not seen: they were read once, at the start.
        proxy_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        for _ in range(5):
            client.list_websites()
        client.create_flow({"website_id": str(server.accounts[0]["website_ids"][0]), "name": "n", "title": "t",
                            "description": "d"})
    assert reads == {"proxies": 3, "netrc": 0}  # one per session (reads, creates, updates), none per request


def test_debug_log_has_one_line_per_request_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    with EmulatorServer(api_keys=[KEY], rate_limit=60) as server:
        client = PushsmmClient(server.base_url, KEY)
        site = str(server.accounts[0]["website_ids"][0])
        with caplog.at_level(logging.DEBUG, logger="pulumi_pushsmm"):
            client.list_websites()
            flow = client.create_flow({"website_id": site, "name": "Secret name", "title": "Secret title",
                                       "description": "Secret body"})
            client.delete_flow(flow["id"])
            with pytest.raises(PushsmmNotFoundError):
                client.get_flow(flow["id"])
    lines = [r.getMessage() for r in caplog.records if r.name == "pulumi_pushsmm.http"]
    assert len(lines) == 4
    assert lines[0].startswith("GET /api/websites?page=1&results_per_page=1000 -> 200 in ")
    assert "retries 0, rate-limit remaining 59" in lines[0]
    assert lines[1].startswith("POST /api/flows -> 201 in ")
    assert lines[2].startswith(f"DELETE /api/flows/{flow['id']} -> 200 in ")
    assert lines[3].startswith(f"GET /api/flows/{flow['id']} -> 404 in ")
    text = caplog.text
    assert KEY not in text and "Secret" not in text and "Bearer" not in text


def test_configure_logging_reads_pushsmm_log() -> None:
    package = logging.getLogger("pulumi_pushsmm")
    level = package.level
    try:
        configure_logging(resolve_settings(env={"PUSHSMM_LOG": "debug"}).log_level)
        assert package.level == logging.DEBUG
        configure_logging(resolve_settings(env={}).log_level)
        assert package.level == logging.WARNING
        with pytest.raises(PushsmmConfigError, match="PUSHSMM_LOG must be one of debug, info, warning"):
            resolve_settings(env={"PUSHSMM_LOG": "verbose"})
    finally:
        package.setLevel(level)


def test_the_debug_line_counts_the_retries_of_a_request(caplog: pytest.LogCaptureFixture) -> None:
    with EmulatorServer(api_keys=[KEY], rate_limit=0) as server:
        server.set_faults({"kind": "error", "rate": 1.0, "statuses": [503], "methods": ["GET"], "count": 2})
        client = PushsmmClient(server.base_url, KEY, reads=read_retry(backoff_factor=0.01))
        with caplog.at_level(logging.DEBUG, logger="pulumi_pushsmm"):
            client.list_websites()
    lines = [r.getMessage() for r in caplog.records if r.name == "pulumi_pushsmm.http"]
    assert len(lines) == 1 and "-> 200 in " in lines[0] and "retries 2," in lines[0]
