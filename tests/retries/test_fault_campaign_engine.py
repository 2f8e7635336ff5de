"""One `up` converges under a mixed fault campaign, through the real `pulumi` CLI (issue 10's "done when").

Each test has its own account of one shared emulator (tests/cli_stack.py); faults are switched per test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli_stack import Account, Admin, assert_exactly_the_programs_flows, new_stack
from tests.support import DEFAULT_MODE, DOCUMENTED_ONLY

pytestmark = pytest.mark.engine


def mixed_faults(rate: float = 0.3) -> list[dict[str, Any]]:
    """``rate`` of all writes fail, in three kinds: commit-then-fail, dropped connections, errors (429 and 5xx).

    The emulator tries the rules in order, so each gets the rate that makes the three together
    ``rate`` for a POST (reads meet only the last two).
    """
    share = 1 - (1 - rate) ** (1 / 3)
    return [
        {"kind": "commit_then_fail", "rate": share, "methods": ["POST"]},
        {"kind": "drop", "rate": share},
        {"kind": "error", "rate": share, "statuses": [429, 500, 502, 503]},
    ]


# Three seeds against the emulator as the product's code answers, one where only the documented endpoints are served.
@pytest.mark.parametrize(("cli_emulator", "seed"), [(DEFAULT_MODE, 11), (DEFAULT_MODE, 22), (DEFAULT_MODE, 33),
                                                   (DOCUMENTED_ONLY, 11)], indirect=["cli_emulator"], scope="module")
def test_fault_campaign_converges_in_one_run_each(seed: int, tmp_path: Path, admin: Admin) -> None:
    account = Account(admin)
    stack = new_stack(tmp_path, account)
    admin.clear_requests()
    admin.set_faults(mixed_faults(), seed=seed)
    stack.up()
    assert_exactly_the_programs_flows(stack, account)
    stack.assert_clean_preview()

    stack.run("config", "set", "title", "Updated under fire")
    stack.up()
    assert_exactly_the_programs_flows(stack, account, title="Updated under fire")

    stack.run("destroy", "--yes", "--skip-preview", "--parallel", "8")
    assert account.flows() == []
    log = admin.requests()
    posts = [r for r in log if r["method"] == "POST"]
    faulted_posts = [r for r in posts if r.get("fault")]
    assert {r["fault"] for r in faulted_posts} >= {"commit_then_fail", "drop", "error"}
    assert 0.2 <= len(faulted_posts) / len(posts) <= 0.4, f"{len(faulted_posts)} of {len(posts)} writes faulted"
