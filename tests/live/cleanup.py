"""``python -m tests.live.cleanup``: remove every flow an earlier live run left behind (names under LIVE_PREFIX)."""

from __future__ import annotations

import sys

from tests.live.target import LIVE_KEY_ENV, LIVE_PREFIX, LIVE_WEBSITE_ENV, live_target, remove_flows


def main() -> int:
    """Delete the leftovers; say how many."""
    target = live_target()
    if target is None:
        print(f"set {LIVE_KEY_ENV} and {LIVE_WEBSITE_ENV} to the account the live suite ran against", file=sys.stderr)
        return 2
    removed = remove_flows(target)
    print(f"removed {len(removed)} flow(s) named {LIVE_PREFIX}*" + (f": {', '.join(removed)}" if removed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
