"""docs/pushsmm-api.md names only code and tests that exist, so it cannot drift silently from them."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.unit

DOC = ROOT / "docs" / "pushsmm-api.md"
# `module.attr...` where the module is one of the package's or the emulator's (checked below)
_DOTTED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_TEST_REF = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
_CLASSES = {"FlowProvider": "pulumi_pushsmm.provider", "AccountSession": "pulumi_pushsmm.session"}
# Heads that name code; any other dotted name (`meta.total_pages`, `settings.utm`) is a JSON path.
_MODULES = {p.stem for p in (ROOT / "pulumi_pushsmm").glob("**/*.py")} - {"__init__", "__main__"}


@cache
def _test_names(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _resolve(dotted: str) -> object:
    head, *rest = dotted.split(".")
    if head == "pulumi_pushsmm":
        head, *rest = rest
    if head in _CLASSES:
        obj: object = getattr(importlib.import_module(_CLASSES[head]), head)
    else:
        for package in ("pulumi_pushsmm.emulator", "pulumi_pushsmm"):
            try:
                obj = importlib.import_module(f"{package}.{head}")
                break
            except ModuleNotFoundError:
                continue
        else:
            raise LookupError(f"{head} is no module of pulumi_pushsmm or its emulator")
    for name in rest:
        obj = getattr(obj, name)
    return obj


def test_every_named_test_exists() -> None:
    refs = _TEST_REF.findall(DOC.read_text())
    assert len(refs) > 40
    for path, name in refs:
        assert (ROOT / path).is_file(), path
        if name:
            assert name in _test_names(path), f"{path}::{name}"


@pytest.mark.parametrize("dotted", sorted(set(_DOTTED.findall(DOC.read_text()))))
def test_every_named_function_exists(dotted: str) -> None:
    head = dotted.split(".")[0]
    if dotted.endswith((".py", ".md", ".txt")) or head not in _MODULES | set(_CLASSES) | {"pulumi_pushsmm"}:
        return  # a file name or a JSON path, not code
    _resolve(dotted)


def test_readme_links_it() -> None:
    assert "docs/pushsmm-api.md" in (ROOT / "README.md").read_text()
