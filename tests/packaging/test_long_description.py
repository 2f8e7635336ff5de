"""The long description (README.md, shown on a package index page) links only to absolute URLs that resolve.

A package index shows README.md away from the repository, where a relative link or image path leads
nowhere. Every link and image there must be absolute; those into the repository must start with the
Repository URL of pyproject.toml and name a file, folder or README heading that exists.
"""

from __future__ import annotations

import re
import tomllib
from urllib.parse import urlsplit

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.unit

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
README = (ROOT / PROJECT["readme"]).read_text()
REPOSITORY = PROJECT["urls"]["Repository"]
# Inline links and images `[text](target)`, reference definitions `[name]: target`, and HTML src/href.
_TARGETS = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*(\S+)|(?:src|href)=[\"']([^\"']+)", re.MULTILINE)


def targets(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text."""
    return [next(group for group in match.groups() if group) for match in _TARGETS.finditer(markdown)]


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_is_the_long_description_and_the_repository_url_is_set() -> None:
    assert PROJECT["readme"] == "README.md"
    assert urlsplit(REPOSITORY).scheme == "https" and {"Homepage", "Issues", "Changelog"} <= set(PROJECT["urls"])


def test_every_link_and_image_is_absolute() -> None:
    found = targets(README)
    assert len(found) >= 10, found  # the pattern still finds README's links
    relative = [t for t in found if urlsplit(t).scheme not in ("https", "http", "mailto")]
    assert relative == [], f"README.md has relative links, broken on a package index page: {relative}"


def test_links_into_the_repository_name_what_exists() -> None:
    headings = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", README, re.MULTILINE)}
    into_repo = [t for t in targets(README) if t.startswith(REPOSITORY)]
    assert len(into_repo) >= 5
    for target in into_repo:
        rest, _, anchor = target.removeprefix(REPOSITORY).partition("#")
        path = re.sub(r"^/(blob|tree|raw)/main/", "", rest)
        assert path == "" or path != rest, f"{target}: not a file or folder of the main branch"
        assert (ROOT / path).exists(), f"{target} names {path}, which is not in the repository"
        assert not anchor or path or anchor in headings, f"{target}: README has no heading #{anchor}"


def test_the_checks_catch_a_relative_link() -> None:
    assert targets("see [the docs](docs/x.md) and ![shot](img.png)\n[ref]: ../y") == ["docs/x.md", "img.png", "../y"]
    assert github_anchor("Use it in your own Pulumi project") == "use-it-in-your-own-pulumi-project"
