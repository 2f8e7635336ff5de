"""From outside the repository, as README's "Install" and "Use it in your own Pulumi project" sections say.

The wheel is built from this checkout and installed into a fresh virtualenv in a
temporary folder; the project's three files are README's own blocks, written
verbatim; every command run here must appear in README as it is written there
(with README's port, wheel folder and website id). Python is never taken from
PATH: the folder that comes before the system's on PATH holds `python` and
`python3` stand-ins that fail, so the language host, the dynamic provider and the
policy pack must all find `venv` through the `virtualenv` runtime options.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_pushsmm import __version__

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
WHEEL = f"pulumi_pushsmm-{__version__}-py3-none-any.whl"
API_KEY = "my-test-key"
# The values README writes where this test has its own.
# `pulumi login --local` would keep the test's stacks in the real ~/.pulumi, so a folder of the test stands in.
README_VALUES = {"dist": "../pulumi-pushsmm/dist", "port": "8080", "base_url": "http://127.0.0.1:8080/api",
                 "website_id": "1", "backend": "--local"}
STAND_IN = '#!/bin/sh\necho "python from PATH was run ($0 $*); the virtualenv option was not used" >&2\nexit 97\n'


def section(title: str) -> str:
    """README's section under ``## title``, up to the next one."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


INSTALL = section("Install")
OWN_PROJECT = section("Use it in your own Pulumi project")


def readme_files() -> dict[str, str]:
    """The files README's project section shows, each marked by a ``<!-- file: NAME -->`` line."""
    return dict(re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", OWN_PROJECT, re.DOTALL))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` of this checkout: the sdist, and the wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def test_the_build_makes_an_sdist_and_a_wheel_with_every_package_file(dist: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", "pulumi_pushsmm"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    with zipfile.ZipFile(dist / WHEEL) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"pulumi_pushsmm-{__version__}.dist-info/METADATA").decode()
    assert tracked and set(tracked) <= names  # templates and other data files included
    assert f"pulumi_pushsmm-{__version__}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: Apache-2.0" in metadata
    assert "Provides-Extra: policy" in metadata and "Provides-Extra: emulator" in metadata
    # The long description is README.md itself, and a package index accepts it as it renders it.
    assert metadata.partition("\n\n")[2] == README
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and checked.stdout.count("PASSED") == 2, checked.stdout + checked.stderr
    sdist = dist / f"pulumi_pushsmm-{__version__}.tar.gz"
    listing = subprocess.run(["tar", "tzf", str(sdist)], capture_output=True, text=True, check=True).stdout.split()
    shipped = subprocess.run(["git", "ls-files", "docs", "examples", "tests"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    for name in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", *shipped):
        assert f"pulumi_pushsmm-{__version__}/{name}" in listing, f"the sdist leaves out {name}"


def outside_env(root: Path, bin_dir: Path, python_dir: Path) -> dict[str, str]:
    """A user's shell outside the checkout: no virtualenv, no PYTHONPATH, no Pulumi or pushsmm settings of the test
    run; the Pulumi CLI, then ``python_dir`` (what ``python3`` is), then the rest of PATH but this test's venv."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULUMI_", "PUSHSMM_")) and k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    test_venv_bin = str(Path(sys.executable).parent)
    rest = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and d != test_venv_bin]
    env.update({
        "PATH": os.pathsep.join([str(bin_dir), str(python_dir), *rest]),
        "PULUMI_HOME": str(root / "pulumi-home"),  # credentials and workspaces, kept out of ~/.pulumi
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PULUMI_CONFIG_PASSPHRASE": "outside-the-repo",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    })
    return env


@dataclass
class Outside:
    """A folder outside the checkout where README's commands run, and what they started."""

    root: Path
    dist: Path
    bin_dir: Path
    values: dict[str, str] = field(default_factory=dict)
    emulator: subprocess.Popen[str] | None = None

    @property
    def project(self) -> Path:
        return self.root / "my-flows"

    def env(self) -> dict[str, str]:
        """No virtualenv, no PYTHONPATH, no Pulumi or pushsmm settings of the test run; python stand-ins on PATH."""
        return outside_env(self.root, self.bin_dir, self.root / "stand-ins")

    def command(self, template: str, readme: str = OWN_PROJECT) -> list[str]:
        """``template`` as README has it (checked) and as it runs here."""
        as_in_readme = template.format(**README_VALUES)
        assert as_in_readme in readme, f"README does not show `{as_in_readme}`"
        args = shlex.split(template.format(**{**README_VALUES, **self.values}))
        if args[0] == "python3":
            args[0] = sys.executable  # the interpreter of this test run stands for the user's python3
        elif args[0].startswith("venv/"):
            args[0] = str(self.project / args[0])
        return args

    def run(self, template: str, *, ok: bool = True, readme: str = OWN_PROJECT) -> str:
        """Run one of README's commands in the project folder; its output."""
        args = self.command(template, readme)
        done = subprocess.run(args, cwd=self.project, env=self.env(), capture_output=True, text=True, timeout=600)
        out = done.stdout + done.stderr
        assert (done.returncode == 0) is ok, f"$ {template} exited {done.returncode}:\n{out}"
        return out

    def start_emulator(self, template: str) -> dict[str, Any]:
        """Start README's backgrounded emulator command; its ready line."""
        args = self.command(template)
        assert args[-1] == "&"
        self.emulator = subprocess.Popen(args[:-1], cwd=self.project, env=self.env(), stdout=subprocess.PIPE,
                                         text=True)
        assert self.emulator.stdout is not None
        ready: dict[str, Any] = json.loads(self.emulator.stdout.readline())
        return ready

    def installed(self) -> set[str]:
        """The distributions in the project's virtualenv."""
        listed = subprocess.run([str(self.project / "venv/bin/python"), "-m", "pip", "list", "--format=json"],
                                env=self.env(), capture_output=True, text=True, check=True).stdout
        return {re.sub(r"[-_.]+", "-", item["name"]).lower() for item in json.loads(listed)}  # PEP 503 names


@pytest.fixture(scope="module")
def outside(dist: Path, pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outside]:
    root = tmp_path_factory.mktemp("outside")
    assert not root.resolve().is_relative_to(ROOT)
    here = Outside(root=root, dist=dist, bin_dir=pulumi_bin_dir,
                   values={"dist": str(dist), "port": "0", "backend": (root / "state").as_uri()})
    (root / "state").mkdir()
    (root / "stand-ins").mkdir()
    for name in ("python", "python3"):
        (root / "stand-ins" / name).write_text(STAND_IN)
        (root / "stand-ins" / name).chmod(0o755)
    here.project.mkdir()
    try:
        yield here
    finally:
        if here.emulator is not None:
            here.emulator.terminate()
            here.emulator.wait(timeout=10)


def test_a_new_project_deploys_from_the_installed_wheel_and_its_pack_stops_a_bad_flow(outside: Outside) -> None:
    files = readme_files()
    assert sorted(files) == ["Pulumi.yaml", "__main__.py", "requirements.txt"]
    for name, text in files.items():
        (outside.project / name).write_text(text)
    assert f"pulumi-pushsmm[policy,emulator]=={__version__}" in files["requirements.txt"]

    outside.run("python3 -m venv venv")
    # Without extras: only what a program using Flow needs.
    install = f"pip install dist/{WHEEL}"
    assert install in INSTALL, f"README's install section does not show `{install}`"
    subprocess.run([str(outside.project / "venv/bin/python"), "-m", "pip", "install", "-q", str(outside.dist / WHEEL)],
                   env=outside.env(), check=True, capture_output=True, text=True, timeout=600)
    plain = outside.installed()
    assert {"pulumi", "pulumi-pushsmm", "requests"} <= plain
    assert not {"flask", "pulumi-policy"} & plain, "the wheel without extras pulled in an extra's dependency"
    outside.run("venv/bin/pip install --find-links {dist} -r requirements.txt")
    assert {"flask", "pulumi-policy"} <= outside.installed()

    outside.run("pulumi login {backend}")
    outside.run("pulumi stack init dev")
    ready = outside.start_emulator("venv/bin/pushsmm-emulator --port {port} --api-key my-test-key &")
    outside.values.update(base_url=ready["base_url"], website_id=str(ready["accounts"][0]["website_ids"][0]))
    outside.run("pulumi config set pushsmm:baseUrl {base_url}")
    outside.run("pulumi config set --secret pushsmm:apiKey my-test-key")
    outside.run("pulumi config set websiteId {website_id}")

    outside.run("pulumi preview")
    outside.run("pulumi up --yes")
    flows = requests.get(f"{ready['base_url']}/flows", headers={"Authorization": f"Bearer {API_KEY}"},
                         timeout=10).json()["data"]
    assert [(f["name"], f["website_id"], f["url"]) for f in flows] == [
        ("Welcome", int(outside.values["website_id"]), "https://example.com/welcome")]
    unchanged = outside.run("pulumi preview --expect-no-changes")
    assert "unchanged" in unchanged

    outside.run("venv/bin/pushsmm-policy-pack new policy")
    policy_preview = "pulumi preview --policy-pack policy --policy-pack-config policy/config.example.json"
    checked = outside.run(policy_preview)
    assert f"pushsmm-flows@v{__version__}" in checked  # the pack ran, and passed the flow

    outside.run("pulumi destroy --yes")
    assert requests.get(f"{ready['base_url']}/flows", headers={"Authorization": f"Bearer {API_KEY}"},
                        timeout=10).json()["data"] == []

    insecure = files["__main__.py"].replace('url="https://', 'url="http://')
    assert insecure != files["__main__.py"]
    (outside.project / "__main__.py").write_text(insecure)
    stopped = outside.run(policy_preview, ok=False)
    assert "[mandatory]  flow-https-urls" in stopped, stopped
    assert "url must be an https:// URL" in stopped, stopped


def test_pip_installs_the_package_from_a_git_url(tmp_path: Path) -> None:
    """README's other route: a git URL (this checkout's committed HEAD stands in for the published repository)."""
    requirement = "pulumi-pushsmm[policy,emulator] @ git+"
    assert requirement in INSTALL, f"README's install section does not show `{requirement}<the repository's URL>`"
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--no-deps", "--report",
                           str(report), f"{requirement}{ROOT.as_uri()}"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (planned,) = json.loads(report.read_text())["install"]
    assert planned["metadata"]["name"] == "pulumi-pushsmm"
    assert planned["metadata"]["version"] == __version__
    assert sorted(planned["requested_extras"]) == ["emulator", "policy"]


def printed_commands(output: str) -> list[str]:
    """The commands a generator printed for the user to run: its lines indented by two spaces."""
    return [line[2:] for line in output.splitlines() if line.startswith("  ") and not line.startswith("   ")]


def run_as_printed(commands: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run printed commands one after the other in one bash, as a user pasting them would; what they printed."""
    assert commands, "nothing was printed to run"
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(commands)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 0, f"$ {'; '.join(commands)} exited {done.returncode}:\n{out}"
    return out


def test_an_imported_project_and_its_policy_pack_install_and_run_as_printed(
        dist: Path, pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`pushsmm-pulumi import --find-links DIST`, then exactly the commands it prints, in a folder outside the
    checkout: a fresh `venv` from the wheel folder, a stack with the key in its config, an `up` that adopts every
    flow and changes nothing; then the policy pack scaffolded from that venv, installed and run as it prints."""
    from pulumi_pushsmm.emulator import EmulatorServer
    from tests.support import make_flow, writes

    root = tmp_path_factory.mktemp("imported")
    assert not root.resolve().is_relative_to(ROOT)
    (root / "python").mkdir()  # `python3` as a user has it: an interpreter without this package or Pulumi
    (root / "python" / "python3").symlink_to(sys._base_executable)  # type: ignore[attr-defined]
    env = {**outside_env(root, pulumi_bin_dir, root / "python"), "PULUMI_BACKEND_URL": (root / "state").as_uri(),
           "PULUMI_SKIP_CONFIRMATIONS": "true", "PUSHSMM_API_KEY": API_KEY}  # the shell the key was exported in
    (root / "state").mkdir()
    with EmulatorServer(api_keys=[API_KEY], rate_limit=0, seed=29) as server:
        for name, wait in (("Welcome", 10), ("Tips", 60)):
            make_flow(server, API_KEY, website_id=1, name=name, title=name, url="https://example.com/" + name,
                      wait_time=wait, wait_time_type="minutes", ttl=86400)
        imported = subprocess.run([sys.executable, "-m", "pulumi_pushsmm.cli", "import", "--all", "--out",
                                   str(root / "adopted"), "--base-url", server.base_url, "--find-links", str(dist)],
                                  env={**os.environ, "PUSHSMM_API_KEY": API_KEY}, capture_output=True, text=True,
                                  timeout=120)
        assert imported.returncode == 0, imported.stderr
        assert f"from the wheel folder {dist} (--find-links)" in imported.stdout
        server.clear_request_log()
        deployed = run_as_printed(printed_commands(imported.stdout), root, env)
        assert "+ 3 created" in deployed  # the stack and the two flows, adopted
        assert writes(server) == []  # adopting created and changed nothing
        project = root / "adopted"
        assert (project / "venv" / "bin" / "pushsmm-policy-pack").exists()

        scaffolded = subprocess.run(["venv/bin/pushsmm-policy-pack", "new", "policy", "--find-links", str(dist)],
                                    cwd=project, env=env, capture_output=True, text=True, timeout=120)
        assert scaffolded.returncode == 0, scaffolded.stderr
        assert "pulumi-policy is not installed there; add the policy extra:" in scaffolded.stdout
        checked = run_as_printed(printed_commands(scaffolded.stdout), project, env)
        assert f"pushsmm-flows@v{__version__}" in checked  # the pack installed from the wheel folder, and ran
        assert "[remediate]  flow-default-utm-tags  (2 resources)" in checked  # its rules saw the adopted flows
