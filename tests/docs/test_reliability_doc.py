"""RELIABILITY.md names real tests, and README links it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "RELIABILITY.md"
_NAMED = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _test_names(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize(("path", "name"), sorted(set(_NAMED.findall(DOC.read_text()))))
def test_every_named_test_exists(path: str, name: str) -> None:
    assert (ROOT / path).is_file(), path
    if name:
        assert name in _test_names(path), f"{path}::{name}"


def test_it_names_tests_and_readme_links_it() -> None:
    assert len(_NAMED.findall(DOC.read_text())) >= 20
    assert "RELIABILITY.md" in (ROOT / "README.md").read_text()
