"""``pushsmm-policy-pack new DIR``: scaffold a Pulumi policy pack that runs the installed ``pulumi_pushsmm.policies``.

The pack is the four files of :data:`PACK_FILES`, written from the templates in
``policy_pack_template/`` (package data): ``PulumiPolicy.yaml``, a
``__main__.py`` building the pack from :func:`pulumi_pushsmm.policies.flow_policies`,
a ``requirements.txt`` and ``config.example.json`` with every setting. By default
the pack runs in the virtualenv the command runs from, so
``pulumi preview --policy-pack DIR`` works right away. The ``requirements.txt`` installs this
release from the package index, or from a folder holding its wheel until it is published there
(``--find-links``; see :mod:`pulumi_pushsmm.package_source`), and the command prints which. This
module loads neither pulumi_policy nor the Pulumi SDK: it only writes files.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import Final

from ._version import __version__
from .errors import ScaffoldError
from .names import DEFAULT_VIRTUALENV
from .package_source import PackageSource, add_source_options, source_from

PACK_FILES: Final = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "config.example.json")
"""The files of a scaffolded pack, in the order they are written."""



def default_requirement() -> str:
    """What the pack's requirements.txt installs by default: this release of the package with its policy extra."""
    return f"pulumi-pushsmm[policy]=={__version__}"


def running_virtualenv() -> Path | None:
    """The virtualenv of the running interpreter, or None outside one."""
    return Path(sys.prefix) if sys.prefix != sys.base_prefix else None


def virtualenv_option(pack_dir: Path, virtualenv: Path) -> str:
    """``virtualenv`` as the pack's runtime option: relative to the pack folder when they share a parent."""
    pack, target = pack_dir.resolve(), virtualenv.resolve()
    if os.path.commonpath([pack, target]) == pack.anchor:
        return str(target)
    return os.path.relpath(target, pack)


@dataclass(frozen=True)
class PackSettings:
    """What a scaffolded pack is made with; ``pack_files`` renders it."""

    virtualenv: str
    """The pack's ``virtualenv`` runtime option, relative to the pack folder (or absolute)."""
    requirement: str
    """The requirements.txt line that installs pulumi_pushsmm with its policy rules."""
    source: PackageSource = field(default_factory=PackageSource)
    """Where pip finds pulumi_pushsmm: the package index, or a folder holding its wheel."""

    def pack_files(self) -> dict[str, str]:
        """Each file of the pack, by name, as text."""
        values = {
            "version": __version__,
            "virtualenv": self.virtualenv,
            "virtualenv_arg": shlex.quote(self.virtualenv),
            "requirement_lines": "\n".join([*self.source.pip_options(), self.requirement]),
            "requirement_arg": shlex.quote(self.requirement),
            "source_args": "".join(f" {option} {shlex.quote(value)}" for option, value in self.source.options()),
        }
        templates = resources.files("pulumi_pushsmm").joinpath("policy_pack_template")
        return {name: Template(templates.joinpath(f"{name}.tmpl").read_text(encoding="utf-8")).substitute(values)
                for name in PACK_FILES}


def write_pack(pack_dir: Path, settings: PackSettings, *, force: bool = False) -> list[Path]:
    """Write the pack's files into ``pack_dir`` (made if missing) and return their paths.

    An existing pack's files are overwritten only with ``force``; other files in the folder are left alone.
    """
    if pack_dir.exists() and not pack_dir.is_dir():
        raise ScaffoldError(f"DIR {str(pack_dir)!r} is a file; give a folder for the pack (new or empty)")
    existing = [name for name in PACK_FILES if (pack_dir / name).exists()]
    if existing and not force:
        raise ScaffoldError(f"DIR {str(pack_dir)!r} already has {', '.join(existing)}; "
                            "pass --force to overwrite them, or give a new folder")
    pack_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in settings.pack_files().items():
        path = pack_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def build_parser() -> argparse.ArgumentParser:
    """The ``pushsmm-policy-pack`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="pushsmm-policy-pack",
        description="Pulumi policy packs with the pushsmm flow rules of the installed pulumi_pushsmm.policies.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s (pulumi-pushsmm {__version__})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = commands.add_parser(
        "new",
        help="scaffold a ready policy pack folder",
        description=(
            "Write a policy pack into DIR: PulumiPolicy.yaml, __main__.py (every rule of pulumi_pushsmm.policies), "
            "requirements.txt and config.example.json. Then: "
            "pulumi preview --policy-pack DIR [--policy-pack-config DIR/config.example.json]"
        ),
    )
    new.add_argument("dir", metavar="DIR", type=Path, help="folder for the pack (made if missing)")
    new.add_argument(
        "--virtualenv",
        metavar="PATH",
        help="virtualenv the pack runs in, relative to DIR (default: the virtualenv this command runs from, "
        f"or {DEFAULT_VIRTUALENV!r} inside DIR outside a virtualenv)",
    )
    new.add_argument(
        "--requirement",
        metavar="SPEC",
        default=default_requirement(),
        help="the requirements.txt line that installs pulumi_pushsmm (default: %(default)s)",
    )
    add_source_options(new)
    new.add_argument("--force", action="store_true", help="overwrite the pack files already in DIR")
    return parser


def settings_from(args: argparse.Namespace, running: Path | None) -> PackSettings:
    """The pack settings for parsed ``new`` arguments; ``running`` is the virtualenv the command runs from."""
    if args.virtualenv is not None:
        virtualenv = str(args.virtualenv)
    elif running is not None:
        virtualenv = virtualenv_option(args.dir, running)
    else:
        virtualenv = DEFAULT_VIRTUALENV
    return PackSettings(virtualenv=virtualenv, requirement=str(args.requirement), source=source_from(args))


def next_steps(pack_dir: Path, settings: PackSettings, *, has_policy_extra: bool) -> str:
    """What to do after scaffolding, as printed by the command."""
    def quoted(path: Path) -> str:
        return shlex.quote(str(path))

    venv = pack_dir / settings.virtualenv
    lines = [f"Made the pushsmm-flows policy pack in {pack_dir} (it runs in the virtualenv {venv}).",
             settings.source.describe(settings.requirement)]
    install = f"  {quoted(venv / 'bin' / 'pip')} install -r {quoted(pack_dir / 'requirements.txt')}"
    if not (venv / "bin" / "python").exists():
        lines += ["Create that virtualenv first:", f"  python3 -m venv {quoted(venv)}", install]
    elif not has_policy_extra:
        lines += ["pulumi-policy is not installed there; add the policy extra:", install]
    lines += ["Check a preview with it:",
              f"  pulumi preview --policy-pack {quoted(pack_dir)} "
              f"--policy-pack-config {quoted(pack_dir / 'config.example.json')}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pushsmm-policy-pack``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    running = running_virtualenv()
    settings = settings_from(args, running)
    try:
        write_pack(args.dir, settings, force=args.force)
    except (ScaffoldError, OSError) as error:
        print(f"pushsmm-policy-pack: {error}", file=sys.stderr)
        return 2
    # Whether pulumi-policy is importable matters only when the pack runs in this very virtualenv.
    same_venv = running is not None and (args.dir / settings.virtualenv).resolve() == running.resolve()
    has_extra = importlib.util.find_spec("pulumi_policy") is not None if same_venv else True
    print(next_steps(args.dir, settings, has_policy_extra=has_extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
