"""The benchmark behind ``make bench``: requests and time per Pulumi operation, Flow against a no-op baseline.

For each size N, one stack of N Flows against a fresh local emulator, one
stack of N no-op dynamic resources (``benchmarks/noop_provider.py``), and one
of N no-ops that carry a Flow's state (same engine, CLI and parallelism), run
these operations in order, interleaved (noop, shaped, flow, noop, ...) so that
noise on a shared machine hits all three:

    up (create N), preview (no change), up changing 5, refresh, preview --refresh, destroy

Each figure is the median of ``--repeats`` runs. It also records:

- the API requests of each Flow operation (the emulator's request log) against
  the floor: the fewest requests the operation can be done with;
- the bare API floor's time: the same requests sent directly with one
  ``requests.Session`` and 4 threads, no Pulumi;
- the peak RSS of the dynamic provider process (``VmHWM`` from ``/proc``);
- with ``--real-limit``, ``up`` and ``refresh`` of N=100 at pushsmm's real
  60 requests a minute, against the time that limit forces and against the bare
  API sending the same requests at that limit, and the 429s seen;
- the engine's checkpoint share: ``up`` and ``destroy`` again with
  ``PULUMI_SKIP_CHECKPOINTS=true`` (for information only: see README, "Large stacks"),
  and from those the time per flow between sizes, with and without checkpoints.

Writes ``results.json``, ``chart.png`` (time against N per operation) and
``RESULTS.md`` in ``--out`` (default: this folder). Not part of CI.

Run: ``make bench`` (N = 10, 100, 300, 3 repeats), or
``python benchmarks/run.py --quick`` (N = 10, 50, 1 repeat).
"""

from __future__ import annotations

import argparse
import compileall
import functools
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pulumi import automation as auto  # noqa: E402

from benchmarks.noop_provider import Noop, ShapedNoop  # noqa: E402
from pulumi_pushsmm import Flow  # noqa: E402
from tests.support import find_pulumi_bin_dir, inline_stack  # noqa: E402

KINDS = ("noop", "shaped", "flow")
"""The programs timed for each size: the plain no-op, the no-op with a Flow's state, and Flows."""
OPERATIONS = ("up", "preview", "up_change_5", "refresh", "preview_refresh", "destroy")
CHANGED = 5
KEY = "benchmark-key-DO-NOT-LEAK"
MARKER_ENV = "PUSHSMM_BENCH_RUN"


def floor_requests(operation: str, n: int) -> int:
    """The fewest API requests an operation on N flows can be done with."""
    return {"up": n, "preview": 0, "up_change_5": min(CHANGED, n), "refresh": -(-n // 1000),
            "preview_refresh": -(-n // 1000), "destroy": n}[operation]


# --- the provider process's peak RSS -------------------------------------------------------------------


class RssWatch:
    """Samples /proc for dynamic provider processes of this run (found by an environment marker)."""

    def __init__(self, marker: str) -> None:
        self.marker = f"{MARKER_ENV}={marker}".encode()
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    if b"pulumi.dynamic" not in (proc / "cmdline").read_bytes():
                        continue
                    if self.marker not in (proc / "environ").read_bytes():
                        continue
                    for line in (proc / "status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                except OSError:
                    continue


# --- one stack, one operation sequence --------------------------------------------------------------


@dataclass
class Run:
    """One pass of the operation sequence for one program kind and size."""

    kind: str
    n: int
    seconds: dict[str, float] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    status_429: int = 0
    peak_rss_mib: float = 0.0


def _program(kind: str, n: int, site: int, titles: dict[int, str]) -> Callable[[], None]:
    # Flow and Noop each undo the SDK's nesting pickler wrapper themselves (_resource.sdk_pickler_unnested),
    # so every program can run in this one process, whatever the sizes add up to.
    return lambda: _declare(kind, n, site, titles)


def _declare(kind: str, n: int, site: int, titles: dict[int, str]) -> None:
    for i in range(n):
        inputs: dict[str, Any] = dict(website_id=site, name=f"Flow {i}", title=titles.get(i, f"Message {i}"),
                                      description="Benchmark", wait_time=i + 1, wait_time_type="hours")
        if kind == "flow":
            Flow(f"flow-{i}", **inputs)
        elif kind == "shaped":
            ShapedNoop(f"shaped-{i}", **inputs)
        else:
            Noop(f"noop-{i}", **inputs)


class EmulatorProcess:
    """The emulator in its own process (``python -m pulumi_pushsmm.emulator``), as a real server is.

    Served from the benchmark's own process, the emulator would share one GIL with the inline Pulumi
    program (which also runs here), so every answer would wait on the program and the program on the
    answers: a cost no real deployment has, and one the no-op baseline, which sends no request, never
    pays. Its CPU still counts: it runs on the same cores.
    """

    def __init__(self, api_keys: list[str], rate_limit: int) -> None:
        self._argv = [sys.executable, "-m", "pulumi_pushsmm.emulator", "--rate-limit", str(rate_limit)]
        for key in api_keys:
            self._argv += ["--api-key", key]
        self._proc: subprocess.Popen[str] | None = None
        self.base_url = self.admin_url = ""
        self.accounts: list[dict[str, Any]] = []

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(self._argv, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self._proc.stdout is not None
        ready = json.loads(self._proc.stdout.readline() or "{}")
        if ready.get("event") != "ready":
            self.__exit__()
            raise RuntimeError(f"the emulator did not start: {ready}")
        self.base_url, self.admin_url, self.accounts = ready["base_url"], ready["admin_url"], ready["accounts"]
        return self

    def __exit__(self, *_: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=30)


def run_sequence(kind: str, n: int, parallel: int, work: Path, *, rate_limit: int = 0,
                 operations: tuple[str, ...] = OPERATIONS, extra_env: dict[str, str] | None = None) -> Run:
    """Run the operations on a fresh stack (and a fresh emulator for Flows); time and count each."""
    result = Run(kind, n)
    marker = uuid.uuid4().hex
    with EmulatorProcess([KEY], rate_limit) as server:
        site = int(server.accounts[0]["website_ids"][0])
        titles: dict[int, str] = {}
        stack_dir = work / f"{kind}-{n}-{marker[:8]}"
        stack_dir.mkdir()
        stack = inline_stack(stack_dir, _program(kind, n, site, titles),
                             project=f"bench-{kind}", config={
                                 "pushsmm:apiKey": auto.ConfigValue(KEY, secret=True),
                                 "pushsmm:baseUrl": auto.ConfigValue(server.base_url)},
                             env={MARKER_ENV: marker, **(extra_env or {})})
        admin = server.admin_url

        steps: dict[str, Callable[[], Any]] = {
            "up": lambda: stack.up(parallel=parallel),
            "preview": lambda: stack.preview(parallel=parallel),
            "up_change_5": lambda: (titles.update({i: f"Changed {i}" for i in range(CHANGED)}),
                                    stack.up(parallel=parallel)),
            "refresh": lambda: stack.refresh(parallel=parallel),
            "preview_refresh": lambda: stack.preview(parallel=parallel, refresh=True),
            "destroy": lambda: stack.destroy(parallel=parallel),
        }
        with RssWatch(marker) as rss:
            for operation in operations:
                requests.delete(f"{admin}/requests", timeout=10)
                start = time.perf_counter()
                steps[operation]()
                result.seconds[operation] = time.perf_counter() - start
                log = requests.get(f"{admin}/requests", timeout=10).json()["data"]
                result.requests[operation] = len(log)
                result.status_429 += sum(1 for entry in log if entry["status"] == 429)
        result.peak_rss_mib = rss.peak_kib / 1024
        stack.workspace.remove_stack(stack.name)
    return result


# --- the bare API floor ---------------------------------------------------------------------------------


def _create_directly(session: requests.Session, url: str, site: str, i: int) -> int:
    """POST the create the benchmark program's flow ``i`` makes, straight to the API; its new id."""
    form = {"website_id": site, "name": f"Flow {i}", "title": f"Message {i}", "description": "Benchmark",
            "wait_time": str(i + 1), "wait_time_type": "hours"}
    answer = session.post(f"{url}/flows", files={k: (None, v) for k, v in form.items()}, timeout=90)
    answer.raise_for_status()
    return int(answer.json()["data"]["id"])


def api_floor(n: int) -> dict[str, float]:
    """Seconds for the floor's requests sent directly: one requests.Session, 4 threads, no Pulumi."""
    seconds: dict[str, float] = {}
    with EmulatorProcess([KEY], 0) as server, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {KEY}"
        site = str(server.accounts[0]["website_ids"][0])
        url = server.base_url

        create = functools.partial(_create_directly, session, url, site)

        def timed(call: Callable[[], Any]) -> tuple[float, Any]:
            start = time.perf_counter()
            value = call()
            return time.perf_counter() - start, value

        with ThreadPoolExecutor(4) as pool:
            seconds["up"], ids = timed(lambda: list(pool.map(create, range(n))))
            seconds["preview"] = 0.0
            seconds["up_change_5"], _ = timed(lambda: list(pool.map(
                lambda i: session.post(f"{url}/flows/{i}", files={"title": (None, "Changed")}, timeout=30),
                ids[:CHANGED])))
            listing = lambda: session.get(f"{url}/flows", params={"results_per_page": 1000}, timeout=30)  # noqa: E731
            seconds["refresh"], _ = timed(listing)
            seconds["preview_refresh"], _ = timed(listing)
            seconds["destroy"], _ = timed(lambda: list(pool.map(
                lambda i: session.delete(f"{url}/flows/{i}", timeout=30), ids)))
    return seconds


def api_floor_at_limit(n: int, limit: int = 60) -> float:
    """Seconds for an ``up`` of N's requests (one websites lookup, N creates) sent directly at ``limit`` a minute.

    One ``requests.Session`` and 4 threads, as :func:`api_floor`, paced on the server's
    ``X-RateLimit-*`` headers by the same :class:`~pulumi_pushsmm.transport.RateLimiter` the
    provider uses (a client that waits for the announced reset, so it never sees a 429), from a
    fresh window. The least time those requests take at that limit, reset rounding included.
    """
    from urllib3.util.retry import Retry

    from pulumi_pushsmm.transport import RateLimiter, new_session

    with EmulatorProcess([KEY], limit) as server:
        url = server.base_url
        session = new_session(url, Retry(total=0), RateLimiter())
        session.headers["Authorization"] = f"Bearer {KEY}"
        site = str(server.accounts[0]["website_ids"][0])

        create = functools.partial(_create_directly, session, url, site)

        start = time.perf_counter()
        session.get(f"{url}/websites", timeout=30).raise_for_status()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(create, range(n)))
        seconds = time.perf_counter() - start
        session.close()
    return seconds


def limit_floor_seconds(requests_needed: int, limit: int = 60) -> float:
    """The least time ``requests_needed`` requests take at ``limit`` a minute from a fresh window."""
    return 60.0 * ((requests_needed - 1) // limit) if requests_needed > 0 else 0.0


# --- reporting ------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator == denominator and denominator > 0 else None


def summarise(runs: list[Run], floors: dict[int, dict[str, float]]) -> dict[str, Any]:
    sizes = sorted({r.n for r in runs})
    table: list[dict[str, Any]] = []
    for n in sizes:
        for operation in OPERATIONS:
            seconds = {kind: median([r.seconds[operation] for r in runs
                                     if r.n == n and r.kind == kind and operation in r.seconds]) for kind in KINDS}
            counts = [r.requests[operation] for r in runs if r.n == n and r.kind == "flow"]
            table.append({
                "n": n, "operation": operation, "flow_s": seconds["flow"], "noop_s": seconds["noop"],
                "shaped_s": seconds["shaped"], "ratio": _ratio(seconds["flow"], seconds["noop"]),
                "ratio_shaped": _ratio(seconds["flow"], seconds["shaped"]),
                "requests": max(counts) if counts else None, "floor_requests": floor_requests(operation, n),
                "api_floor_s": floors.get(n, {}).get(operation),
            })
    rss = {n: {kind: median([r.peak_rss_mib for r in runs if r.n == n and r.kind == kind])
               for kind in KINDS} for n in sizes}
    return {"table": table, "rss_mib": rss, "status_429": sum(r.status_429 for r in runs)}


def per_flow_seconds(checkpoints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Milliseconds per added flow between consecutive sizes, with and without the engine's checkpoints."""
    rows: list[dict[str, Any]] = []
    for operation in ("up", "destroy"):
        points = sorted((r["n"], r["with_s"], r["skipped_s"], r.get("noop_skipped_s", float("nan")))
                        for r in checkpoints if r["operation"] == operation)
        for (n0, with0, skip0, noop0), (n1, with1, skip1, noop1) in itertools.pairwise(points):
            added = n1 - n0
            rows.append({"operation": operation, "from_n": n0, "to_n": n1,
                         "with_ms": 1000 * (with1 - with0) / added, "skipped_ms": 1000 * (skip1 - skip0) / added,
                         "noop_skipped_ms": 1000 * (noop1 - noop0) / added})
    return rows


def chart(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for ax, operation in zip(axes.flat, OPERATIONS, strict=True):
        rows = [r for r in summary["table"] if r["operation"] == operation]
        sizes = [r["n"] for r in rows]
        ax.plot(sizes, [r["flow_s"] for r in rows], "o-", label="Flow")
        ax.plot(sizes, [r["noop_s"] for r in rows], "s--", label="no-op")
        ax.plot(sizes, [r.get("shaped_s") for r in rows], "d-.", label="no-op with a Flow's state")
        ax.plot(sizes, [r["api_floor_s"] or 0 for r in rows], "^:", label="bare API")
        ax.set_title(operation.replace("_", " "))
        ax.set_xlabel("N (resources)")
        ax.set_ylabel("seconds (median)")
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    fig.suptitle("pulumi-pushsmm: time per operation against N (local emulator, no rate limit)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def machine() -> str:
    cpu = "unknown CPU"
    with suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    pulumi_version = subprocess.run(["pulumi", "version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"Pulumi CLI {pulumi_version}")


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return format(value, spec)


def write_markdown(data: dict[str, Any], path: Path) -> None:
    summary = data["summary"]
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {data['date']}",
        f"- Machine: {data['machine']}",
        f"- Command: `{data['command']}`; sizes {data['sizes']}, median of {data['repeats']}, "
        f"`--parallel {data['parallel']}`",
        f"- Note: {data['note']}",
        "",
        "Seconds are wall time of the Automation API call (CLI start to finish). *no-op* is a dynamic "
        "resource whose provider does nothing (its state: the inputs the program gives); *shaped no-op* "
        "does nothing either but carries exactly a Flow's state (the checked inputs, defaults left out as a "
        "Flow's are, and the server's fields in its outputs). *Flow / shaped* is what the provider's own "
        "work costs; *shaped / no-op* what the engine spends on a Flow's larger state. *requests* are the "
        "Flow run's API requests (emulator log); *floor* is the fewest the operation needs; *bare API* "
        "sends the floor's requests with one `requests.Session` and 4 threads.",
        "",
        "| N | operation | Flow s | no-op s | shaped no-op s | Flow / no-op | Flow / shaped | shaped / no-op "
        "| requests | floor | bare API s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in summary["table"]:
        shaped = row.get("shaped_s")
        lines.append(f"| {row['n']} | {row['operation'].replace('_', ' ')} | {_fmt(row['flow_s'])} | "
                     f"{_fmt(row['noop_s'])} | {_fmt(shaped)} | {_fmt(row['ratio'])} | "
                     f"{_fmt(row.get('ratio_shaped'))} | {_fmt(_ratio(shaped, row['noop_s']) if shaped else None)} | "
                     f"{_fmt(row['requests'], 'd')} | {row['floor_requests']} | {_fmt(row['api_floor_s'])} |")
    lines += ["", "Peak RSS of the dynamic provider process (MiB, median):", "",
              "| N | Flow | no-op | shaped no-op | Flow - no-op |", "| --- | --- | --- | --- | --- |"]
    for n, rss in summary["rss_mib"].items():
        lines.append(f"| {n} | {_fmt(rss['flow'], '.1f')} | {_fmt(rss['noop'], '.1f')} | "
                     f"{_fmt(rss.get('shaped'), '.1f')} | {_fmt(rss['flow'] - rss['noop'], '+.1f')} |")
    lines += ["", f"429 answers seen in all runs without a limit: {summary['status_429']}."]
    if data.get("checkpoints"):
        lines += ["", "Checkpoint share (Flow, median of as many repeats with `PULUMI_SKIP_CHECKPOINTS=true`; "
                  "for information only, see README \"Large stacks\"):", "",
                  "| N | operation | with checkpoints s | skipped s | share | no-op, skipped s |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in data["checkpoints"]:
            lines.append(f"| {row['n']} | {row['operation']} | {_fmt(row['with_s'])} | {_fmt(row['skipped_s'])} | "
                         f"{_fmt(row['share'], '.0%')} | {_fmt(row.get('noop_skipped_s'))} |")
        per_flow = per_flow_seconds(data["checkpoints"])
        if per_flow:
            lines += ["", "Time per flow between sizes (Flow; milliseconds per added flow, from the medians above and "
                      "the runs without checkpoints): flat without checkpoints means the provider's cost per flow "
                      "does not grow with N; the growth with checkpoints is the engine's.", "",
                      "| operation | sizes | with checkpoints ms/flow | checkpoints skipped ms/flow "
                      "| no-op, checkpoints skipped ms/resource |",
                      "| --- | --- | --- | --- | --- |"]
            for row in per_flow:
                lines.append(f"| {row['operation']} | {row['from_n']} to {row['to_n']} | "
                             f"{_fmt(row['with_ms'], '.1f')} | {_fmt(row['skipped_ms'], '.1f')} | "
                             f"{_fmt(row.get('noop_skipped_ms'), '.1f')} |")
    if data.get("real_limit"):
        when = f" ({data['real_limit_note']})" if data.get("real_limit_note") else ""
        lines += ["", f"At pushsmm's real limit (emulator at 60 requests a minute, N=100){when}:", "",
                  "*time the limit forces* counts only the wait for the next window; *bare API at the limit* "
                  "sends the same requests directly (one `requests.Session`, 4 threads, paced on the server's "
                  "headers, no Pulumi), so it includes the server's reset rounding (whole seconds) that no "
                  "client can avoid without a 429; *added by the limit* is the time against the same operation "
                  "without a limit (N=100 above).", "",
                  "| operation | seconds | requests | 429s | time the limit forces | bare API at the limit s "
                  "| over the bare API | without the limit s | added by the limit s |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        unlimited = {r["operation"]: r["flow_s"] for r in summary["table"] if r["n"] == 100}
        for row in data["real_limit"]:
            bare = row.get("api_floor_s")
            over = row["seconds"] / bare - 1 if bare else None
            without = unlimited.get(row["operation"])
            lines.append(f"| {row['operation']} | {_fmt(row['seconds'])} | {row['requests']} | {row['status_429']} | "
                         f"{_fmt(row['limit_floor_s'])} | {_fmt(bare)} | {_fmt(over, '+.1%')} | {_fmt(without)} | "
                         f"{_fmt(row['seconds'] - without if without is not None else None)} |")
    lines += fleet_lines(data.get("fleet"))
    lines += ["", "![time against N per operation](chart.png)", ""]
    path.write_text("\n".join(lines))


def fleet_lines(fleet: dict[str, Any] | None) -> list[str]:
    """RESULTS.md's rows of the fleet run (``benchmarks/fleet.py``): S stacks at once on one key."""
    if not fleet:
        return []
    runs = fleet["runs"]
    first = runs[0]
    lines = ["", FLEET_START,
             f"Fleet: {first['stacks']} stacks of {first['flows']} flows, `pulumi up` started in all at once on "
             f"one key, one machine (`benchmarks/fleet.py`, {fleet['date']}; {fleet['machine']}):", "",
             "*wall* runs from the start to the end of the last `up`; *floor* is what the limit forces on the "
             "requests sent (60 s for 61 to 120 at 60 a minute), counted from the first request, so *wall* also "
             "holds the engines' start-up before it (*first request*, seconds from the start) and their work after "
             "the last one; *span* is the first to the last request, the part the limit governs. *refresh* is the "
             "S stacks refreshed at once afterwards. *shared* is the provider processes pacing on one budget (the "
             "default); *each process alone* is `PUSHSMM_RATE_LIMIT_DIR=off`, each following the server's headers "
             "only.", "",
             "| budget | limit / min | wall s | floor s | wall over the floor | first request s | span s | "
             "span over the floor | requests | 429s | failed | refresh s | refresh requests | refresh 429s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        up, refresh, floor = run["up"], run["refresh"], run["floor_s"] or None
        span = up["last_s"] - up["first_s"]
        lines.append(f"| {run['sharing']} | {run['limit'] or 'none'} | {_fmt(run['wall_s'])} | {_fmt(floor)} | "
                     f"{_fmt(run['wall_s'] / floor - 1 if floor else None, '+.1%')} | {_fmt(up['first_s'])} | "
                     f"{_fmt(span)} | {_fmt(span / floor - 1 if floor else None, '+.1%')} | {up['requests']} | "
                     f"{up['status_429']} | {run['failed']} | {_fmt(run['refresh_s'])} | {refresh['requests']} | "
                     f"{refresh['status_429']} |")
    return [*lines, FLEET_END]


FLEET_START, FLEET_END = "<!-- fleet:start -->", "<!-- fleet:end -->"
"""Around the fleet rows in RESULTS.md, so ``benchmarks/fleet.py`` replaces them and nothing else."""


def replace_fleet_rows(fleet: dict[str, Any], path: Path) -> None:
    """Write the fleet rows into RESULTS.md: in place of the last ones, else before the chart; the rest is kept."""
    text = path.read_text()
    rows = "\n".join(fleet_lines(fleet)[1:])
    if FLEET_START in text:
        before, rest = text.split(FLEET_START, 1)
        text = before + rows + rest.split(FLEET_END, 1)[1]
    else:
        chart_line = "![time against N per operation](chart.png)"
        text = text.replace(chart_line, f"{rows}\n\n{chart_line}", 1)
    path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 100, 300])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="N = 10, 50 and one repeat")
    parser.add_argument("--real-limit", action="store_true", help="also up and refresh N=100 at 60 requests/min")
    parser.add_argument("--real-limit-only", action="store_true",
                        help="only the real-limit run, added to the results.json already in --out")
    parser.add_argument("--no-checkpoint-run", action="store_true", help="skip the PULUMI_SKIP_CHECKPOINTS runs")
    parser.add_argument("--note", default="2 cores shared with other jobs: figures are noisy; compare ratios.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats = [10, 50], 1
    if args.real_limit_only:
        args.sizes, args.real_limit = [], True
    bin_dir = find_pulumi_bin_dir()
    if bin_dir is None:
        sys.exit("the Pulumi CLI is not installed: run scripts/bootstrap-pulumi (or make tools) first")
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    # Measure the package as installed: pip compiles its bytecode at install time, so no process of either
    # program compiles pulumi_pushsmm's (or the baselines') source on start, whatever PYTHONDONTWRITEBYTECODE says.
    compileall.compile_dir(ROOT / "pulumi_pushsmm", quiet=1)
    compileall.compile_dir(ROOT / "benchmarks", quiet=1)

    runs: list[Run] = []
    floors: dict[int, dict[str, float]] = {}
    checkpoints: list[dict[str, Any]] = []
    real_limit: list[dict[str, Any]] = []
    with _workdir() as work:
        for n in args.sizes:
            floors[n] = api_floor(n)
            for repeat in range(args.repeats):
                for kind in KINDS:
                    run = run_sequence(kind, n, args.parallel, work)
                    runs.append(run)
                    print(f"N={n} repeat {repeat + 1} {kind}: "
                          + ", ".join(f"{op} {s:.1f}s/{run.requests[op]}req" for op, s in run.seconds.items()),
                          flush=True)
            if not args.no_checkpoint_run:
                # The no-op too, interleaved: whatever still grows faster than N without checkpoints is then
                # seen to be the engine's (it grows for the no-op as well) or the provider's (it does not).
                skipped = [run_sequence(kind, n, args.parallel, work, operations=("up", "destroy"),
                                        extra_env={"PULUMI_SKIP_CHECKPOINTS": "true"})
                           for _ in range(args.repeats) for kind in ("noop", "flow")]
                for operation in ("up", "destroy"):
                    with_s = median([r.seconds[operation] for r in runs if r.n == n and r.kind == "flow"])
                    skipped_s = median([r.seconds[operation] for r in skipped if r.kind == "flow"])
                    noop_skipped_s = median([r.seconds[operation] for r in skipped if r.kind == "noop"])
                    checkpoints.append({"n": n, "operation": operation, "with_s": with_s, "skipped_s": skipped_s,
                                        "noop_skipped_s": noop_skipped_s,
                                        "share": 1 - skipped_s / with_s if with_s else None})
        if args.real_limit:
            limited = run_sequence("flow", 100, args.parallel, work, rate_limit=60,
                                   operations=("up", "refresh", "destroy"))
            bare_up = api_floor_at_limit(100)
            for operation in ("up", "refresh"):
                real_limit.append({"operation": operation, "seconds": limited.seconds[operation],
                                   "requests": limited.requests[operation], "status_429": limited.status_429,
                                   "limit_floor_s": limit_floor_seconds(limited.requests[operation]),
                                   "api_floor_s": bare_up if operation == "up" else None})
            print(f"real limit: {real_limit}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    if args.real_limit_only:
        data = json.loads((args.out / "results.json").read_text())
        data["real_limit"] = real_limit
        data["real_limit_note"] = f"run separately on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        (args.out / "results.json").write_text(json.dumps(data, indent=2))
        write_markdown(data, args.out / "RESULTS.md")
        print(f"added the real-limit run to {args.out / 'RESULTS.md'} and results.json")
        return
    summary = summarise(runs, floors)
    data = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
            "command": " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
            "sizes": args.sizes, "repeats": args.repeats, "parallel": args.parallel, "note": args.note,
            "summary": summary, "checkpoints": checkpoints, "real_limit": real_limit,
            "runs": [r.__dict__ for r in runs], "api_floor": floors}
    (args.out / "results.json").write_text(json.dumps(data, indent=2))
    chart(summary, args.out / "chart.png")
    write_markdown(data, args.out / "RESULTS.md")
    print(f"wrote {args.out / 'RESULTS.md'}, results.json and chart.png")


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pushsmm-bench-") as tmp:
        yield Path(tmp)


if __name__ == "__main__":
    main()
