"""The project `pushsmm-pulumi import` writes: README's layout, a valid and stable program, and the printed commands.

Against the emulator over HTTP: ``Pulumi.yaml`` (PyYAML) has the ``virtualenv`` option, ``requirements.txt``
installs this release from the wheel folder or index named, ``__main__.py`` (rendered from a syntax tree)
gives back every value exactly, is the same for the same flows, and is as ruff's formatter lays it out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_pushsmm import Account, __version__
from pulumi_pushsmm.adopt import ProjectLayout, import_account, next_steps
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import AdoptError
from pulumi_pushsmm.lookups import get_flows
from pulumi_pushsmm.package_source import PackageSource
from pulumi_pushsmm.session import forget_sessions, resolve_settings
from tests.support import KEY_A, make_flow, png_bytes, segment_of, website_of

pytestmark = pytest.mark.integration

TRICKY = {"name": 'Tom\'s "deal" \\ é', "title": 'Ends with a quote"', "description": 'Three """ quotes'}


@pytest.fixture
def account_flows(server: EmulatorServer, tmp_path: Path) -> EmulatorServer:
    """Account A with flows of awkward text, a segment, an image, non-default switches, on both websites."""
    forget_sessions()
    first, second = website_of(server), website_of(server, index=1)
    image = tmp_path / "pic.png"
    image.write_bytes(png_bytes(2, 2))
    make_flow(server, KEY_A, website_id=first, **TRICKY, image=image)
    make_flow(server, KEY_A, website_id=second, name="Tips", title="Tips", segment=segment_of(server, second),
              is_enabled=0, is_silent=1, ttl=86400, urgency="high", wait_time=36, wait_time_type="hours")
    return server


def _import(server: EmulatorServer, out: Path, layout: ProjectLayout | None = None) -> str:
    settings = resolve_settings(base_url=server.base_url, api_key=KEY_A)
    imported = import_account(settings, out, website_ids=None, layout=layout)
    return next_steps(imported, out, layout or ProjectLayout(), settings)


def _declared(program: str) -> dict[str, dict[str, Any]]:
    """Each Flow call of a program: its resource name and its keywords' values, read back from the source."""
    calls = [node for node in ast.walk(ast.parse(program))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Flow"]
    return {ast.literal_eval(call.args[0]): {k.arg: ast.literal_eval(k.value) for k in call.keywords
                                             if k.arg != "image"} for call in calls}


def test_the_project_has_readmes_layout_and_installs_from_the_named_folder(account_flows: EmulatorServer,
                                                                            tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    layout = ProjectLayout(project_name="my-flows", source=PackageSource(find_links=str(wheels)))
    printed = _import(account_flows, tmp_path / "out", layout)
    project = yaml.safe_load((tmp_path / "out" / "Pulumi.yaml").read_text())
    assert project["name"] == "my-flows"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert (tmp_path / "out" / "requirements.txt").read_text() == (f"--find-links {wheels}\n"
                                                                   f"pulumi-pushsmm=={__version__}\n")
    commands = printed.split("Next (the first `pulumi up` creates nothing and changes nothing):\n")[1]
    assert commands.splitlines() == [
        f"  cd {tmp_path / 'out'}", "  python3 -m venv venv", "  venv/bin/pip install -r requirements.txt",
        "  pulumi stack init dev", f"  pulumi config set pushsmm:baseUrl {account_flows.base_url}",
        '  pulumi config set --secret pushsmm:apiKey "$PUSHSMM_API_KEY"', "  pulumi up"]
    assert f"installs pulumi-pushsmm=={__version__} from the wheel folder {wheels} (--find-links)" in printed


def test_an_existing_virtualenv_is_used_as_it_is(account_flows: EmulatorServer, tmp_path: Path) -> None:
    printed = _import(account_flows, tmp_path / "out", ProjectLayout(virtualenv=sys.prefix))
    assert yaml.safe_load((tmp_path / "out" / "Pulumi.yaml").read_text())["runtime"]["options"]["virtualenv"] == (
        sys.prefix)
    assert "python3 -m venv" not in printed and "pip install" not in printed


def test_the_program_gives_back_every_value_and_is_stable(account_flows: EmulatorServer, tmp_path: Path) -> None:
    _import(account_flows, tmp_path / "out")
    program = (tmp_path / "out" / "__main__.py").read_text()
    declared = _declared(program)
    flows = {f.id: f for f in get_flows(account=Account(api_key=KEY_A, base_url=account_flows.base_url))}
    assert sorted(declared) == ["tips", "tom-s-deal"]
    for values in declared.values():
        flow = flows[values["adopt_id"]]
        assert {k: v for k, v in flow.inputs.items() if k in values} == {k: v for k, v in values.items()
                                                                          if k != "adopt_id"}
    assert {k: declared["tom-s-deal"][k] for k in TRICKY} == TRICKY
    assert declared["tips"]["is_enabled"] is False and declared["tips"]["segment"] == segment_of(
        account_flows, website_of(account_flows, index=1))
    assert "image=str(HERE / 'images/tom-s-deal.png')," in program
    # The same flows give the same bytes, and ruff's formatter would change nothing (Python's own quotes aside).
    _import(account_flows, tmp_path / "again")
    assert (tmp_path / "again" / "__main__.py").read_text() == program
    ruff = [sys.executable, "-m", "ruff"]
    formatted = subprocess.run([*ruff, "format", "--isolated", "--check", "--diff", "--config",
                                "format.quote-style='single'", "-"], input=program, capture_output=True, text=True,
                               cwd=tmp_path)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = subprocess.run([*ruff, "check", "--isolated", "--select", "E,F,W,I,B,UP", "--ignore", "E501",
                             "--stdin-filename", "__main__.py", "-"], input=program, capture_output=True, text=True,
                            cwd=tmp_path)  # outside the checkout, where pulumi_pushsmm is a third-party package
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_a_bad_project_name_is_refused_before_anything_is_written(server: EmulatorServer, tmp_path: Path) -> None:
    with pytest.raises(AdoptError, match=r"--project-name must be letters, digits, '-', '_' or '\.', got 'a b'"):
        _import(server, tmp_path / "out", ProjectLayout(project_name="a b"))
    assert not (tmp_path / "out").exists()
