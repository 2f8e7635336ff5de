"""A preview never hangs on the API: with a key and a host that refuses or never answers, it shows the plan fast.

Before, a preview with a key checked website ids against the account with the full retry budget:
32.6 s against a refused connection and 121.8 s against a server that never answers, silently.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.cli_stack import CliStack
from tests.support import refused_url

pytestmark = pytest.mark.engine

BOUND_SECONDS = 10.0






@pytest.mark.parametrize("which", ["refused", "silent"])
def test_a_preview_against_an_unreachable_api_shows_the_plan_within_seconds_and_one_warning(
        which: str, silent_url: str, tmp_path: Path, pulumi_bin_dir: Path) -> None:
    url = refused_url() if which == "refused" else silent_url
    stack = CliStack(tmp_path, config={"pushsmm:baseUrl": url, "site": "1", "n": "3"},
                     secrets={"pushsmm:apiKey": "preview-key-NEVER-PRINTED"})
    started = time.monotonic()
    done = stack.run("preview", timeout=120)
    took = time.monotonic() - started
    printed = done.stdout + done.stderr
    assert took < BOUND_SECONDS, f"preview took {took:.1f} s:\n{printed}"
    assert "+ 4 to create" in printed, printed  # the plan is shown: the stack and its 3 flows
    host = url.split("//")[1].split("/")[0]
    diagnostics = printed.split("Diagnostics:")[-1]  # (Pulumi shows each diagnostic as it comes, then in a summary)
    warnings = [line for line in diagnostics.splitlines() if "did not check website_id and segment" in line]
    assert len(warnings) == 1 and host in warnings[0], printed  # one warning, naming the host
    assert "Retrying" not in printed and "Traceback" not in printed and "NEVER-PRINTED" not in printed
