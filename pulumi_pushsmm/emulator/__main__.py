"""Command line: ``pushsmm-emulator`` / ``python -m pulumi_pushsmm.emulator``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .exceptions import EmulatorError
from .faults import ERROR_STATUSES, HTTP_METHODS, FaultRule
from .server import DEFAULT_API_KEY, EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (its --help documents the default demo key)."""
    parser = argparse.ArgumentParser(
        prog="pushsmm-emulator",
        description=(
            "Local twin of the pushsmm web-push API. Prints one JSON line "
            '{"event": "ready", "base_url", "admin_url", "accounts"} on stdout when it is serving, '
            "then runs until interrupted. API keys are never printed."
        ),
        epilog=(
            "Without --api-key the key is $PUSHSMM_API_KEY, or else the demo key:\n"
            f"  {DEFAULT_API_KEY}\n"
            "Admin surface (not part of the real API): under admin_url, e.g. GET /_emulator."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default: 0)")
    parser.add_argument("--db", metavar="PATH", help="SQLite file to keep data across restarts (default: in memory)")
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        action="append",
        dest="api_keys",
        help="accept this key, as its own account with two websites and a segment each (repeatable)",
    )
    parser.add_argument(
        "--rate-limit", type=int, default=60, metavar="N", help="requests per minute per key; 0 = off (default: 60)"
    )
    parser.add_argument(
        "--create-response",
        choices=["full", "id"],
        default="full",
        help='create answers the full flow (as the server code does) or {"data": {"id": N}} (as documented)',
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault dice (default: 0)")
    parser.add_argument("--api-disabled", action="store_true", help="answer every /api call with a 302 to an HTML page")
    parser.add_argument("--access-log", action="store_true", help="log one line per request on stderr")
    faults = parser.add_argument_group("fault injection (also at run time: PUT /_emulator/faults)")
    faults.add_argument("--fail-rate", type=float, metavar="P", help="answer an error to this share of requests")
    faults.add_argument(
        "--fail-status",
        type=int,
        action="append",
        choices=ERROR_STATUSES,
        metavar="CODE",
        help=f"status of --fail-rate errors, one of {ERROR_STATUSES} (repeatable; default 500)",
    )
    faults.add_argument("--drop-rate", type=float, metavar="P", help="close the connection without an answer")
    faults.add_argument("--latency-ms", type=int, metavar="MS", help="add this latency to every request")
    faults.add_argument(
        "--commit-then-fail-rate",
        type=float,
        metavar="P",
        help="store a flow create/update, then answer 500",
    )
    faults.add_argument(
        "--fault-methods",
        action="append",
        type=str.upper,
        choices=HTTP_METHODS,
        metavar="METHOD",
        help="limit faults to these methods (repeatable; default all)",
    )
    faults.add_argument("--fault-count", type=int, metavar="N", help="each fault fires at most N times")
    return parser


def fault_rules(args: argparse.Namespace) -> list[FaultRule]:
    """The fault rules the flags ask for, in a fixed order."""
    methods = tuple(args.fault_methods or ())
    common = {"methods": methods, "count": args.fault_count}
    rules: list[FaultRule] = []
    if args.latency_ms:
        rules.append(FaultRule(kind="latency", latency_ms=args.latency_ms, **common))
    if args.drop_rate:
        rules.append(FaultRule(kind="drop", rate=args.drop_rate, **common))
    if args.fail_rate:
        statuses = tuple(args.fail_status or (500,))
        rules.append(FaultRule(kind="error", rate=args.fail_rate, statuses=statuses, **common))
    if args.commit_then_fail_rate:
        rules.append(FaultRule(kind="commit_then_fail", rate=args.commit_then_fail_rate, **common))
    return rules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT or SIGTERM."""
    parser = build_parser()
    args = parser.parse_args(argv)
    api_keys = args.api_keys or [os.environ.get("PUSHSMM_API_KEY") or DEFAULT_API_KEY]
    try:
        server = EmulatorServer(
            api_keys=api_keys,
            db_path=args.db,
            rate_limit=args.rate_limit,
            create_response=args.create_response,
            seed=args.seed,
            host=args.host,
            port=args.port,
            faults=fault_rules(args),
            api_disabled=args.api_disabled,
            access_log=args.access_log,
        )
        server.start()
    except (EmulatorError, ValueError, OSError) as exc:
        parser.exit(2, f"pushsmm-emulator: {exc}\n")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        sys.stdout.write(json.dumps(server.ready_line()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
