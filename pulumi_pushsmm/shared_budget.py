"""One account's rate-limit budget: kept in this process, or shared by the processes of a machine in a locked file.

The :class:`~pulumi_pushsmm.transport.RateLimiter` decides when a request may go; this module
only keeps what that decision reads and writes (:class:`BudgetState`), and makes each decision
one transaction. Two stores, one interface (:class:`Budget`):

- :class:`LocalBudget`: the state in memory under a thread lock; what one process alone needs.
- :class:`SharedBudget`: the state in a small JSON file, read and written under ``flock``, so
  that K provider processes deploying K stacks on one key at once (one CI runner, one laptop)
  pace as one client and the server never answers 429. The file is named by a digest of the
  account's base URL and key digest (never the key), in the user's cache directory
  (``~/.cache/pulumi-pushsmm/rate-limit``; see :func:`default_directory`, or
  ``PUSHSMM_RATE_LIMIT_DIR``), readable by its owner only, and holds no key, URL or flow.

A process that dies with requests in flight (a killed ``pulumi up``) must not hold the budget
for ever, so requests in flight are counted per process id, and a process that no longer exists
counts for nothing. A torn or foreign file is read as "nothing known yet": the next answer's
headers teach the limiter again, as at the start of any process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

FORMAT: Final = 1
"""The version of the shared file's layout; a file of another version is read as empty."""

logger = logging.getLogger("pulumi_pushsmm.http")


@dataclass
class BudgetState:
    """What the limiter knows of one key's budget: the server's window, and the requests it has sent."""

    limit: int | None = None
    """``X-RateLimit-Limit``, once seen."""
    reset: float | None = None
    """End of the server's current window (Unix time)."""
    lowest: int | None = None
    """The lowest ``X-RateLimit-Remaining`` reported in that window."""
    stale_before: float = 0.0
    """Answers whose window resets before this belong to a window that is over."""
    in_flight: dict[str, int] = field(default_factory=dict)
    """Holder (a budget in one process: ``<pid>.<token>``) -> requests it sent that are not answered yet."""
    sent: list[float] = field(default_factory=list)
    """Send times within the last minute, oldest first, of the limiters with a ``requestsPerMinute``."""

    def in_flight_total(self) -> int:
        """Requests sent and not yet answered, by every process that shares the budget."""
        return sum(self.in_flight.values())


class Budget(Protocol):
    """Where a limiter keeps its :class:`BudgetState`: each use is one transaction, alone against every other."""

    holder: str
    """Whose requests in flight this process's limiter counts in ``BudgetState.in_flight``."""

    def transaction(self) -> contextlib.AbstractContextManager[BudgetState]:
        """The state, for reading and changing; the changes are kept when the block ends."""


class LocalBudget:
    """The budget of this process alone: the state in memory, one thread at a time."""

    def __init__(self) -> None:
        self.holder = "local"
        self._state = BudgetState()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[BudgetState]:
        """The state, under the thread lock."""
        with self._lock:
            yield self._state


class SharedBudget:
    """The budget of every process of this machine and user on one account: a JSON file, changed under ``flock``.

    Threads of this process take a thread lock first (``flock`` excludes processes, not threads
    sharing one open file), then the file lock; each transaction reads the file, lets the caller
    change the state, and writes it back. A few hundred microseconds, once per request and answer.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        # The process id says whether the holder still exists; the token keeps a dead process's count that
        # a new process with the same id would find apart from its own (it only makes that process slower).
        self.holder = f"{os.getpid()}.{secrets.token_hex(4)}"
        self._lock = threading.Lock()
        with self.transaction():
            pass  # the file exists and can be locked, or this raises here rather than on the first request

    def __repr__(self) -> str:
        return f"SharedBudget({str(self.path)!r})"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[BudgetState]:
        """The state as the file holds it, changes written back, with the file locked throughout."""
        import fcntl  # POSIX only; shared_budget() never makes a SharedBudget where it is missing

        with self._lock:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = _read_all(fd)
                state = _living(_decode(raw), self.holder)
                yield state
                encoded = _encode(state)
                if encoded != raw:
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.ftruncate(fd, 0)
                    os.write(fd, encoded)
            finally:
                os.close(fd)  # closing releases the flock


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _encode(state: BudgetState) -> bytes:
    # By hand rather than dataclasses.asdict, which copies every item of ``sent`` one call at a time.
    return json.dumps({"format": FORMAT, "limit": state.limit, "reset": state.reset, "lowest": state.lowest,
                       "stale_before": state.stale_before, "in_flight": state.in_flight, "sent": state.sent},
                      separators=(",", ":")).encode()


def _decode(raw: bytes) -> BudgetState:
    """The state a file holds; an empty state for an empty, torn or unknown file."""
    try:
        data: Any = json.loads(raw) if raw else {}
    except ValueError:
        return BudgetState()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return BudgetState()
    try:
        return BudgetState(
            limit=None if data["limit"] is None else int(data["limit"]),
            reset=None if data["reset"] is None else float(data["reset"]),
            lowest=None if data["lowest"] is None else int(data["lowest"]),
            stale_before=float(data["stale_before"]),
            in_flight={str(pid): int(n) for pid, n in dict(data["in_flight"]).items()},
            sent=[float(t) for t in data["sent"]],
        )
    except (KeyError, TypeError, ValueError):
        return BudgetState()


def _living(state: BudgetState, me: str) -> BudgetState:
    """``state`` without the requests in flight of processes that no longer exist."""
    state.in_flight = {who: n for who, n in state.in_flight.items() if n > 0 and (who == me or _alive(who))}
    return state


def _alive(holder: str) -> bool:
    pid = holder.partition(".")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process, which exists
    return True


def default_directory(env: Mapping[str, str]) -> Path:
    """``rate-limit`` in the project's cache folder, the one ``scripts/bootstrap-pulumi`` uses too.

    That is ``$PULUMI_PUSHSMM_CACHE``, else ``$XDG_CACHE_HOME/pulumi-pushsmm``, else
    ``~/.cache/pulumi-pushsmm``.
    """
    root = env.get("PULUMI_PUSHSMM_CACHE")
    if not root:
        cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
        root = str(Path(cache) / "pulumi-pushsmm")
    return Path(root) / "rate-limit"


def budget_file(directory: Path, ident: tuple[str, str]) -> Path:
    """The account's file in ``directory``: named by a digest of (base URL, key digest), never by the key."""
    name = hashlib.sha256("\n".join(ident).encode()).hexdigest()[:32]
    return directory / f"{name}.json"


def shared_budget(directory: str | None, ident: tuple[str, str]) -> Budget:
    """The account's budget: shared through a file in ``directory``, else this process's own.

    ``directory`` None means sharing is off (``PUSHSMM_RATE_LIMIT_DIR=off``). Where the file
    cannot be used (no ``fcntl``, a read-only cache directory), the process paces alone, with
    one warning: it still follows the server's headers.
    """
    if directory is None:
        return LocalBudget()
    path = budget_file(Path(directory), ident)
    try:
        import fcntl  # noqa: F401  (POSIX only)

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return SharedBudget(path)
    except (ImportError, OSError) as exc:
        logger.warning("pushsmm rate limit: cannot share the budget with this machine's other processes through "
                       "%s (%s); this process paces on the server's headers alone", path.parent,
                       type(exc).__name__)
        return LocalBudget()
