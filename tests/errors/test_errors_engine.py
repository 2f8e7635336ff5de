"""An unreachable host is one clear message through the real `pulumi` CLI, with no traceback and no key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_stack import Account, Admin, CliStack

pytestmark = pytest.mark.engine


def test_an_unreachable_host_is_one_clear_message(tmp_path: Path, admin: Admin) -> None:
    account = Account(admin)
    stack = CliStack(tmp_path, config={"pushsmm:baseUrl": "http://127.0.0.1:9/api", "site": str(account.site),
                                       "n": "1", "pushsmm:retryTimeout": "2"},
                     secrets={"pushsmm:apiKey": account.key})
    done = stack.run("up", "--yes", "--skip-preview", check=False, timeout=60)
    printed = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in printed
    assert "127.0.0.1:9" in printed and "refused the connection" in printed
    assert account.key not in printed
    print(printed)
