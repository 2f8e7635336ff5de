"""Running one job per stack, K at a time in the order given, and stopping early when a job asks to.

Stacks start in order; with ``parallel=1`` each waits for the one before. Once a finished job's result says
stop, no further stack starts (those already running finish) and each stack never started gets the
``skipped`` result instead, so a report still names every stack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

R = TypeVar("R")


def each_stack(stacks: Sequence[str], job: Callable[[str], R], *, parallel: int = 1,
               stop: Callable[[R], bool] = lambda _result: False,
               skipped: Callable[[str], R] | None = None) -> list[R]:
    """``job(stack)`` for every stack, ``parallel`` at once, results in the stacks' order.

    After a result for which ``stop`` is true, stacks not yet started get ``skipped(stack)``.
    """
    stopped = threading.Event()

    def one(stack: str) -> R:
        if stopped.is_set() and skipped is not None:
            return skipped(stack)
        result = job(stack)
        if stop(result):
            stopped.set()
        return result

    # The pool takes the stacks in order, so with K workers the first K start together and each later one
    # starts when a worker is free, after checking whether an earlier stack asked to stop.
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="pushsmm-stack") as pool:
        return list(pool.map(one, stacks))
