"""`pushsmm-policy-pack new`: the files it writes, its refusals, and the repository's policy/ being one such pack."""

from __future__ import annotations

import ast
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import pulumi_pushsmm
from pulumi_pushsmm import package_source, policy_pack
from pulumi_pushsmm.policies import PACK_NAME, RULES_BY_NAME

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
# How policy/ is made: it runs in the repository's .venv and installs this checkout with its policy extra.
REPO_PACK_OPTIONS = ["--virtualenv", "../.venv", "--requirement", "-e ..[policy]"]


def scaffold(*args: str | Path) -> int:
    return policy_pack.main([str(arg) for arg in args])


def test_the_repository_policy_folder_is_what_the_command_makes(tmp_path: Path) -> None:
    assert scaffold("new", tmp_path / "pack", *REPO_PACK_OPTIONS) == 0
    for name in policy_pack.PACK_FILES:
        made = (tmp_path / "pack" / name).read_text()
        assert (ROOT / "policy" / name).read_text() == made, (
            f"policy/{name} differs from what the command makes now; remake it with "
            f"`.venv/bin/pushsmm-policy-pack new policy --force {shlex.join(REPO_PACK_OPTIONS)}`")


def test_a_new_pack_runs_the_installed_rules_in_the_running_virtualenv(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "project" / "policy"
    assert scaffold("new", pack) == 0
    assert sorted(p.name for p in pack.iterdir()) == sorted(policy_pack.PACK_FILES)

    project = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text())
    assert project["version"] == pulumi_pushsmm.__version__
    assert project["runtime"]["name"] == "python"
    virtualenv = Path(project["runtime"]["options"]["virtualenv"])
    assert (pack / virtualenv).resolve() == Path(sys.prefix).resolve()  # this test's virtualenv
    main = ast.parse((pack / "__main__.py").read_text())
    imported = {node.module for node in ast.walk(main) if isinstance(node, ast.ImportFrom)}
    assert imported == {"pulumi_policy", "pulumi_pushsmm.policies"}
    requirements = [line for line in (pack / "requirements.txt").read_text().splitlines()
                    if line and not line.startswith("#")]
    assert requirements == [f"pulumi-pushsmm[policy]=={pulumi_pushsmm.__version__}"]
    example = json.loads((pack / "config.example.json").read_text())
    assert set(example) <= set(RULES_BY_NAME)
    assert PACK_NAME == "pushsmm-flows"
    out = capsys.readouterr().out
    assert f"pulumi preview --policy-pack {pack}" in out


def test_the_virtualenv_is_relative_to_the_pack_when_they_share_a_parent(tmp_path: Path) -> None:
    assert policy_pack.virtualenv_option(tmp_path / "proj" / "policy", tmp_path / "proj" / "venv") == "../venv"
    assert policy_pack.virtualenv_option(tmp_path / "policy", Path("/")) == "/"


def test_outside_a_virtualenv_the_pack_gets_one_of_its_own(tmp_path: Path) -> None:
    args = policy_pack.build_parser().parse_args(["new", str(tmp_path / "pack")])
    settings = policy_pack.settings_from(args, running=None)
    assert settings.virtualenv == policy_pack.DEFAULT_VIRTUALENV
    steps = policy_pack.next_steps(tmp_path / "pack", settings, has_policy_extra=False)
    assert f"python3 -m venv {tmp_path / 'pack' / 'venv'}" in steps
    assert f"install -r {tmp_path / 'pack' / 'requirements.txt'}" in steps


def test_an_existing_pack_is_overwritten_only_with_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "__main__.py").write_text("# mine\n")
    (pack / "notes.txt").write_text("kept\n")
    assert scaffold("new", pack) == 2
    err = capsys.readouterr().err
    assert f"DIR {str(pack)!r} already has __main__.py; pass --force to overwrite them" in err
    assert (pack / "__main__.py").read_text() == "# mine\n"
    assert scaffold("new", pack, "--force") == 0
    assert "PolicyPack(" in (pack / "__main__.py").read_text()
    assert (pack / "notes.txt").read_text() == "kept\n"


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pack").write_text("")
    assert scaffold("new", tmp_path / "pack") == 2
    assert "is a file; give a folder for the pack" in capsys.readouterr().err


def test_a_missing_command_is_refused_with_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        scaffold()
    assert exited.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_the_command_does_not_load_pulumi(tmp_path: Path) -> None:
    code = ("import sys\nfrom pulumi_pushsmm import policy_pack\n"
            f"policy_pack.main(['new', {str(tmp_path / 'pack')!r}])\n"
            "print(sorted(m for m in ('pulumi', 'pulumi_policy', 'grpc') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"


def test_the_version_is_the_distribution_version() -> None:
    from importlib.metadata import version

    assert pulumi_pushsmm.__version__ == version("pulumi-pushsmm")


def _requirements(pack: Path) -> list[str]:
    return [line for line in (pack / "requirements.txt").read_text().splitlines() if not line.startswith("#")]


def test_the_pack_installs_from_the_wheel_folder_or_index_named_and_says_which(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = tmp_path / "my wheels"
    wheels.mkdir()
    requirement = f"pulumi-pushsmm[policy]=={pulumi_pushsmm.__version__}"
    assert scaffold("new", tmp_path / "from-folder", "--find-links", wheels) == 0
    assert _requirements(tmp_path / "from-folder") == [f"--find-links '{wheels}'", requirement]
    assert (f"requirements.txt installs {requirement} from the wheel folder {wheels} (--find-links), and its "
            "dependencies from the package index.") in capsys.readouterr().out
    assert scaffold("new", tmp_path / "from-index", "--index-url", "https://pypi.example.org/simple") == 0
    assert _requirements(tmp_path / "from-index") == ["--index-url https://pypi.example.org/simple", requirement]
    assert "from the package index https://pypi.example.org/simple (--index-url)" in capsys.readouterr().out
    # This test's package is an editable checkout, not a wheel: the default is the index, with how to pick a folder.
    assert scaffold("new", tmp_path / "default") == 0
    assert _requirements(tmp_path / "default") == [requirement]
    out = capsys.readouterr().out
    assert "from the package index pip is set to use" in out and "run this again with --find-links DIR" in out
    with pytest.raises(SystemExit):
        scaffold("new", tmp_path / "both", "--find-links", wheels, "--index-url", "https://pypi.example.org/simple")
    # Installed from a wheel file: its folder is the default, and the message says where it came from.
    monkeypatch.setattr(package_source, "installed_wheel_folder", lambda: wheels)
    assert scaffold("new", tmp_path / "detected") == 0
    assert _requirements(tmp_path / "detected") == [f"--find-links '{wheels}'", requirement]
    assert "(found from the wheel this copy was installed from)" in capsys.readouterr().out


@pytest.mark.parametrize(("direct_url", "found"), [
    ({"url": "WHEEL", "archive_info": {}}, True),  # pip install dist/pulumi_pushsmm-...whl
    ({"url": "file:///nowhere/dist/pulumi_pushsmm-0.1.0-py3-none-any.whl", "archive_info": {}}, False),  # gone
    ({"url": "file:///work/checkout", "dir_info": {"editable": True}}, False),  # pip install -e .
    ({"url": "https://example.org/pulumi_pushsmm-0.1.0-py3-none-any.whl", "archive_info": {}}, False),
    (None, False),  # installed from an index: pip records no direct URL
])
def test_the_default_wheel_folder_is_where_this_copy_was_installed_from(tmp_path: Path, direct_url: dict[str, Any]
                                                                        | None, found: bool) -> None:
    wheel = tmp_path / "dist" / "pulumi_pushsmm-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    if direct_url is not None and direct_url["url"] == "WHEEL":
        direct_url = {**direct_url, "url": wheel.as_uri()}
    recorded = json.dumps(direct_url) if direct_url is not None else None
    assert package_source.wheel_folder(recorded) == (wheel.parent if found else None)
