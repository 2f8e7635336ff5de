"""A killed `pulumi up` leaves nothing behind: `pulumi cancel`, `pushsmm-pulumi recover`, `pulumi up`, real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_stack import (
    Account,
    Admin,
    CliStack,
    N,
    assert_exactly_the_programs_flows,
    killed_mid_up,
    new_stack,
)

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("kill_after", [1, 12, 24])
def test_a_killed_up_is_recovered_in_three_commands(kill_after: int, tmp_path: Path, admin: Admin) -> None:
    def new(attempt: int) -> tuple[CliStack, Account]:
        account = Account(admin)
        (tmp_path / f"attempt-{attempt}").mkdir()
        return new_stack(tmp_path / f"attempt-{attempt}", account), account

    stack, account = killed_mid_up(new, admin, kill_after)
    orphans = len(account.flows()) - len(stack.flow_ids())
    assert orphans > 0, "the kill left no stored-but-unrecorded flow: the test would prove nothing"
    assert len(account.flows()) < N

    stack.run("cancel", "--yes")  # 1. release the dead run's lock
    recovered = stack.recover().stdout  # 2. settle the pending creates
    assert recovered.count("written into the state") == orphans
    stack.up()  # 3. finish the deploy

    assert_exactly_the_programs_flows(stack, account)
    stack.assert_clean_preview()
