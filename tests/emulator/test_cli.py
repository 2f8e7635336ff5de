"""The command line: one JSON ready line on stdout, then it serves; keys never printed; flags work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_pushsmm.emulator import DEFAULT_API_KEY
from tests.emulator.helpers import KEY_A, KEY_B, NOT_FOUND, TIMEOUT, bearer, multipart

pytestmark = pytest.mark.integration


@contextmanager
def cli(
    *args: str, env: dict[str, str] | None = None, unset: str = "", command: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Run the emulator, yield its parsed ready line (plus the process), and stop it with SIGTERM."""
    environment = {name: value for name, value in {**os.environ, **(env or {})}.items() if name != unset}
    process = subprocess.Popen(
        [*(command or [sys.executable, "-m", "pulumi_pushsmm.emulator"]), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.endswith("\n"), process.stderr.read() if process.stderr else ""
        ready = json.loads(line)
        yield {**ready, "_process": process, "_line": line}
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        for key in (KEY_A, KEY_B, DEFAULT_API_KEY, "env-key-SECRET"):
            assert key not in out and key not in err


def test_prints_the_ready_line_and_serves() -> None:
    with cli("--api-key", KEY_A, "--api-key", KEY_B, "--access-log") as ready:
        assert set(ready) - {"_process", "_line"} == {"event", "base_url", "admin_url", "accounts"}
        assert ready["event"] == "ready"
        assert ready["base_url"].startswith("http://127.0.0.1:") and ready["base_url"].endswith("/api")
        assert ready["admin_url"] == ready["base_url"].removesuffix("/api") + "/_emulator"
        accounts = ready["accounts"]
        assert [a["user_id"] for a in accounts] == [1, 2]
        assert accounts[0] == {"user_id": 1, "website_ids": [1, 2], "segment_ids": {"1": [1], "2": [2]}}
        assert KEY_A not in ready["_line"]
        response = requests.get(f"{ready['base_url']}/websites", headers=bearer(KEY_B), timeout=TIMEOUT)
        assert [w["id"] for w in response.json()["data"]] == accounts[1]["website_ids"]
        assert response.headers["X-RateLimit-Limit"] == "60"


def test_the_key_comes_from_the_environment_or_else_the_demo_key() -> None:
    with cli(env={"PUSHSMM_API_KEY": "env-key-SECRET"}) as ready:
        assert requests.get(f"{ready['base_url']}/flows", headers=bearer("env-key-SECRET"), timeout=TIMEOUT).ok
        assert (
            requests.get(f"{ready['base_url']}/flows", headers=bearer(DEFAULT_API_KEY), timeout=TIMEOUT).status_code
            == 401
        )
    with cli(env={"PUSHSMM_API_KEY": ""}) as ready:
        assert requests.get(f"{ready['base_url']}/flows", headers=bearer(DEFAULT_API_KEY), timeout=TIMEOUT).ok
    with cli(unset="PUSHSMM_API_KEY") as ready:
        assert requests.get(f"{ready['base_url']}/flows", headers=bearer(DEFAULT_API_KEY), timeout=TIMEOUT).ok


def test_help_documents_the_demo_key() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_pushsmm.emulator", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and DEFAULT_API_KEY in result.stdout and "--create-response" in result.stdout


def test_flags_rate_limit_create_response_and_api_disabled() -> None:
    with cli("--api-key", KEY_A, "--rate-limit", "2", "--create-response", "id") as ready:
        url = f"{ready['base_url']}/flows"
        form = multipart(website_id=1, name="n", title="t", description="d")
        assert requests.post(url, headers=bearer(KEY_A), files=form, timeout=TIMEOUT).json() == {"data": {"id": 1}}
        assert requests.get(url, headers=bearer(KEY_A), timeout=TIMEOUT).status_code == 200
        assert requests.get(url, headers=bearer(KEY_A), timeout=TIMEOUT).status_code == 429
    with cli("--api-key", KEY_A, "--api-disabled") as ready:
        response = requests.get(
            f"{ready['base_url']}/flows", headers=bearer(KEY_A), timeout=TIMEOUT, allow_redirects=False
        )
        assert response.status_code == 302


def test_documented_only_flag() -> None:
    with cli("--api-key", KEY_A, "--documented-only") as ready:
        url = f"{ready['base_url']}/flows"
        form = multipart(website_id=1, name="n", title="t", description="d")
        assert requests.post(url, headers=bearer(KEY_A), files=form, timeout=TIMEOUT).json() == {"data": {"id": 1}}
        assert requests.get(url, headers=bearer(KEY_A), timeout=TIMEOUT).json()["meta"]["total"] == 1
        websites = requests.get(f"{ready['base_url']}/websites", headers=bearer(KEY_A), timeout=TIMEOUT)
        assert websites.status_code == 404
        assert websites.json() == {"errors": [{"title": NOT_FOUND, "status": 404}]}
        assert requests.get(f"{ready['admin_url']}/accounts", timeout=TIMEOUT).status_code == 200
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_pushsmm.emulator", "--documented-only", "--create-response", "full"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "documented_only" in result.stderr and result.stdout == ""


def test_fault_flags() -> None:
    args = ["--api-key", KEY_A, "--rate-limit", "0", "--seed", "9", "--fault-methods", "post", "--fault-count", "1"]
    with cli(*args, "--fail-rate", "1", "--fail-status", "503", "--latency-ms", "50") as ready:
        url = f"{ready['base_url']}/flows"
        form = multipart(website_id=1, name="n", title="t", description="d")
        assert requests.get(url, headers=bearer(KEY_A), timeout=TIMEOUT).status_code == 200
        assert requests.post(url, headers=bearer(KEY_A), files=form, timeout=TIMEOUT).status_code == 503
        assert requests.post(url, headers=bearer(KEY_A), files=form, timeout=TIMEOUT).status_code == 201
        faults = requests.get(f"{ready['admin_url']}/faults", timeout=TIMEOUT).json()
        assert faults["seed"] == 9 and [r["kind"] for r in faults["rules"]] == ["latency", "error"]
    with cli(*args, "--drop-rate", "1") as ready, pytest.raises(requests.ConnectionError):
        requests.post(f"{ready['base_url']}/flows", headers=bearer(KEY_A), timeout=TIMEOUT)
    with cli(*args, "--commit-then-fail-rate", "1") as ready:
        form = multipart(website_id=1, name="n", title="t", description="d")
        assert (
            requests.post(f"{ready['base_url']}/flows", headers=bearer(KEY_A), files=form, timeout=TIMEOUT).status_code
            == 500
        )
        assert (
            len(requests.get(f"{ready['base_url']}/flows", headers=bearer(KEY_A), timeout=TIMEOUT).json()["data"]) == 1
        )


def test_db_flag_keeps_data_across_runs(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    with cli("--api-key", KEY_A, "--db", db) as ready:
        form = multipart(website_id=1, name="kept", title="t", description="d")
        requests.post(f"{ready['base_url']}/flows", headers=bearer(KEY_A), files=form, timeout=TIMEOUT)
    with cli("--api-key", KEY_A, "--db", db) as ready:
        flows = requests.get(f"{ready['base_url']}/flows", headers=bearer(KEY_A), timeout=TIMEOUT).json()["data"]
        assert [f["name"] for f in flows] == ["kept"]


def test_bad_flags_exit_with_a_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_pushsmm.emulator", "--fail-rate", "3"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "rate" in result.stderr and result.stdout == ""


SCRIPT = Path(sys.executable).with_name("pushsmm-emulator")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed next to this Python")
def test_the_console_script() -> None:
    script = str(SCRIPT)
    with cli("--api-key", KEY_A, command=[script]) as ready:
        assert requests.get(f"{ready['base_url']}/flows", headers=bearer(KEY_A), timeout=TIMEOUT).ok
