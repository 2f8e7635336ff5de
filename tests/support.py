"""What tests share: test data (keys, valid inputs, a PNG), the Pulumi pin, and helpers for engine tests.

Test modules take shared data from here (or from fixtures), never from one another.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def writes(server: EmulatorServer) -> list[str]:
    """The write requests the emulator logged, as "METHOD /path"."""
    return [f"{r['method']} {r['path']}" for r in server.request_log() if r["method"] in ("POST", "DELETE")]


def calls(server: EmulatorServer) -> list[str]:
    """Every request the emulator logged, as "METHOD /path"."""
    return [f"{r['method']} {r['path']}" for r in server.request_log()]


def stored(server: EmulatorServer, flow_id: str, api_key: str = KEY_A) -> dict[str, Any]:
    """The flow as the emulator holds it (its own state, not what the provider says)."""
    flows = {str(f["id"]): f for f in server.flows_for(api_key)}
    return flows[flow_id]


def website(server: EmulatorServer, index: int = 0, account: int = 0) -> int:
    """A seeded website id of a start-up account."""
    return int(server.accounts[account]["website_ids"][index])


def segment_of(server: EmulatorServer, website_id: int, account: int = 0) -> int:
    """The seeded segment id of a website."""
    segments = server.accounts[account]["segment_ids"]
    return int(segments[str(website_id)][0] if isinstance(segments, dict) else segments[0])


# --- engine tests --------------------------------------------------------------------------------

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
