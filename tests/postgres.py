"""A throwaway PostgreSQL server for Pulumi's ``postgres://`` state backend: Debian's binaries, a temp dir, loopback.

One server per test session (the ``postgres`` fixture of tests/conftest.py), one database per
test (``PostgresServer.new_database``), so tests stay apart without a server each. It is
started as pytest-postgresql would (``initdb``, ``pg_ctl`` into a temp dir, a free port on
127.0.0.1), but by hand: PostgreSQL refuses to run as root, and that plugin runs the server as
the current user, so as root (CI here) this runs ``initdb`` and ``pg_ctl`` as the ``postgres``
user through ``runuser``, in a folder that user owns. As README's team setup has it, the stacks
log in over TLS (a self-signed certificate: ``sslmode=require``) as a role of their own with a
password, which Pulumi's driver takes from ``PGPASSWORD``; the tests' own SQL goes through the
server's Unix socket as the superuser. Nothing here is the project's code: the backend is
Pulumi's (``pkg/backend/diy/postgres``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

INSTALL_HELP = ("PostgreSQL is not installed: `apt-get install postgresql` (Debian's package; .ci/run installs it "
                "when missing)")
"""The skip reason where the server's binaries are missing; under CI=true that skip fails (tests/conftest.py)."""

ROLE = "pulumi"
"""The database user the stacks log in as: a dedicated role that owns its database, as README advises."""
PASSWORD = "pulumi-state-tests"
"""The role's password, given to Pulumi as ``PGPASSWORD`` (never in the URL)."""


def server_binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: Debian's newest /usr/lib/postgresql/N/bin, else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    """A port nobody listens on at 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A PostgreSQL server in a temp dir on a free loopback port; ``stop()`` removes everything."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pushsmm-postgres-"))
        self._databases = 0
        # The server refuses to run as root: as root, run it as the postgres user, in a folder it owns.
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_owner:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *argv: str) -> str:
        done = subprocess.run([*self._as_owner, *argv], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> PostgresServer:
        """initdb (passwords over TCP, trust on the socket; no fsync: it is thrown away), a certificate, start."""
        self._run(str(self.binaries / "initdb"), "-D", str(self.data), "--auth-local=trust",
                  "--auth-host=scram-sha-256", "--username=postgres", "--encoding=UTF8", "--no-sync")
        self._run("openssl", "req", "-new", "-x509", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                  "-keyout", str(self.data / "server.key"), "-out", str(self.data / "server.crt"))
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                   "-c fsync=off -c full_page_writes=off -c ssl=on -c max_connections=200")
        self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        self.sql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement as the superuser over the server's socket (``psql``); its unaligned output."""
        return self._run(str(self.binaries / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                         "-h", str(self.root), "-p", str(self.port), "-U", "postgres", "-d", database, "-c", statement)

    def new_database(self, name: str = "pulumi") -> str:
        """A new empty database owned by the ``pulumi`` role; its name (``name`` with a number, unique here)."""
        self._databases += 1
        database = f"{name}_{self._databases}"
        self.sql(f"CREATE DATABASE {database} OWNER {ROLE}")
        return database

    def backend_env(self, database: str) -> dict[str, str]:
        """What a runner sets to keep its stacks in ``database``: the URL (TLS, the ``pulumi`` role), the password."""
        return {"PULUMI_BACKEND_URL": f"postgres://{ROLE}@127.0.0.1:{self.port}/{database}?sslmode=require",
                "PGPASSWORD": PASSWORD}

    def stored_keys(self, backend: dict[str, str], prefix: str = "") -> list[str]:
        """The keys of Pulumi's state table (``pulumi_state``) behind ``backend`` that start with ``prefix``.

        Pulumi stores each key under the URL's path (the database name): that part is left out here.
        """
        database = urlsplit(backend["PULUMI_BACKEND_URL"]).path.lstrip("/")
        listed = self.sql(f"SELECT key FROM pulumi_state WHERE key LIKE '{database}/{prefix}%' ORDER BY key", database)
        return [key.removeprefix(f"{database}/") for key in listed.split()]
