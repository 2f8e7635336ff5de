"""README's "Team setup" section, read as the tests run it: its command blocks by step name, with this machine's values.

Each ``sh`` block of the section is marked ``<!-- team-step: NAME -->``. The engine tests run a
block through ``bash`` exactly as written, except for the database's address, which README
gives as ``db.example.internal:5432/pulumi`` and the tests' server has elsewhere
(tests/team/test_team_setup_doc.py checks that every block is marked and run).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from tests.support import ROOT

TITLE = "Team setup: many runners, one state, one key"
README_DATABASE = "db.example.internal:5432/pulumi?"
"""Where README's backend URL points; the tests' server and database stand in for it."""
_STEP = re.compile(r"<!-- team-step: ([\w-]+) -->\n```(\w*)\n(.*?)```", re.DOTALL)


def section() -> str:
    """README's section under ``## TITLE``, up to the next ``## ``."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(TITLE)}\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {TITLE!r}"
    return match.group(1)


def steps() -> dict[str, str]:
    """Step name -> the commands of its ``sh`` block, as README writes them."""
    found = {name: body for name, lang, body in _STEP.findall(section()) if lang == "sh"}
    assert len(found) == len(_STEP.findall(section())), "a team-step marker stands before a block that is not sh"
    return found


def step(name: str, backend_url: str) -> str:
    """The commands of step ``name``, with the tests' database in README's backend URL."""
    commands = steps()[name]
    parts = urlsplit(backend_url)
    assert README_DATABASE in steps()["runner-env"]
    return commands.replace(README_DATABASE, f"{parts.hostname}:{parts.port}{parts.path}?")


def run_steps(names: list[str], backend_url: str, cwd: Path, env: dict[str, str], *,
              ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run README's steps ``names`` one after the other in one ``bash -e`` (a CI job's script) in ``cwd``."""
    script = "\n".join(step(name, backend_url) for name in names)
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    printed = f"{done.stdout}\n{done.stderr}"
    assert (done.returncode == 0) is ok, f"README's steps {names} exited {done.returncode}:\n{printed}"
    return done
