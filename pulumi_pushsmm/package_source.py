"""Where a generated project's ``requirements.txt`` installs pulumi-pushsmm from: a package index or a wheel folder.

``pushsmm-policy-pack new`` and ``pushsmm-pulumi import`` write a ``requirements.txt`` that must
install this very release. Once it is published, the package index pip uses (PyPI, or the one
``--index-url`` names) has it; until then, a folder holding its wheel does (pip's ``--find-links``).
The choice is made once, here, from the command's options (else from how this copy was installed),
written into ``requirements.txt`` as pip options, and printed.

This module imports only the standard library.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

DISTRIBUTION = "pulumi-pushsmm"
"""The distribution's name on a package index."""


@dataclass(frozen=True)
class PackageSource:
    """Where pip finds pulumi-pushsmm: the default index (both None), a wheel folder, or a named index."""

    find_links: str | None = None
    """An absolute folder holding the wheel (pip's ``--find-links``); the rest comes from the index."""
    index_url: str | None = None
    """A package index that holds pulumi-pushsmm and its dependencies (pip's ``--index-url``)."""
    detected: bool = False
    """Whether the wheel folder was found from how this copy was installed, rather than named."""

    def options(self) -> list[tuple[str, str]]:
        """(pip option, value) pairs that point pip at the source: none for the default index."""
        return [(option, value) for option, value in (("--find-links", self.find_links),
                                                      ("--index-url", self.index_url)) if value]

    def pip_options(self) -> list[str]:
        """The options as ``requirements.txt`` lines (pip splits them as a shell would)."""
        return [f"{option} {shlex.quote(value)}" for option, value in self.options()]

    def describe(self, requirement: str) -> str:
        """One line saying where ``requirement`` will be installed from, and how to choose otherwise."""
        if not re.match(r"pulumi[-_.]pushsmm\s*(\[[^]]*\])?\s*([=<>!~]|$)", requirement, re.IGNORECASE):
            return f"requirements.txt installs {requirement} as given (a path, URL or other requirement)."
        if self.find_links:
            how = "found from the wheel this copy was installed from" if self.detected else "--find-links"
            return (f"requirements.txt installs {requirement} from the wheel folder {self.find_links} ({how}), "
                    "and its dependencies from the package index.")
        if self.index_url:
            return f"requirements.txt installs {requirement} from the package index {self.index_url} (--index-url)."
        return (f"requirements.txt installs {requirement} from the package index pip is set to use (PyPI, unless "
                "PIP_INDEX_URL or pip.conf says otherwise). Until it is published there, run this again with "
                "--find-links DIR, a folder holding its wheel (`make dist` writes one to dist/).")


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """``--find-links DIR`` and ``--index-url URL`` (one or the other) on a command that writes requirements."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--find-links", metavar="DIR", type=Path,
                       help=f"install {DISTRIBUTION} from this folder holding its wheel (until it is on a package "
                            "index; default: the folder of the wheel this copy was installed from, if any)")
    group.add_argument("--index-url", metavar="URL",
                       help=f"install {DISTRIBUTION} and its dependencies from this package index "
                            "(default: the one pip is set to use, PyPI unless told otherwise)")


def source_from(args: argparse.Namespace) -> PackageSource:
    """The source the options name, else the folder of the wheel this copy was installed from, else the index."""
    if args.find_links is not None:
        return PackageSource(find_links=str(Path(args.find_links).resolve()))
    if args.index_url:
        return PackageSource(index_url=str(args.index_url))
    folder = installed_wheel_folder()
    return PackageSource(find_links=str(folder), detected=True) if folder is not None else PackageSource()


def installed_wheel_folder() -> Path | None:
    """The folder of the local wheel file this copy was installed from (PEP 610), if it was and it is still there."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return wheel_folder(recorded)


def wheel_folder(direct_url_json: str | None) -> Path | None:
    """The folder of a ``file:`` wheel URL in a ``direct_url.json``; None for anything else or a folder now gone."""
    if not direct_url_json:
        return None
    url = str(json.loads(direct_url_json).get("url") or "")
    parts = urlsplit(url)
    if parts.scheme != "file" or not parts.path.endswith(".whl"):
        return None  # an editable checkout, a VCS URL or an index download: no wheel folder to point at
    folder = Path(url2pathname(parts.path)).parent
    return folder if folder.is_dir() else None
