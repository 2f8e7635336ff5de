"""EmulatorServer: the emulator on a background thread, with start(), stop() and a ready event."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, Unpack

from waitress.server import BaseWSGIServer, create_server

from .app import EmulatorApp
from .backend import EmulatorBackend
from .faults import FaultRule
from .records import AccountInfo, ConfigChanges, CreateResponse, EmulatorConfig

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DEFAULT_API_KEY = "pushsmm-emulator-demo-key"
"""The key the emulator accepts when it is given none (and ``PUSHSMM_API_KEY`` is unset for the CLI)."""

# Requests served at the same time. An idle kept-alive connection holds no thread: waitress
# watches the sockets itself, so a client's connection pool costs nothing while it waits.
WORKER_THREADS = 16


def _with_access_log(app: WSGIApplication) -> WSGIApplication:
    """``app`` writing one line per request to stderr: client, method, path (no query) and status; no headers."""

    def logged(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def log_then_start(status: str, headers: Any, exc_info: Any = None) -> Any:
            method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "")
            sys.stderr.write(f'{environ.get("REMOTE_ADDR", "-")} "{method} {path}" {status.split(" ", 1)[0]}\n')
            return start_response(status, headers, exc_info)

        return app(environ, log_then_start)

    return logged


class EmulatorServer:
    """The pushsmm emulator served over HTTP from a daemon thread.

    >>> with EmulatorServer(api_keys=["key-a", "key-b"], rate_limit=0) as server:
    ...     server.base_url          # "http://127.0.0.1:PORT/api"
    ...     server.accounts[0]       # {"user_id": 1, "website_ids": [1, 2], "segment_ids": {...}}

    ``port=0`` picks a free port. ``db_path=None`` keeps the data in memory;
    a path makes it survive a restart. ``faults`` are ``FaultRule`` objects or
    their JSON dicts. ``clock`` (epoch seconds) drives datetimes and the
    rate-limit windows. ``documented_only=True`` serves only what the published
    Flows reference documents, in its shapes (``EmulatorBackend.documented_only``);
    ``create_response`` is then ``id`` (``None``: ``full``, or ``id`` when
    documented-only).
    """

    def __init__(
        self,
        api_keys: Sequence[str] | None = None,
        *,
        db_path: str | os.PathLike[str] | None = None,
        rate_limit: int = 60,
        create_response: CreateResponse | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Iterable[FaultRule | Mapping[str, Any]] = (),
        api_disabled: bool = False,
        clock: Callable[[], float] = time.time,
        access_log: bool = False,
        documented_only: bool = False,
    ) -> None:
        self.api_keys: list[str] = list(api_keys) if api_keys else [DEFAULT_API_KEY]
        self.db_path = os.fspath(db_path) if db_path is not None else None
        if create_response is None:
            create_response = "id" if documented_only else "full"
        self.startup_config = EmulatorConfig(rate_limit, create_response, api_disabled)
        self.documented_only = documented_only
        self.seed = seed
        self.host = host
        self.port = port
        self.fault_rules = [rule if isinstance(rule, FaultRule) else FaultRule.from_dict(rule) for rule in faults]
        self.clock = clock
        self.access_log = access_log
        self.ready = threading.Event()
        self._backend: EmulatorBackend | None = None
        self._server: BaseWSGIServer | None = None
        self._sockets: dict[int, Any] = {}  # waitress's socket map: the listening socket and every connection
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Self:
        """Open the database, bind the port, serve from a thread, and wait until it is ready."""
        if self._server is not None:
            return self
        self.ready.clear()
        backend = EmulatorBackend(
            api_keys=self.api_keys,
            db_path=self.db_path,
            config=self.startup_config,
            seed=self.seed,
            faults=self.fault_rules,
            clock=self.clock,
            documented_only=self.documented_only,
        )
        app: WSGIApplication = EmulatorApp(backend)
        self._sockets = {}
        try:
            # One numeric address, so waitress opens one listening socket (a name such as "localhost"
            # could resolve to two, each with its own free port). Keep-alive is HTTP/1.1's default.
            address = socket.getaddrinfo(self.host or None, self.port, type=socket.SOCK_STREAM)[0][4]
            server = create_server(
                _with_access_log(app) if self.access_log else app,
                map=self._sockets,
                host=str(address[0]),
                port=self.port,
                threads=WORKER_THREADS,
                ident="pushsmm-emulator",
            )
        except BaseException:
            backend.close()
            raise
        assert isinstance(server, BaseWSGIServer), "one address gives one listening socket"
        self._backend, self._server = backend, server
        self.port = int(server.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, name=f"pushsmm-emulator-{self.port}", daemon=True)
        self._thread.start()
        if not self.ready.wait(timeout=10):
            self.stop()
            raise RuntimeError("the emulator did not become ready")
        return self

    def _serve(self) -> None:
        assert self._server is not None
        self.ready.set()
        self._server.run()  # returns once every socket in self._sockets is closed

    def stop(self) -> None:
        """Stop serving: close the listening socket and every connection, wait for the threads, close the database."""
        server, thread, backend = self._server, self._thread, self._backend
        self._server = self._thread = self._backend = None
        self.ready.clear()
        if server is not None:
            sockets = self._sockets

            def close_every_socket() -> None:
                for dispatcher in list(sockets.values()):
                    dispatcher.close()

            # Run in the server's own thread, which owns the sockets; kept-alive idle connections
            # close too, so no client keeps talking to a stopped emulator.
            trigger: Any = server.trigger  # typeshed's stub says int; it is waitress's trigger dispatcher
            # If the loop, woken by a worker's pull, runs the queued thunk (closing the trigger's pipe)
            # before this pull writes to the pipe, the write fails: the sockets are closed already.
            with contextlib.suppress(OSError):
                trigger.pull_trigger(close_every_socket)
        if thread is not None:
            thread.join(timeout=10)
        if server is not None:
            server.task_dispatcher.shutdown(timeout=5)
        if backend is not None:
            backend.close()

    def __enter__(self) -> Self:
        """Start; the server is ready when the block begins."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop."""
        self.stop()

    # --- addresses --------------------------------------------------------------------------------

    @property
    def backend(self) -> EmulatorBackend:
        """The running backend (state and rules)."""
        if self._backend is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._backend

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT`` (a wildcard bind address is shown as loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, ``http://HOST:PORT/api``."""
        return f"{self.root_url}/api"

    @property
    def admin_url(self) -> str:
        """The admin surface, ``http://HOST:PORT/_emulator``."""
        return f"{self.root_url}/_emulator"

    @property
    def accounts(self) -> list[AccountInfo]:
        """``{user_id, website_ids, segment_ids}`` of each start-up key, in the order of ``api_keys``."""
        return self.backend.startup_accounts

    def account_for(self, api_key: str) -> AccountInfo:
        """The account of a key; ``KeyError`` when the key has none (use ``add_account`` to make one)."""
        account = self.backend.find_account(api_key)
        if account is None:
            raise KeyError("the emulator has no account for that API key")
        return account

    def ready_line(self) -> dict[str, Any]:
        """The machine-readable line the command line prints when it is ready (never a key)."""
        return {
            "event": "ready",
            "base_url": self.base_url,
            "admin_url": self.admin_url,
            "accounts": self.accounts,
        }

    # --- the admin surface, in Python ----------------------------------------------------------------

    def reset(self) -> list[AccountInfo]:
        """Forget all data, logs and run-time switches; recreate the start-up accounts."""
        return self.backend.reset()

    def add_account(
        self, api_key: str, *, websites: int = 2, api_access: bool = True, flows_limit: int = -1
    ) -> AccountInfo:
        """Create an account for a key, seeded with websites and one segment per website."""
        return self.backend.ensure_account(api_key, websites=websites, api_access=api_access, flows_limit=flows_limit)[
            0
        ]

    def add_website(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """Add a website (name, scheme, host, path, is_enabled) to an account."""
        return self.backend.add_website(user_id, **fields).to_api()

    def add_segment(self, user_id: int, website_id: int, **fields: Any) -> dict[str, Any]:
        """Add a segment (name, type, settings) to a website of an account."""
        return self.backend.add_segment(user_id, website_id, **fields).to_api()

    def set_faults(
        self,
        *rules: FaultRule | Mapping[str, Any] | Iterable[FaultRule | Mapping[str, Any]],
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Replace the fault rules, given one by one or as one list (``FaultRule`` or JSON dicts).

        Reseeds the dice when ``seed`` is given. ``set_faults()`` switches faults off.
        """
        flat: list[FaultRule | Mapping[str, Any]] = []
        for item in rules:
            if isinstance(item, FaultRule | Mapping):
                flat.append(item)
            else:
                flat.extend(item)
        parsed = [rule if isinstance(rule, FaultRule) else FaultRule.from_dict(rule) for rule in flat]
        self.backend.faults.configure(parsed, seed=seed)
        return self.backend.faults.snapshot()

    def clear_faults(self) -> None:
        """Switch every fault off."""
        self.backend.faults.clear()

    def faults(self) -> dict[str, Any]:
        """The seed and the active rules with their remaining counts."""
        return self.backend.faults.snapshot()

    def configure(self, **changes: Unpack[ConfigChanges]) -> dict[str, Any]:
        """Change run-time switches, the one way to; returns the switches now in force.

        ``rate_limit`` is requests per minute per key (0 = off; windows start
        afresh); ``create_response`` is ``full`` (201 with the flow) or ``id``
        (the documented ``{"data": {"id": N}}``, the only choice when
        documented-only); ``api_disabled`` simulates the API switched off
        site-wide. Switches not named keep their value.
        """
        return self.backend.update_config(**changes)

    def request_log(self) -> list[dict[str, Any]]:
        """The /api requests so far: time, method, path, query, status, fault (never the key)."""
        return self.backend.request_log()

    def clear_request_log(self) -> None:
        """Forget the logged requests."""
        self.backend.clear_request_log()

    def flows_for(self, api_key: str) -> list[dict[str, Any]]:
        """The flows of a key's account, as stored."""
        return self.backend.raw_flows(self.account_for(api_key)["user_id"])

    def raw_flow(self, flow_id: int) -> dict[str, Any]:
        """One flow as stored."""
        return self.backend.raw_flow(flow_id)

    def drift_flow(self, flow_id: int, **fields: Any) -> dict[str, Any]:
        """Change stored fields behind the provider's back (``settings`` merges key by key)."""
        return self.backend.drift_flow(flow_id, fields)

    def delete_flow(self, flow_id: int) -> None:
        """Delete a flow behind the provider's back."""
        self.backend.delete_flow_raw(flow_id)
