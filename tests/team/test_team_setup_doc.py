"""README's "Team setup": every command block is a marked step, and the engine tests run every step."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT
from tests.team.helpers import README_DATABASE, section, steps

pytestmark = pytest.mark.unit

ENGINE_TESTS = ROOT / "tests" / "team" / "test_team_setup_engine.py"


def test_every_command_block_of_the_section_is_a_step() -> None:
    blocks = re.findall(r"^```(\w*)\n.*?^```", section(), re.MULTILINE | re.DOTALL)
    assert blocks.count("sh") == len(steps()) >= 5
    assert set(blocks) <= {"sh", "text"}, blocks  # the rest is output shown, not run


def test_every_step_is_run_by_an_engine_test() -> None:
    source = ENGINE_TESTS.read_text()
    run = set(re.findall(r"""["']([\w-]+)["']""", " ".join(re.findall(r"run_steps\(\[([^\]]*)\]", source))))
    run |= set(re.findall(r"""step\(["']([\w-]+)["']""", source))
    assert run == set(steps()), f"not run: {set(steps()) - run}; not in README: {run - set(steps())}"


def test_the_backend_url_keeps_its_password_out_and_asks_for_tls() -> None:
    url_line = next(line for line in steps()["runner-env"].splitlines() if "PULUMI_BACKEND_URL" in line)
    assert README_DATABASE in url_line and "sslmode=require" in url_line
    assert ":" not in url_line.split("postgres://")[1].split("@")[0]  # user only: the password is PGPASSWORD
