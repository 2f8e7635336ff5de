"""The command line of preview, up and drift; the provider environment for Automation API programs; running
stacks K at a time in order and stopping early."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from pulumi_pushsmm import cli
from pulumi_pushsmm.deploy import provider_env, workspace_options
from pulumi_pushsmm.deploy.parallel import each_stack
from pulumi_pushsmm.deploy.workspace import PYTHON_CMD_ENV, Project
from pulumi_pushsmm.errors import DeployError

pytestmark = pytest.mark.unit


def test_the_three_commands_parse_their_options() -> None:
    args = cli.parser().parse_args(["preview", "--stack", "dev", "--stack", "prod", "--policy-pack", "policy",
                                    "--refresh", "--summary", "s.md", "--json", "s.json", "--parallel", "2"])
    assert (args.stack, args.policy_pack, args.refresh, args.summary, args.json_file, args.parallel) == (
        ["dev", "prod"], ["policy"], True, "s.md", "s.json", 2)
    assert cli.parser().parse_args(["up", "--stack", "dev", "--recover"]).recover
    assert cli.parser().parse_args(["drift", "--stack", "dev", "--remediate"]).remediate


def test_a_usage_error_exits_1_so_that_2_always_means_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["preview"]) == 1  # no --stack
    assert "--stack" in capsys.readouterr().err
    assert cli.main(["drift", "--stack", "dev", "--parallel", "0"]) == 1
    assert "--parallel must be 1 or more" in capsys.readouterr().err


def test_a_folder_without_a_project_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DeployError, match=r"holds no Pulumi\.yaml: pass the project folder with --cwd"):
        Project(tmp_path)
    assert cli.main(["up", "--stack", "dev", "--cwd", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("pushsmm-pulumi up: ")


def test_the_provider_process_gets_this_interpreters_folder_first_on_path(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.delenv(PYTHON_CMD_ENV, raising=False)
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}{Path(sys.executable).parent}")
    env = provider_env({"PULUMI_BACKEND_URL": "file:///x"})
    assert env["PATH"].split(os.pathsep) == [str(Path(sys.executable).parent), "/usr/bin"]
    assert env["PULUMI_BACKEND_URL"] == "file:///x" and PYTHON_CMD_ENV not in env  # its folder has python3
    # An interpreter whose folder has no python3 is named outright.
    lone = tmp_path / "bin" / "python"
    lone.parent.mkdir()
    lone.touch(mode=0o755)
    assert provider_env(python=str(lone))[PYTHON_CMD_ENV] == str(lone)
    # A choice the caller made stays.
    assert provider_env({PYTHON_CMD_ENV: "/opt/py"}, python=str(lone))[PYTHON_CMD_ENV] == "/opt/py"
    options = workspace_options(work_dir=str(tmp_path), env_vars={"A": "1"})
    assert options.work_dir == str(tmp_path) and options.env_vars is not None and options.env_vars["A"] == "1"


def test_stacks_run_in_order_k_at_a_time_and_none_starts_after_a_stop() -> None:
    started: list[str] = []
    assert each_stack(["a", "b", "c", "d"], lambda s: started.append(s) or ("fail" if s == "b" else "ok"),
                      stop=lambda r: r == "fail", skipped=lambda s: "skipped") == ["ok", "fail", "skipped", "skipped"]
    assert started == ["a", "b"]

    both = threading.Barrier(2, timeout=10)  # passes only when two stacks run at the same time

    def together(stack: str) -> str:
        both.wait()
        return stack

    assert each_stack(["a", "b", "c", "d"], together, parallel=2) == ["a", "b", "c", "d"]
