"""The key is nowhere in `-v=9` logs, `PUSHSMM_LOG=debug` lines, errors or the state, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_stack import Account, Admin, new_stack

pytestmark = pytest.mark.engine


def test_the_key_is_nowhere_in_verbose_logs_state_or_errors(tmp_path: Path, admin: Admin) -> None:
    account = Account(admin)
    stack = new_stack(tmp_path, account, n="2")
    stack.run("config", "set", "n", "2")
    stack.env["PUSHSMM_LOG"] = "debug"
    admin.set_faults([{"kind": "error", "rate": 0.3, "statuses": [500]}], seed=3)
    stack.run("up", "--yes", "--skip-preview", "-v=9", "--logtostderr")
    admin.set_faults([{"kind": "error", "rate": 1.0, "statuses": [500], "methods": ["DELETE"]}])
    failed = stack.run("destroy", "--yes", "--skip-preview", "-v=9", "--logtostderr", check=False,
                       env={"PUSHSMM_RETRY_TIMEOUT": "1"})
    assert failed.returncode != 0
    admin.clear_faults()
    state_file = json.dumps(stack.export())
    logs = [p.read_text(errors="replace") for p in (stack.root / "state").rglob("*") if p.is_file()]
    assert account.key not in state_file
    assert all(account.key not in text for text in stack.output + logs)
    assert "Traceback" not in failed.stdout + failed.stderr
