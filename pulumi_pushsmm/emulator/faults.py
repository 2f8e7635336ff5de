"""Seeded fault injection rules: which API request gets an error, a drop, latency or commit-then-fail."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from .exceptions import InvalidAdminRequest

FaultKind = Literal["error", "drop", "latency", "commit_then_fail"]
FAULT_KINDS: tuple[FaultKind, ...] = ("error", "drop", "latency", "commit_then_fail")
ERROR_STATUSES: tuple[int, ...] = (429, 500, 502, 503)
HTTP_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class FaultRule:
    """One fault: what happens, how often, to which methods, and how many times at most.

    - ``kind``: ``error`` (answer one of ``statuses``), ``drop`` (close the socket
      without an answer), ``latency`` (sleep ``latency_ms`` then carry on), or
      ``commit_then_fail`` (a flow create/update is stored, then 500 is answered).
    - ``rate``: probability in [0, 1] that a matching request triggers the fault.
    - ``methods``: HTTP methods the rule applies to; empty means every method.
    - ``count``: the rule fires at most this many times; ``None`` means no limit.
    """

    kind: FaultKind
    rate: float = 1.0
    statuses: tuple[int, ...] = (500,)
    latency_ms: int = 0
    methods: tuple[str, ...] = ()
    count: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise InvalidAdminRequest(f"Unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}.")
        if not 0.0 <= self.rate <= 1.0:
            raise InvalidAdminRequest("A fault rate must be between 0 and 1.")
        if not self.statuses or any(s not in ERROR_STATUSES for s in self.statuses):
            raise InvalidAdminRequest(f"Fault statuses must be among {ERROR_STATUSES}.")
        if self.latency_ms < 0:
            raise InvalidAdminRequest("latency_ms must not be negative.")
        if any(m not in HTTP_METHODS for m in self.methods):
            raise InvalidAdminRequest(f"Fault methods must be among {HTTP_METHODS}.")
        if self.count is not None and self.count < 0:
            raise InvalidAdminRequest("A fault count must not be negative.")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultRule:
        """Build a rule from its JSON form (as sent to ``PUT /_emulator/faults``)."""
        unknown = set(data) - {"kind", "rate", "statuses", "latency_ms", "methods", "count", "remaining"}
        if unknown:
            raise InvalidAdminRequest(f"Unknown fault field(s): {', '.join(sorted(unknown))}.")
        for name in ("statuses", "methods"):
            if name in data and not isinstance(data[name], list | tuple):
                raise InvalidAdminRequest(f"Fault field {name!r} must be a list.")
        try:
            kind = data["kind"]
            rate = float(data.get("rate", 1.0))
            statuses = tuple(int(s) for s in data.get("statuses", (500,)))
            latency_ms = int(data.get("latency_ms", 0))
            methods = tuple(str(m).upper() for m in data.get("methods", ()))
            raw_count = data.get("count")
            count = None if raw_count is None else int(raw_count)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidAdminRequest(f"Invalid fault rule: {exc}.") from None
        return cls(
            kind=cast(FaultKind, kind),
            rate=rate,
            statuses=statuses,
            latency_ms=latency_ms,
            methods=methods,
            count=count,
        )

    def to_dict(self) -> dict[str, Any]:
        """The rule's JSON form."""
        return {
            "kind": self.kind,
            "rate": self.rate,
            "statuses": list(self.statuses),
            "latency_ms": self.latency_ms,
            "methods": list(self.methods),
            "count": self.count,
        }

    def applies_to(self, method: str, is_flow_write: bool) -> bool:
        """Whether a request with this method (and write-ness) is a candidate for the rule."""
        if self.methods and method not in self.methods:
            return False
        return self.kind != "commit_then_fail" or is_flow_write


@dataclass
class FaultDecision:
    """What to do to one request: sleep first, then at most one terminal action."""

    latency_ms: int = 0
    action: Literal["error", "drop", "commit_then_fail"] | None = None
    status: int = 500
    fired: list[str] = field(default_factory=list)


class FaultInjector:
    """The active rules, their remaining counts, and the seeded random source that picks victims."""

    def __init__(self, seed: int = 0, rules: Iterable[FaultRule] = ()) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._random = random.Random(seed)
        self._rules: list[FaultRule] = []
        self._remaining: list[int | None] = []
        self.configure(rules)

    def configure(self, rules: Iterable[FaultRule], seed: int | None = None) -> None:
        """Replace the rules (counts start afresh); reseed the random source when ``seed`` is given."""
        with self._lock:
            self._rules = list(rules)
            self._remaining = [rule.count for rule in self._rules]
            if seed is not None:
                self._seed = seed
                self._random = random.Random(seed)

    def clear(self) -> None:
        """Switch every fault off."""
        self.configure(())

    def snapshot(self) -> dict[str, Any]:
        """The seed, and each rule with how many firings it has left."""
        with self._lock:
            return {
                "seed": self._seed,
                "rules": [
                    {**rule.to_dict(), "remaining": remaining}
                    for rule, remaining in zip(self._rules, self._remaining, strict=True)
                ],
            }

    def decide(self, method: str, is_flow_write: bool) -> FaultDecision:
        """Roll the dice for one API request; a rule's count drops each time it fires."""
        decision = FaultDecision()
        with self._lock:
            for index, rule in enumerate(self._rules):
                remaining = self._remaining[index]
                if remaining == 0 or not rule.applies_to(method, is_flow_write):
                    continue
                if rule.kind != "latency" and decision.action is not None:
                    continue
                if rule.rate < 1.0 and self._random.random() >= rule.rate:
                    continue
                if remaining is not None:
                    self._remaining[index] = remaining - 1
                decision.fired.append(rule.kind)
                if rule.kind == "latency":
                    decision.latency_ms += rule.latency_ms
                else:
                    decision.action = rule.kind
                    decision.status = self._pick(rule.statuses)
        return decision

    def _pick(self, statuses: Sequence[int]) -> int:
        return statuses[0] if len(statuses) == 1 else self._random.choice(list(statuses))
