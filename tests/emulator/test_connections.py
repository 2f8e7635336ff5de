"""Connections: HTTP/1.1 keep-alive like the real server, dropped-connection faults, and a prompt stop."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests
from urllib3 import HTTPConnectionPool

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A, TIMEOUT, bearer, multipart

pytestmark = pytest.mark.integration


def pool_of(session: requests.Session, url: str) -> HTTPConnectionPool:
    """The one urllib3 pool the session has used for ``url`` (it counts the connections it opened)."""
    manager = session.get_adapter(url).poolmanager  # type: ignore[attr-defined]
    pools = [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118 - the container refuses iteration
    assert len(pools) == 1 and isinstance(pools[0], HTTPConnectionPool)
    return pools[0]


def test_one_session_reuses_one_connection_for_every_kind_of_answer(server: EmulatorServer) -> None:
    form = multipart(website_id=server.accounts[0]["website_ids"][0], name="n", title="t", description="d")
    with requests.Session() as session:
        answers = [session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT) for _ in range(3)]
        created = session.post(f"{server.base_url}/flows", headers=bearer(), files=form, timeout=TIMEOUT)
        answers += [
            created,
            # A refused write whose body the app never reads must not spoil the connection for the next request.
            session.post(f"{server.base_url}/flows", headers=bearer("wrong-key"), files=form, timeout=TIMEOUT),
            session.get(f"{server.base_url}/flows/999", headers=bearer(), timeout=TIMEOUT),
            session.delete(f"{server.base_url}/flows/{created.json()['data']['id']}", headers=bearer(), timeout=5),
            session.get(f"{server.admin_url}/requests", timeout=TIMEOUT),
            session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT),
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 201, 401, 404, 200, 200, 200]
        for answer in answers:
            assert answer.raw.version == 11 and "close" not in answer.headers.get("Connection", "").lower()
        pool = pool_of(session, server.base_url)
        assert pool.num_requests == len(answers) and pool.num_connections == 1


def test_the_socket_stays_open_between_requests(server: EmulatorServer) -> None:
    address = urlsplit(server.root_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=TIMEOUT)
    try:
        sockets = []
        for _ in range(3):
            connection.request("GET", "/api/websites", headers=bearer())
            response = connection.getresponse()
            assert response.status == 200 and not response.will_close
            response.read()
            sockets.append(connection.sock)
        assert sockets[0] is not None and all(sock is sockets[0] for sock in sockets)
    finally:
        connection.close()


def test_a_dropped_connection_is_closed_and_the_next_request_reconnects(server: EmulatorServer) -> None:
    with requests.Session() as session:
        assert session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT).status_code == 200
        server.set_faults({"kind": "drop", "count": 1})
        with pytest.raises(requests.ConnectionError):
            session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT)
        assert session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT).status_code == 200
        assert pool_of(session, server.base_url).num_connections == 2
    assert [entry["status"] for entry in server.request_log()] == [200, None, 200]


def test_stop_closes_idle_kept_alive_connections_promptly() -> None:
    with requests.Session() as session:
        server = EmulatorServer(api_keys=[KEY_A], rate_limit=0).start()
        assert session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT).ok
        began = time.monotonic()
        server.stop()
        assert time.monotonic() - began < 3
        # The idle connection was closed with the server: the next request finds nobody listening.
        with pytest.raises(requests.ConnectionError):
            session.get(f"{server.base_url}/flows", headers=bearer(), timeout=TIMEOUT)
