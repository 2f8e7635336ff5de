"""The fleet run: S stacks of N flows deployed at once on one key, at pushsmm's real 60 requests a minute, one machine.

S project folders (one per stack, as S CI jobs on one runner check the project out), each
with its own local state, all on one emulator account at 60 requests a minute; ``pulumi up``
is started in all of them at the same instant, as separate processes. It reports:

- the wall time from the start until the last ``up`` ends, against the floor the limit forces
  (``benchmarks.run.limit_floor_seconds`` of the requests sent: 60 s for 61 to 120), and where
  the rest went: until the first request, and after the last;
- the 429s on the wire (the emulator's request log) and the stacks that failed;
- the same fleet with the budget not shared (``PUSHSMM_RATE_LIMIT_DIR=off``: each provider
  process paces only itself on the server's headers), and without a limit (what the engine
  and the emulator take on their own);
- a ``refresh`` of the S stacks at once, after the ``up``.

The provider processes share the budget in the user's cache folder, as they would on a
runner. The result goes into ``results.json`` (key ``fleet``) and ``RESULTS.md`` beside the
single-stack rows (only the fleet rows are replaced: the rest, observations included, stays).
Not part of CI.

Run: ``make bench-fleet`` or ``python benchmarks/fleet.py`` (S = 3, N = 30; ``--stacks``, ``--flows``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import KEY, EmulatorProcess, limit_floor_seconds, machine, replace_fleet_rows  # noqa: E402
from tests.cli_stack import CliStack, all_at_once  # noqa: E402
from tests.support import find_pulumi_bin_dir  # noqa: E402

LIMIT = 60


@dataclass
class Wire:
    """What the emulator logged during one command run in every stack at once."""

    requests: int = 0
    status_429: int = 0
    first_s: float = 0.0
    """Seconds from the start to the first request; ``last_s`` to the last one."""
    last_s: float = 0.0

    @classmethod
    def taken(cls, admin_url: str, start: float) -> Wire:
        """The emulator's request log since ``start`` (a Unix time), which is then cleared."""
        log = requests.get(f"{admin_url}/requests", timeout=10).json()["data"]
        requests.delete(f"{admin_url}/requests", timeout=10)
        times = sorted(_log_seconds(entry) for entry in log) or [start]
        return cls(len(log), sum(1 for entry in log if entry["status"] == 429), times[0] - start, times[-1] - start)


@dataclass
class FleetRun:
    """One fleet ``up`` and ``refresh``: how long, what the wire saw, what failed."""

    sharing: str
    """"shared" (the default budget file) or "each process alone" (``PUSHSMM_RATE_LIMIT_DIR=off``)."""
    limit: int
    stacks: int
    flows: int
    wall_s: float = 0.0
    """From the start until the last ``up`` ended."""
    floor_s: float = 0.0
    """What the limit forces on the ``up``'s requests (0 without a limit)."""
    failed: int = 0
    up: Wire = field(default_factory=Wire)
    refresh_s: float = 0.0
    refresh: Wire = field(default_factory=Wire)


def _log_seconds(entry: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(entry["time"]).replace("Z", "+00:00")).timestamp()


def _at_once(stacks: list[CliStack], *args: str, env: dict[str, str]) -> tuple[float, int]:
    """``pulumi ARGS`` started in every stack at once: seconds until the last ended, and how many failed."""
    finished = all_at_once(stacks, *args, env=env)
    for done in finished:
        if done.code != 0:
            print(done.output[-2000:], file=sys.stderr)
    return max(done.seconds for done in finished), sum(done.code != 0 for done in finished)


def fleet(work: Path, stacks: int, flows: int, limit: int, sharing: bool) -> FleetRun:
    """Deploy ``stacks`` stacks of ``flows`` flows at once on one key, then refresh them at once."""
    result = FleetRun("shared" if sharing else "each process alone", limit, stacks, flows)
    env = {} if sharing else {"PUSHSMM_RATE_LIMIT_DIR": "off"}
    with EmulatorProcess([KEY], limit) as server:
        site = str(server.accounts[0]["website_ids"][0])
        folder = work / f"{result.sharing.replace(' ', '-')}-{limit}"
        made = []
        for i in range(stacks):
            (folder / f"stack-{i}").mkdir(parents=True)
            made.append(CliStack(folder / f"stack-{i}", config={"pushsmm:baseUrl": server.base_url, "site": site,
                                                                  "n": str(flows)},
                                 secrets={"pushsmm:apiKey": KEY}))
        Wire.taken(server.admin_url, time.time())  # nothing yet: the stacks' setup sends no request
        start = time.time()
        result.wall_s, failed = _at_once(made, "up", "--yes", "--skip-preview", "--parallel", "8", env=env)
        result.up = Wire.taken(server.admin_url, start)
        result.floor_s = limit_floor_seconds(result.up.requests, limit) if limit else 0.0
        start = time.time()
        result.refresh_s, refresh_failed = _at_once(made, "refresh", "--yes", "--skip-preview", env=env)
        result.refresh = Wire.taken(server.admin_url, start)
        result.failed = failed + refresh_failed
    print(f"fleet {result.sharing} at {limit}/min: {result.wall_s:.1f} s (requests from {result.up.first_s:.1f} "
          f"to {result.up.last_s:.1f} s), {result.up.requests} requests, {result.up.status_429} x 429, "
          f"{result.failed} failed; refresh {result.refresh_s:.1f} s, {result.refresh.requests} requests", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--stacks", type=int, default=3)
    parser.add_argument("--flows", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    bin_dir = find_pulumi_bin_dir()
    if bin_dir is None:
        sys.exit("the Pulumi CLI is not installed: run scripts/bootstrap-pulumi (or make tools) first")
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    with tempfile.TemporaryDirectory(prefix="pushsmm-fleet-") as tmp:
        runs = [fleet(Path(tmp), args.stacks, args.flows, 0, sharing=True),
                fleet(Path(tmp), args.stacks, args.flows, LIMIT, sharing=True),
                fleet(Path(tmp), args.stacks, args.flows, LIMIT, sharing=False)]
    data = json.loads((args.out / "results.json").read_text())
    data["fleet"] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
                     "command": " ".join(["python benchmarks/fleet.py", *(argv if argv is not None else sys.argv[1:])]),
                     "runs": [asdict(run) for run in runs]}
    (args.out / "results.json").write_text(json.dumps(data, indent=2))
    replace_fleet_rows(data["fleet"], args.out / "RESULTS.md")
    print(f"added the fleet run to {args.out / 'RESULTS.md'} and results.json")


if __name__ == "__main__":
    main()
