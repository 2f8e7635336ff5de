"""Readable errors and ``Flow.get(account=)`` hold across the Pulumi SDK range pyproject.toml allows, through each
SDK's real provider host.

For the lowest allowed SDK (whose host lets grpc format the error and log a traceback) and the newest
one pip finds below the cap (whose host sends ``traceback.format_exc()``), a throwaway venv gets that
SDK from PyPI (pip's cache keeps reruns fast) and this checkout on PYTHONPATH; sdk_host_driver.py then
starts ``python -m pulumi.dynamic`` there and makes a Delete fail on an unreachable host. What the
engine would show, the gRPC details and the host's stderr, must be the one clear message with no
traceback. In the same venvs, ``Flow.get(..., account=)`` runs on that SDK's program side (its mocks) and
its read request goes to that SDK's host, which must read the other account's flow. Marked ``engine`` (it
downloads and starts processes), so only the full ``make test`` runs it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import KEY_B, make_flow, website_of

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("sdk_host_driver.py")


def _pulumi_requirement() -> str:
    """The ``pulumi>=X,<Y`` requirement pyproject.toml declares (read, so the test follows the floor)."""
    deps: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found = [d for d in deps if re.match(r"pulumi\s*[<>=]", d)]
    assert len(found) == 1, f"expected one pulumi requirement in pyproject.toml, found {found}"
    return found[0]


def _floor(requirement: str) -> str:
    match = re.search(r">=\s*([0-9][0-9.]*)", requirement)
    assert match, f"the pulumi requirement {requirement!r} has no >= floor"
    return match.group(1)


REQUIREMENT = _pulumi_requirement()
# The lowest allowed version, pinned; the newest allowed, as pip resolves the requirement itself.
VERSIONS = {"lowest": f"pulumi=={_floor(REQUIREMENT)}", "newest": REQUIREMENT}


def _runtime_deps() -> list[str]:
    deps: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [d for d in deps if d != REQUIREMENT]


@pytest.fixture(scope="module", params=sorted(VERSIONS), ids=lambda k: f"{k}-sdk")
def sdk_python(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """("lowest" or "newest", the python of a fresh venv holding that Pulumi SDK and this package's other deps).

    Skips when the venv or the SDK cannot be had; under CI=true tests/conftest.py makes that skip a failure.
    """
    venv = tmp_path_factory.mktemp(f"sdk-{request.param}") / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120)
    if made.returncode != 0:
        pytest.skip(f"could not make a venv: {made.stderr[-2000:]}")
    python = venv / "bin" / "python"
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", VERSIONS[request.param],
         *_runtime_deps()],
        capture_output=True, text=True, timeout=300)
    if pip.returncode != 0:
        pytest.skip(f"pip could not install {VERSIONS[request.param]}: {pip.stderr[-2000:]}")
    return request.param, python


def _drive(python: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PUSHSMM_", "PULUMI_"))}
    env["PYTHONPATH"] = str(ROOT)  # this checkout, not an installed copy
    run = subprocess.run([str(python), str(DRIVER), *args], env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, f"driver failed:\n{run.stdout}\n{run.stderr}"
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.timeout(600)
def test_each_sdk_host_shows_one_clear_line_for_an_expected_failure(sdk_python: tuple[str, Path]) -> None:
    which, python = sdk_python
    result = _drive(python, "delete")
    sdk, details, stderr = result["sdk"], result["details"], result["stderr"]
    where = f"pulumi {sdk} (abort_with_traceback={result['abort_with_traceback']})"
    assert result["code"] == "UNKNOWN", where
    # The floor predates the host's _abort_with_traceback and the newest has it, so both branches of
    # reporting.install_error_formatting run for real; if that stops being so, this range check is hollow.
    assert result["abort_with_traceback"] == (which == "newest"), where
    assert "pushsmm: deleting flow 12 (website 3) failed" in details, f"{where}: {details!r}"
    assert "127.0.0.1" in details and "refused the connection" in details, f"{where}: {details!r}"
    assert len(details.strip().splitlines()) == 1, f"{where}: more than one line: {details!r}"
    assert "Traceback" not in details and 'File "' not in details, f"{where}: {details!r}"
    assert "Traceback" not in stderr, f"{where}: the host logged a traceback:\n{stderr}"



@pytest.mark.timeout(600)
def test_flow_get_with_an_account_reads_that_accounts_flow_on_each_sdk(sdk_python: tuple[str, Path],
                                                                        server: EmulatorServer) -> None:
    which, python = sdk_python
    site = website_of(server, account=1)
    flow_id = str(make_flow(server, KEY_B, website_id=site, name="Theirs", title="Read me"))
    result = _drive(python, "get", server.base_url, KEY_B, flow_id)
    where = f"{which} SDK, pulumi {result['sdk']}"
    # The program side made a read of that id carrying the account; the host read it with that account's key.
    assert result["read_id"] == flow_id and result["key_is_secret"], where
    assert result["request"]["account_base_url"] == server.base_url, where
    assert result["read"] == {"id": flow_id, "title": "Read me", "website_id": site}, where
