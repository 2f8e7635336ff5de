"""Every error class of the package lives in errors.py, under PushsmmError (the emulator's are its HTTP answers)."""

from __future__ import annotations

import ast

import pytest

from pulumi_pushsmm import errors
from tests.support import ROOT

pytestmark = pytest.mark.unit


def test_no_module_but_errors_py_defines_an_exception() -> None:
    defined_elsewhere = []
    for path in (ROOT / "pulumi_pushsmm").rglob("*.py"):
        if "emulator" in path.parts or path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            bases = [ast.unparse(b) for b in node.bases] if isinstance(node, ast.ClassDef) else []
            if any(b.endswith(("Error", "Exception", "Failed")) for b in bases):
                defined_elsewhere.append(f"{path.relative_to(ROOT)}:{node.name}")  # type: ignore[attr-defined]
    assert defined_elsewhere == []


def test_every_error_is_a_pushsmm_error_and_the_program_errors_print_without_a_traceback() -> None:
    import pulumi

    assert all(issubclass(getattr(errors, name), errors.PushsmmError) for name in errors.__all__)
    for name in ("LookupFailed", "SequenceError"):
        assert issubclass(getattr(errors, name), pulumi.RunError)  # Pulumi prints a RunError as its message alone
    assert issubclass(errors.SequenceError, ValueError)
    from pulumi_pushsmm import lookups, sequence

    assert lookups.LookupFailed is errors.LookupFailed and sequence.SequenceError is errors.SequenceError
