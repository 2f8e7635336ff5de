"""Shared fixtures: finding the Pulumi CLI for engine tests, and an emulator per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import CLI_HELP, find_pulumi_bin_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pulumi_bin_dir() -> Iterator[Path]:
    """Directory holding `pulumi` and its plugins, put on PATH for the session.

    Engine tests skip without the CLI on a developer machine, and fail in CI
    (CI=true), where a missing CLI means the bootstrap is broken.
    """
    bin_dir = find_pulumi_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the Pulumi CLI was not found. {CLI_HELP}")
        pytest.skip(f"the Pulumi CLI is not installed. {CLI_HELP}")
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{old_path}"
    assert shutil.which("pulumi") is not None
    yield bin_dir
    os.environ["PATH"] = old_path
