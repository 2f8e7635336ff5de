"""Another account's key fails refresh and destroy and changes nothing: "not mine" is not "gone", real CLI.

Both emulator modes: where /websites is not served (documented-only), the key's account is told
apart by the user_id of its own flows, so the other account has one flow of its own there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli_stack import Account, Admin, CliStack, new_stack
from tests.support import IN_BOTH_MODES, make_flow

pytestmark = [pytest.mark.engine, IN_BOTH_MODES]


def other_account(admin: Admin) -> Account:
    """Another account, with one flow of its own (as a real account has), so its user_id shows on its flows."""
    other = Account(admin)
    make_flow(admin, other.key, website_id=other.site, name="Someone else's", title="Theirs")  # type: ignore[arg-type]
    return other


def flow_resources(stack: CliStack) -> list[dict[str, Any]]:
    """The Flow resources of the state: id, inputs and outputs (not secrets, which are re-encrypted on save)."""
    def plain(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if k != "__provider"}  # a secret: re-encrypted on every save

    return sorted(({"urn": r["urn"], "id": r["id"], "inputs": plain(r["inputs"]), "outputs": plain(r["outputs"])}
                   for r in stack.export()["resources"] if r["type"].endswith("pushsmm:Flow")),
                  key=lambda r: str(r["urn"]))


def test_another_accounts_key_fails_refresh_and_destroy_and_changes_nothing(tmp_path: Path, admin: Admin) -> None:
    owner, other = Account(admin), other_account(admin)
    stack = new_stack(tmp_path, owner, n="3")
    stack.run("config", "set", "n", "3")
    stack.up()
    before_state, before_flows = flow_resources(stack), owner.ids()

    stack.run("config", "set", "--secret", "pushsmm:apiKey", other.key)
    for command in (["refresh", "--yes", "--skip-preview"], ["destroy", "--yes", "--skip-preview"]):
        done = stack.run(*command, "--run-program", check=False)
        printed = done.stdout + done.stderr
        assert done.returncode != 0, printed
        assert f"account {owner.user_id}" in printed and f"account {other.user_id}" in printed
        assert "pushsmm:apiKey" in printed and "Traceback" not in printed
        assert flow_resources(stack) == before_state
        assert owner.ids() == before_flows

    # The fix the message gives: the owner's key, and --run-program so the command reads the config.
    stack.run("config", "set", "--secret", "pushsmm:apiKey", owner.key)
    stack.run("destroy", "--yes", "--skip-preview", "--run-program")
    assert owner.flows() == []
    assert all(owner.key not in text and other.key not in text for text in stack.output)


def test_a_key_from_the_environment_changed_under_plain_refresh_and_destroy(tmp_path: Path, admin: Admin) -> None:
    """The issue's probe as users met it: plain `refresh` and `destroy` read a key the state does not record."""
    owner, other = Account(admin), other_account(admin)
    stack = CliStack(tmp_path, config={"pushsmm:baseUrl": admin.base_url, "site": str(owner.site), "n": "3"})
    stack.run("up", "--yes", "--skip-preview", env={"PUSHSMM_API_KEY": owner.key})
    before_state, before_flows = flow_resources(stack), owner.ids()
    assert len(before_flows) == 3
    for command in (["refresh", "--yes", "--skip-preview"], ["destroy", "--yes", "--skip-preview"]):
        done = stack.run(*command, check=False, env={"PUSHSMM_API_KEY": other.key})
        printed = done.stdout + done.stderr
        assert done.returncode != 0, printed
        assert f"account {owner.user_id}" in printed and "Traceback" not in printed
        assert flow_resources(stack) == before_state and owner.ids() == before_flows
    stack.run("destroy", "--yes", "--skip-preview", env={"PUSHSMM_API_KEY": owner.key})
    assert owner.flows() == []
