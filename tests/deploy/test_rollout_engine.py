"""`pushsmm-pulumi up` rolls stacks out in order: it stops at the first failure and says which stacks were done,
and it finishes a rollout whose first stack's `pulumi up` was SIGKILLed once asked to `--recover`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_stack import PROGRAM, Account, Admin, CliStack, N, assert_exactly_the_programs_flows, killed_mid_up
from tests.deploy.helpers import POLICY_PACK, Stacks, section

pytestmark = pytest.mark.engine


def test_a_rollout_stops_at_the_failing_stack_and_says_which_were_done(module_admin: Admin, tmp_path: Path) -> None:
    stacks = Stacks(tmp_path, module_admin, ["a", "b", "c"])
    stacks.set("b", url="http://example.com/welcome")  # the pack's mandatory https rule fails b's preview

    done = stacks.cli("up", "--stack", "a", "--stack", "b", "--stack", "c", "--policy-pack", POLICY_PACK,
                      "--summary", str(tmp_path / "up.md"))

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-3:] == [
        "a: done (2 create)", "b: failed (2 create; 1 mandatory violation(s))", "c: not started"]
    assert [len(stacks.accounts[s].flows()) for s in "abc"] == [2, 0, 0]
    summary = (tmp_path / "up.md").read_text()
    assert "## pushsmm-pulumi up: a stack failed or was left undone" in summary
    assert "| `c` | not started |" in summary
    assert "stopped at the preview: nothing was changed in this stack" in section(summary, "b")
    assert "not started: an earlier stack failed" in section(summary, "c")


def test_a_rollout_whose_first_stack_was_killed_stops_then_recovers(module_admin: Admin, tmp_path: Path) -> None:
    def new(attempt: int) -> tuple[CliStack, Account]:
        made = Stacks(tmp_path / f"attempt-{attempt}", module_admin, ["second", "first"], program=PROGRAM,
                      config={"n": str(N)})
        made.set("second", n="3")
        return made, made.accounts["first"]  # `first` is selected (made last): the one `pulumi up` is killed in

    killed, first = killed_mid_up(new, module_admin, kill_after=5)
    assert isinstance(killed, Stacks)
    stored, recorded = len(first.flows()), len(killed.flow_ids("first"))
    assert recorded < stored < N, "the kill must leave stored-but-unrecorded flows and flows not yet stored"
    rollout = ("up", "--stack", "first", "--stack", "second")

    stopped = killed.cli(*rollout)
    assert stopped.returncode == 1
    assert stopped.stdout.splitlines()[-2:] == [
        "first: needs recovery (the stack is locked or has pending operations: a run still going holds it, or a "
        "killed run left it. Once no process of that run is left, run:)", "second: not started"]
    assert len(first.flows()) == stored  # it changed nothing

    finished = killed.cli(*rollout, "--recover", "--summary", str(tmp_path / "up.md"))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.splitlines()[-2:] == [f"first: done ({N - stored} create)", "second: done (3 create)"]
    notes = section((tmp_path / "up.md").read_text(), "first")
    assert notes.count("written into the state (no duplicate)") == stored - recorded
    assert_exactly_the_programs_flows(killed, first)  # N flows, no duplicate, state ids == pushsmm's: no orphan
    assert len(killed.accounts["second"].flows()) == 3
