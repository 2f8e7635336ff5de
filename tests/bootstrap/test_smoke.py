"""The Pulumi engine works offline: up, preview and destroy of a dynamic resource with a local backend."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pulumi
import pytest
from pulumi.dynamic import Resource

from tests.bootstrap.greeting_provider import GreetingProvider
from tests.support import PINNED_VERSION, inline_stack, outputs

pytestmark = pytest.mark.engine


class Greeting(Resource, module="smoke", name="Greeting"):
    """A dynamic resource whose provider lives in an importable module."""

    message: pulumi.Output[str]

    def __init__(self, name: str, who: str) -> None:
        super().__init__(GreetingProvider(), name, {"who": who, "message": None})


def program() -> None:
    greeting = Greeting("hello", "pushsmm")
    pulumi.export("message", greeting.message)
    pulumi.export("id", greeting.id)


def test_engine_runs_up_preview_and_destroy_offline(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    stack = inline_stack(tmp_path, program)

    up = stack.up(on_output=print)
    assert up.summary.result == "succeeded"
    assert outputs(up) == {"message": "hello, pushsmm", "id": "greeting-pushsmm"}

    preview = stack.preview(on_output=print, expect_no_changes=True)
    assert preview.change_summary == {"same": 2}

    destroy = stack.destroy(on_output=print)
    assert destroy.summary.result == "succeeded"
    assert stack.export_stack().deployment.get("resources") in (None, [])


def test_the_cli_in_use_reports_its_version(pulumi_bin_dir: Path) -> None:
    version = subprocess.run([str(pulumi_bin_dir / "pulumi"), "version"], capture_output=True, text=True, check=True)
    if (pulumi_bin_dir.parent / ".complete").exists():  # the bootstrap's own build: the pinned release
        assert version.stdout.strip() == f"v{PINNED_VERSION}"
    else:  # an installed CLI is used as it is
        assert version.stdout.strip().startswith("v3.")
