"""`make demo`: deploy the welcome series to the local pushsmm emulator with the real Pulumi CLI.

Starts the emulator with a database under .demo/ (git-ignored), uses a local
state backend there with a fixed demo passphrase, sets pushsmm:baseUrl and
pushsmm:apiKey (as a secret), runs `pulumi up --yes` on the repository's
project, lets 50 simulated subscribers join the website (the emulator's admin
call), runs `pulumi refresh --run-program` so the flows' counters reach the stack
outputs, then shows the outputs, the flows as the emulator holds them, and the
address of the emulator's HTML view. A second run finds nothing to change.
With PUSHSMM_DEMO_KEEP=1 (`make demo KEEP=1`) the emulator keeps running until Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests
from rich import box
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
# Tests run the demo with their own folder and stack name; users get .demo/ and "demo".
DEMO_DIR = Path(os.environ.get("PUSHSMM_DEMO_DIR", ROOT / ".demo"))
STACK = os.environ.get("PUSHSMM_DEMO_STACK", "demo")
DEMO_API_KEY = "demo-key-not-secret"  # the emulator's account for the demo; never a real key
PASSPHRASE = "pulumi-pushsmm-demo"
SUBSCRIBERS = {"count": 50, "seed": 1}  # seeded: every run adds the same plausible numbers
KEEP = os.environ.get("PUSHSMM_DEMO_KEEP", "").lower() in ("1", "true", "yes")


def start_emulator() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start the emulator on a free port and return it with its ready line."""
    emulator = subprocess.Popen(
        [sys.executable, "-m", "pulumi_pushsmm.emulator", "--port", "0", "--db", str(DEMO_DIR / "emulator.db"),
         "--api-key", DEMO_API_KEY, "--rate-limit", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert emulator.stdout is not None
    line = emulator.stdout.readline()
    if not line:
        emulator.wait()
        sys.exit("the emulator did not start")
    return emulator, json.loads(line)


def pulumi(*args: str, env: dict[str, str], capture: bool = False) -> str:
    """Run the Pulumi CLI in the repository root; stop the demo if it fails."""
    shown = " ".join("[secret]" if arg == DEMO_API_KEY else arg for arg in args)
    print(f"$ pulumi {shown}", flush=True)
    result = subprocess.run(["pulumi", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE if capture else None)
    if result.returncode != 0:
        sys.exit(f"pulumi {args[0]} failed with exit code {result.returncode}")
    return result.stdout or ""


def first_website_host(base_url: str) -> str:
    """The host of the demo account's first website, which the welcome series looks up by host."""
    response = requests.get(f"{base_url}/websites", headers={"Authorization": f"Bearer {DEMO_API_KEY}"}, timeout=10)
    response.raise_for_status()
    return str(response.json()["data"][0]["host"])


def plural(count: int, unit: str) -> str:
    """``count`` with ``unit`` (a plural noun such as ``days``), singular for one: ``1 day``, ``10 minutes``."""
    return f"{count} {unit.removesuffix('s') if count == 1 else unit}"


COLUMNS = ("id", "website", "name", "title", "wait", "ttl", "enabled", "image", "sent", "displayed", "clicked",
           "closed")
"""The columns of the flows table."""


def flows_table(flows: list[dict[str, Any]]) -> Table:
    """The flows as the API lists them, as a rich table: one row each, the wait in words, the counters."""
    table = Table(*COLUMNS, box=box.SIMPLE_HEAD)
    for name in COLUMNS[8:]:
        table.columns[COLUMNS.index(name)].justify = "right"
    for flow in flows:
        table.add_row(str(flow["id"]), str(flow["website_id"]), flow["name"], flow["title"],
                      plural(int(flow["wait_time"]), str(flow["wait_time_type"])), str(flow["settings"]["ttl"]),
                      "yes" if flow["is_enabled"] else "no", "yes" if flow.get("image_url") else "no",
                      *(str(flow[f"total_{name}_push_notifications"]) for name in COLUMNS[8:]))
    return table


def account_flows(base_url: str) -> list[dict[str, Any]]:
    """The demo account's flows, as the emulator holds them."""
    response = requests.get(f"{base_url}/flows", params={"results_per_page": 1000},
                            headers={"Authorization": f"Bearer {DEMO_API_KEY}"}, timeout=10)
    response.raise_for_status()
    return list(response.json()["data"])


def show(table: Table) -> None:
    """Print a table whole: as wide as the terminal, and never wrapped when the output is not one (a log, a test)."""
    console = Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)
    console.print(table)


def add_subscribers(admin_url: str, website_id: int) -> None:
    """Let simulated subscribers join the website: its flows send to them and their counters move."""
    response = requests.post(f"{admin_url}/websites/{website_id}/subscribers", json=SUBSCRIBERS, timeout=10)
    response.raise_for_status()
    sent = sum(flow["sent"] for flow in response.json()["flows"])
    print(f"\n$ curl -X POST {admin_url}/websites/{website_id}/subscribers -d '{json.dumps(SUBSCRIBERS)}'\n"
          f"{SUBSCRIBERS['count']} simulated subscribers joined website {website_id}; its flows sent them "
          f"{sent} notifications.", flush=True)


def wait_for_ctrl_c(emulator: subprocess.Popen[str], page_url: str) -> None:
    """Keep the emulator serving until the user presses Ctrl-C (or it stops by itself)."""
    print(f"\nThe emulator keeps running: open {page_url} (press Ctrl-C to stop it).", flush=True)
    try:
        emulator.wait()
    except KeyboardInterrupt:
        print("\nStopping the emulator.", flush=True)


def main() -> None:
    """Run the demo."""
    if shutil.which("pulumi") is None:
        sys.exit("pulumi is not on PATH: run `make demo`, which bootstraps it")
    (DEMO_DIR / "state").mkdir(parents=True, exist_ok=True)
    emulator, ready = start_emulator()
    try:
        base_url = ready["base_url"]
        website_host = first_website_host(base_url)
        page_url = f"{ready['admin_url']}/ui"
        print(f"pushsmm emulator running at {base_url} (database {DEMO_DIR / 'emulator.db'})", flush=True)
        print(f"Its HTML view (accounts, flows, counters, request log): {page_url}", flush=True)
        env = {
            **os.environ,
            "PULUMI_BACKEND_URL": (DEMO_DIR / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }
        env.pop("PUSHSMM_API_KEY", None)  # the demo's key comes from stack config, as a user's would
        pulumi("stack", "select", "--create", STACK, env=env)
        pulumi("config", "set", "pushsmm:baseUrl", base_url, env=env)
        pulumi("config", "set", "--secret", "pushsmm:apiKey", DEMO_API_KEY, env=env)
        pulumi("config", "set", "websiteHost", website_host, env=env)
        pulumi("up", "--yes", "--skip-preview", env=env)
        website_id = int(pulumi("stack", "output", "website_id", env=env, capture=True))
        add_subscribers(ready["admin_url"], website_id)
        # --run-program re-runs the program, so the exported counters follow the refreshed flows.
        pulumi("refresh", "--yes", "--skip-preview", "--run-program", env=env)
        print("\nStack outputs:", flush=True)
        pulumi("stack", "output", "--json", env=env)
        print("\nFlows the emulator now holds:", flush=True)
        show(flows_table(account_flows(base_url)))
        print(f"\nSee them in the emulator's HTML view: {page_url}", flush=True)
        if KEEP:
            wait_for_ctrl_c(emulator, page_url)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    main()
