"""The suite's rules and shared fixtures.

Rules: every test has exactly one level marker (unit, integration, engine: pyproject.toml), and under CI=true
an engine test may skip only for a reason tests/support.py allows. Fixtures: the Pulumi CLI for engine tests,
an emulator per test, a provider against it, a clock, the emulators of the engine tests, and one PostgreSQL
server for the session's state-backend tests.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider
from tests.cli_stack import Admin
from tests.emulator.helpers import FakeClock
from tests.postgres import INSTALL_HELP, PostgresServer, server_binaries
from tests.support import (
    CLI_HELP,
    DEFAULT_MODE,
    DOCUMENTED_ONLY,
    ENGINE_KEY,
    KEY_A,
    KEY_B,
    LEVELS,
    configured_provider,
    find_pulumi_bin_dir,
    skip_refused_in_ci,
)

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a test without exactly one level marker: its module's ``pytestmark`` names the level."""
    wrong = [item.nodeid for item in items if sum(item.get_closest_marker(level) is not None for level in LEVELS) != 1]
    if wrong:
        raise pytest.UsageError(f"each test needs exactly one of the markers {', '.join(LEVELS)} (its module's "
                                f"pytestmark); these have none or several: {', '.join(wrong[:20])}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport,
                                                                                           pytest.TestReport]:
    """Under CI=true, an engine test's skip for a reason tests/support.py does not allow is a failure."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        failure = skip_refused_in_ci(reason.removeprefix("Skipped: "),
                                     engine=item.get_closest_marker("engine") is not None, env=os.environ)
        if failure is not None:
            report.outcome = "failed"
            report.longrepr = failure
    return report


@pytest.fixture(scope="session", autouse=True)
def rate_limit_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder where this run's processes share rate-limit budgets: the run's own, not the user's cache.

    Set in the environment, so every provider process the engine tests start inherits it.
    """
    folder = tmp_path_factory.mktemp("rate-limit")
    old = os.environ.get("PUSHSMM_RATE_LIMIT_DIR")
    os.environ["PUSHSMM_RATE_LIMIT_DIR"] = str(folder)
    yield folder
    if old is None:
        del os.environ["PUSHSMM_RATE_LIMIT_DIR"]
    else:
        os.environ["PUSHSMM_RATE_LIMIT_DIR"] = old


@pytest.fixture(scope="session")
def pulumi_bin_dir() -> Iterator[Path]:
    """Directory holding `pulumi` and its plugins, put on PATH for the session.

    Engine tests skip without the CLI on a developer machine; in CI (CI=true) the skip
    is a failure (pytest_runtest_makereport above): a missing CLI means the bootstrap is broken.
    """
    bin_dir = find_pulumi_bin_dir()
    if bin_dir is None:
        pytest.skip(f"the Pulumi CLI is not installed. {CLI_HELP}")
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{old_path}"
    assert shutil.which("pulumi") is not None
    yield bin_dir
    os.environ["PATH"] = old_path


@pytest.fixture
def clock() -> FakeClock:
    """A clock stopped at a fixed instant."""
    return FakeClock()


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """A fresh in-memory emulator with two accounts (keys KEY_A, KEY_B) and no rate limit: the one every test shares."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=0) as running:
        yield running


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A loopback API URL whose server accepts connections (the kernel's backlog does) and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/api"


@pytest.fixture
def documented_server() -> Iterator[EmulatorServer]:
    """Like ``server``, but documented-only: just the Flows reference's endpoints, in its shapes."""
    with EmulatorServer(api_keys=[KEY_A, KEY_B], rate_limit=0, seed=0, documented_only=True) as running:
        yield running


@pytest.fixture
def provider(server: EmulatorServer) -> FlowProvider:
    """A provider for account A of ``server``."""
    return configured_provider(server)


@pytest.fixture(scope="module")
def cli_emulator(request: pytest.FixtureRequest, pulumi_bin_dir: Path) -> Iterator[EmulatorServer]:
    """One emulator for a module's `pulumi` CLI tests, each test in an account of its own (tests/cli_stack.py).

    A module runs its tests in both emulator modes with ``pytestmark = [..., IN_BOTH_MODES]``
    (tests/support.py): the default, and serving only pushsmm's documented Flows endpoints.
    """
    mode = getattr(request, "param", DEFAULT_MODE)
    with EmulatorServer(rate_limit=0, seed=5, documented_only=mode == DOCUMENTED_ONLY) as running:
        yield running


@pytest.fixture
def admin(cli_emulator: EmulatorServer) -> Iterator[Admin]:
    """The admin surface of the module's CLI emulator, with no faults switched on before or after the test."""
    surface = Admin(cli_emulator.admin_url, cli_emulator.base_url)
    surface.clear_faults()
    yield surface
    surface.clear_faults()


@pytest.fixture
def engine_emulator(pulumi_bin_dir: Path) -> Iterator[EmulatorServer]:
    """A fresh emulator with one account (key ENGINE_KEY) for an engine test, once the Pulumi CLI is found."""
    with EmulatorServer(api_keys=[ENGINE_KEY], rate_limit=0, seed=3) as running:
        yield running


@pytest.fixture(scope="session")
def postgres(pulumi_bin_dir: Path) -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session (tests/postgres.py); each test takes a database of its own.

    Skips where Debian's postgresql package is missing; under CI=true that skip fails (.ci/run installs it).
    """
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(INSTALL_HELP)
    server = PostgresServer(binaries).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_backend(postgres: PostgresServer) -> dict[str, str]:
    """A new empty database on the session's PostgreSQL server, for one test: ``PULUMI_BACKEND_URL``, ``PGPASSWORD``."""
    return postgres.backend_env(postgres.new_database())
