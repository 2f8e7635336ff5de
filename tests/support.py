"""What tests share: test data, the emulator seen from outside the provider, a configured provider, engine helpers.

Test modules take shared data from here (or from fixtures), never from one another.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pytest
import requests
from pulumi import automation as auto
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import ConfigureRequest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider

ROOT = Path(__file__).resolve().parent.parent
PINNED_VERSION = (ROOT / "scripts" / "pulumi-version").read_text().strip()
"""The Pulumi CLI release the bootstrap builds; ``scripts/pulumi-version`` is its one home."""

# --- shared test data ----------------------------------------------------------------------------

KEY_A = "test-key-account-a-SECRET-aaaa"
"""The API key of the emulator's account A in every test that needs two accounts."""
KEY_B = "test-key-account-b-SECRET-bbbb"
"""The API key of account B."""
ENGINE_KEY = "engine-test-key-5d1e-DO-NOT-LEAK"
"""The API key of the one account of the ``engine_emulator`` fixture; engine tests assert it never leaks."""

VALID: dict[str, Any] = {
    "website_id": 1,
    "name": "Welcome",
    "title": "Thanks for subscribing",
    "description": "Here is what happens next.",
    "wait_time": 10,
    "wait_time_type": "minutes",
}
"""The required inputs of a Flow, all valid; tests change one thing at a time from here."""


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real, tiny PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# --- the emulator, from outside the provider ----------------------------------------------------


def bearer(key: str = KEY_A) -> dict[str, str]:
    """The auth header of a key."""
    return {"Authorization": f"Bearer {key}"}


def multipart(**fields: Any) -> dict[str, Any]:
    """Form fields for ``requests``' ``files=`` so the body is multipart/form-data."""
    return {name: (None, str(value)) for name, value in fields.items()}


def post_flow(server: EmulatorServer, key: str, fields: dict[str, Any], files: dict[str, Any] | None = None,
              timeout: float = 10) -> requests.Response:
    """A raw ``POST /flows`` of ``fields`` (and file parts), as curl or the pushsmm dashboard would send it."""
    return requests.post(f"{server.base_url}/flows", headers=bearer(key),
                         files={**multipart(**fields), **(files or {})}, timeout=timeout)


def refused_url() -> str:
    """A loopback API URL where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def make_flow(server: EmulatorServer, key: str, image: Path | None = None, **fields: Any) -> int:
    """Create a flow straight through the API, outside Pulumi, and return its id."""
    form = {"description": "Made by hand", "wait_time": 1, "wait_time_type": "days", **fields}
    files = {"image": (image.name, image.read_bytes(), "image/png")} if image is not None else None
    response = post_flow(server, key, form, files)
    response.raise_for_status()
    return int(response.json()["data"]["id"])


def website_of(server: EmulatorServer, account: int = 0, index: int = 0) -> int:
    """A seeded website id of a start-up account."""
    return int(server.accounts[account]["website_ids"][index])


def segment_of(server: EmulatorServer, website_id: int, account: int = 0) -> int:
    """The seeded segment id of a website."""
    return int(server.accounts[account]["segment_ids"][str(website_id)][0])


def stored(server: EmulatorServer, flow_id: str, api_key: str = KEY_A) -> dict[str, Any]:
    """The flow as the emulator holds it (its own state, not what the provider says)."""
    flows = {str(f["id"]): f for f in server.flows_for(api_key)}
    return flows[flow_id]


def _logged(server: EmulatorServer, keep: Callable[[dict[str, Any]], bool]) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in server.request_log() if keep(r)]


def calls(server: EmulatorServer) -> list[str]:
    """Every request the emulator logged, as "METHOD /path"."""
    return _logged(server, lambda r: True)


def writes(server: EmulatorServer) -> list[str]:
    """The write requests (POST, DELETE) the emulator logged."""
    return _logged(server, lambda r: r["method"] in ("POST", "DELETE"))


def flow_requests(server: EmulatorServer) -> list[str]:
    """The requests to /api/flows the emulator logged."""
    return _logged(server, lambda r: str(r["path"]).startswith("/api/flows"))


# --- the provider --------------------------------------------------------------------------------


def configured_provider(emulator: EmulatorServer, api_key: str = KEY_A) -> FlowProvider:
    """A provider as the engine would configure it from stack config, against ``emulator``."""
    provider = FlowProvider()
    config = Config({"pushsmm:apiKey": api_key, "pushsmm:baseUrl": emulator.base_url}, "test")
    provider.configure(ConfigureRequest(config))
    return provider


def checked(provider: FlowProvider, **changes: Any) -> dict[str, Any]:
    """Inputs as the engine hands them to create: after check."""
    result = provider.check({}, {**VALID, **changes})
    assert not result.failures, result.failures
    return result.inputs


class RecordingMocks(pulumi.runtime.Mocks):
    """Pulumi mocks that keep each resource's inputs by name; a resource's outputs are its inputs plus ``outputs``."""

    def __init__(self, **outputs: Any) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}
        self.outputs = outputs

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[args.name] = args.inputs
        return f"{args.name}-id", {**args.inputs, **self.outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def mypy_errors(tmp_path: Path, source: str) -> list[str]:
    """The ``error:`` lines of ``mypy --strict`` on a program of ``source`` that uses this checkout's package."""
    program = tmp_path / "program.py"
    program.write_text(source)
    # MYPYPATH finds this checkout's package whether it is installed editable or not.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", str(program)],
        capture_output=True, text=True, cwd=tmp_path, env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert (result.returncode == 1) == bool(errors), result.stdout + result.stderr
    return errors


def table_rows(text: str, columns: Sequence[str]) -> list[list[str]]:
    """The rows of a table printed as text, under its header line naming ``columns``; cells two or more spaces apart.

    The line under the header (a rule) is skipped; the table ends at the first line that is not a row.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.split(r"\s{2,}", line.strip()) == list(columns)), None)
    assert start is not None, f"no table with the columns {list(columns)} in:\n{text}"
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == len(columns):
            rows.append(cells)
        elif rows:
            break
    return rows


# --- engine tests --------------------------------------------------------------------------------

LEVELS = ("unit", "integration", "engine")
"""The level markers (pyproject.toml): each test has exactly one, from its module's ``pytestmark``."""

DEFAULT_MODE = "default"
"""The emulator as the product's code answers: /websites, /segments, whole flows after writes."""
DOCUMENTED_ONLY = "documented-only"
"""The emulator serving only pushsmm's documented Flows endpoints, in the reference's shapes."""
IN_BOTH_MODES = pytest.mark.parametrize("cli_emulator", [DEFAULT_MODE, DOCUMENTED_ONLY], indirect=True, scope="module")
"""Runs a module's `cli_emulator` tests in both emulator modes (tests/conftest.py)."""

CI_ALLOWED_SKIPS: tuple[str, ...] = ("live API: ",)
"""Reasons (prefixes) for which an engine test may still skip under CI=true; tests/conftest.py fails any other skip.

One: the live acceptance suite's real-API target (tests/live/), which runs only where a person gives it a real
account's key; its emulator targets run in CI. Every other engine skip means its check did not run, which in CI
must be red: the Pulumi CLI not found (the bootstrap is broken), Chromium or chromedriver missing (.ci/run installs
them), and a throwaway venv or a Pulumi SDK from PyPI that could not be had (tests/errors/test_sdk_versions.py).
Add a prefix only for a skip that is right in CI too.
"""


def skip_refused_in_ci(reason: str, *, engine: bool, env: Mapping[str, str],
                       allowed: tuple[str, ...] = CI_ALLOWED_SKIPS) -> str | None:
    """The failure a skip becomes, or None when it may stand: under CI=true an engine test skips only as allowed."""
    if not engine or env.get("CI", "").lower() != "true" or reason.startswith(allowed):
        return None
    return (f"CI=true, where an engine test may skip only for a reason in tests/support.py CI_ALLOWED_SKIPS; "
            f"this one did not run: {reason}")


CLI_HELP = (
    "Install the Pulumi CLI, or run `scripts/bootstrap-pulumi` (or `make test`), which builds it from Go "
    "modules into ~/.cache/pulumi-pushsmm/ and puts it on PATH."
)
PASSPHRASE = "pulumi-pushsmm-tests"


def find_pulumi_bin_dir() -> Path | None:
    """The directory of a usable `pulumi`: on PATH, or the bootstrap's cached build."""
    on_path = shutil.which("pulumi")
    if on_path:
        return Path(on_path).resolve().parent
    # The bootstrap knows which of its cached builds fits this checkout's patch; it builds nothing when asked so.
    cached = subprocess.run([str(ROOT / "scripts" / "bootstrap-pulumi"), "--cached-bin-dir"], capture_output=True,
                            text=True, check=False)
    if cached.returncode == 0 and cached.stdout.strip():
        return Path(cached.stdout.strip())
    return None


def engine_env(state_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the CLI: a local file backend, a passphrase, no update checks, no downloads."""
    python_bin = str(Path(sys.executable).parent)
    return {
        "PULUMI_BACKEND_URL": state_dir.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_HOME": str(state_dir / ".pulumi-home"),
        # The dynamic provider process runs `python3 -m pulumi.dynamic`: make it this interpreter,
        # and let it import test-only provider modules.
        "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        **(extra or {}),
    }


def inline_stack(
    tmp_path: Path,
    program: Callable[[], None],
    *,
    project: str = "pushsmm-test",
    stack: str = "test",
    config: dict[str, auto.ConfigValue] | None = None,
    env: dict[str, str] | None = None,
    work_dir: Path | None = None,
) -> auto.Stack:
    """A new stack of an inline program, with its state in ``tmp_path``."""
    state_dir = tmp_path / "state"
    state_dir.mkdir(exist_ok=True)
    work_dir = work_dir or tmp_path / "work"
    work_dir.mkdir(exist_ok=True)
    settings = auto.ProjectSettings(name=project, runtime="python", backend=auto.ProjectBackend(state_dir.as_uri()))
    opts = auto.LocalWorkspaceOptions(
        work_dir=str(work_dir),
        project_settings=settings,
        env_vars=engine_env(state_dir, env),
        secrets_provider="passphrase",
    )
    created = auto.create_stack(stack, project_name=project, program=program, opts=opts)
    if config:
        created.set_all_config(config)
    return created


def outputs(result: Any) -> dict[str, Any]:
    """Plain values of an up result's outputs."""
    return {k: v.value for k, v in result.outputs.items()}


class EmulatorAdmin:
    """The emulator's admin surface over HTTP: how engine tests look at its state, not through the provider."""

    def __init__(self, admin_url: str, user_id: int) -> None:
        self.admin_url = admin_url
        self.user_id = user_id

    @classmethod
    def of(cls, server: EmulatorServer, account: int = 0) -> EmulatorAdmin:
        """The admin surface of ``server``, looking at one of its start-up accounts."""
        return cls(server.admin_url, int(server.accounts[account]["user_id"]))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.admin_url}{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def flows(self) -> list[dict[str, Any]]:
        """The account's flows as the emulator stores them."""
        return list(self._call("GET", f"/accounts/{self.user_id}/flows")["data"])

    def drift(self, flow_id: int | str, **fields: Any) -> None:
        """Change a flow behind Pulumi's back."""
        self._call("PATCH", f"/flows/{int(flow_id)}", json=fields)

    def delete(self, flow_id: int | str) -> None:
        """Delete a flow behind Pulumi's back."""
        self._call("DELETE", f"/flows/{int(flow_id)}")

    def requests(self) -> list[dict[str, Any]]:
        """The request log: method, path, status."""
        return list(self._call("GET", "/requests")["data"])

    def clear_requests(self) -> None:
        """Forget the request log."""
        self._call("DELETE", "/requests")


def account_config(server: EmulatorServer, key: str,
                   secrets: Mapping[str, str] | None = None) -> dict[str, auto.ConfigValue]:
    """Stack config pointing the provider at one emulator account, and ``secrets`` (by full config key) as secrets."""
    return {"pushsmm:apiKey": auto.ConfigValue(key, secret=True),
            "pushsmm:baseUrl": auto.ConfigValue(server.base_url),
            **{name: auto.ConfigValue(value, secret=True) for name, value in (secrets or {}).items()}}


class Printed:
    """Everything the CLI printed, stdout and stderr."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @property
    def io(self) -> dict[str, Any]:
        """Callbacks for an automation API call."""
        return {"on_output": self.lines.append, "on_error": self.lines.append}

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def planned_flow_ops(stack: auto.Stack, **io: Any) -> dict[str, str]:
    """Preview, returning each Flow's planned operation ("create", "update", "same", ...) by resource name.

    ``io`` are the preview's output callbacks (``Printed.io``).
    """
    found: dict[str, str] = {}

    def on_event(event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre and pre.metadata.type.endswith("pushsmm:Flow"):
            found[pre.metadata.urn.split("::")[-1]] = pre.metadata.op.value

    stack.preview(on_event=on_event, **io)
    return found
