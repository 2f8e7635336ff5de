"""Command line: ``pushsmm-emulator`` / ``python -m pulumi_pushsmm.emulator``."""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Final

from .exceptions import EmulatorError
from .faults import ERROR_STATUSES, HTTP_METHODS, FaultRule
from .records import CREATE_RESPONSES
from .server import DEFAULT_API_KEY, EmulatorServer


@dataclass(frozen=True)
class ServerOption:
    """A flag for one ``EmulatorServer`` argument; its default and type are read from the constructor."""

    name: str
    help: str
    flag: str = ""
    metavar: str | None = None
    choices: Sequence[str] | None = None


# The constructor arguments the command line sets one to one (api_keys and faults have flags of their own).
SERVER_OPTIONS: Final = (
    ServerOption("host", "address to bind"),
    ServerOption("port", "port to bind; 0 picks a free one"),
    ServerOption("db_path", "SQLite file to keep data across restarts (default: in memory)", "--db", "PATH"),
    ServerOption("rate_limit", "requests per minute per key; 0 = off", metavar="N"),
    ServerOption(
        "create_response",
        'create answers the full flow (as the server code does; the default) or {"data": {"id": N}} '
        "(as documented; the default and only choice with --documented-only)",
        choices=CREATE_RESPONSES,
    ),
    ServerOption("seed", "seed of the fault dice"),
    ServerOption("api_disabled", "answer every /api call with a 302 to an HTML page"),
    ServerOption("access_log", "log one line per request on stderr"),
    ServerOption(
        "documented_only",
        "serve only what the published Flows reference documents (/flows, /flows/{id}), in its shapes: "
        'create and update answer {"data": {"id": N}}, a list\'s meta holds total; any other /api path is '
        "a 404 like an unknown one (the /_emulator admin surface stays)",
    ),
)


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parameters = inspect.signature(EmulatorServer).parameters
    for option in SERVER_OPTIONS:
        default = parameters[option.name].default
        flag = option.flag or f"--{option.name.replace('_', '-')}"
        if isinstance(default, bool):
            parser.add_argument(flag, dest=option.name, action="store_true", help=option.help)
            continue
        parser.add_argument(
            flag,
            dest=option.name,
            type=str if default is None else type(default),
            default=default,
            metavar=option.metavar,
            choices=option.choices,
            help=option.help if default is None else f"{option.help} (default: {default})",
        )


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
    _add_server_options(parser)
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        action="append",
        dest="api_keys",
        help="accept this key, as its own account with two websites and a segment each (repeatable)",
    )
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
            faults=fault_rules(args),
            **{option.name: getattr(args, option.name) for option in SERVER_OPTIONS},
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
