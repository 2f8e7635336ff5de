"""The one `pushsmm-pulumi` command: its subcommands and its one-line errors."""

from __future__ import annotations

import pytest

from pulumi_pushsmm import cli, recover

pytestmark = pytest.mark.unit


def test_import_and_recover_are_subcommands_of_one_command() -> None:
    args = cli.parser().parse_args(["recover", "--dry-run"])
    assert args.run is recover.run_command and args.dry_run
    args = cli.parser().parse_args(["import", "--all"])
    assert args.all and args.out == "pushsmm-adopted"
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["import", "--all", "--website-id", "1"])  # one or the other


def test_import_without_a_key_is_one_clear_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("PUSHSMM_API_KEY", raising=False)
    assert cli.main(["import", "--all"]) == 1
    assert capsys.readouterr().err == ("pushsmm-pulumi import: the pushsmm API key is not set: export it as "
                                       "PUSHSMM_API_KEY\n")
