"""A project with several stacks, each in an emulator account of its own, driven as a user drives it.

``pulumi`` sets each stack up; ``pushsmm-pulumi`` (run as a module of this interpreter, as CliStack runs
``recover``) is the command under test. The program reads its title, url and a secret description from
config, so a test changes them per stack; ``tips`` leaves out its UTM tags, which the policy pack's
remediation fills in at every preview.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli_stack import Account, Admin, CliStack
from tests.support import ROOT

POLICY_PACK = str(ROOT / "policy")

PROGRAM = '''\
"""Two flows on one website: welcome (title, url and a secret description from config) and tips."""
import pulumi
from pulumi_pushsmm import Flow

config = pulumi.Config()
site = config.require_int("site")
Flow("welcome", website_id=site, name="Welcome", title=config.get("title") or "Hello",
     description=config.require_secret("promo"), url=config.get("url") or "https://example.com/welcome",
     wait_time=10, wait_time_type="minutes", ttl=86400,
     utm_source="pushsmm", utm_medium="push", utm_campaign="welcome")
Flow("tips", website_id=site, name="Tips", title="Three tips", description="Make the most of it.",
     url="https://example.com/tips", wait_time=1, wait_time_type="days", ttl=86400)
'''


class Stacks(CliStack):
    """One project folder and backend holding the named stacks; ``accounts`` maps each to its account."""

    def __init__(self, root: Path, admin: Admin, names: list[str], *, program: str = PROGRAM,
                 config: dict[str, str] | None = None) -> None:
        super().__init__(root, program=program, stack=names[0])
        self.names = names
        self.accounts: dict[str, Account] = {}
        for name in names:
            if name != names[0]:
                self.run("stack", "init", name)
            account = self.accounts[name] = Account(admin)
            self.set(name, site=str(account.site), **{"pushsmm:baseUrl": admin.base_url, **(config or {})})
            self.set(name, secret=True, **{"pushsmm:apiKey": account.key, "promo": f"{name} promo, never shown"})

    def set(self, stack: str, *, secret: bool = False, **config: str) -> None:
        """Set config values of one stack (``secret``: as secrets)."""
        for key, value in config.items():
            self.run("config", "set", *(["--secret"] if secret else []), key, value, "--stack", stack)

    def up_all(self) -> None:
        """`pulumi up` of every stack with the policy pack, without the command under test."""
        for name in self.names:
            self.run("up", "--yes", "--skip-preview", "--policy-pack", POLICY_PACK, "--stack", name)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``pushsmm-pulumi ARGS --cwd PROJECT``, as a user in any folder would run it."""
        done = subprocess.run([sys.executable, "-m", "pulumi_pushsmm.cli", *args, "--cwd", str(self.project)],
                              cwd=self.project.parent, env=self.env, capture_output=True, text=True, timeout=600,
                              check=False)
        self.output += [done.stdout, done.stderr]
        return done

    def state_file(self, stack: str) -> Path:
        """The stack's checkpoint in the file backend."""
        return self.project.parent / "state" / ".pulumi" / "stacks" / "reliability" / f"{stack}.json"

    def flow_ids(self, stack: str = "") -> list[str]:
        """The ids of the Flow resources in a stack's state (default: the selected stack's)."""
        exported = json.loads(self.run("stack", "export", *(["--stack", stack] if stack else [])).stdout)
        return sorted(str(r["id"]) for r in exported["deployment"].get("resources") or []
                      if r["type"].endswith("pushsmm:Flow"))


def by_name(account: Account) -> dict[str, dict[str, Any]]:
    """The account's flows as the emulator stores them, by name."""
    return {str(f["name"]): f for f in account.flows()}


def section(markdown: str, stack: str) -> str:
    """The collapsible block of one stack in a summary."""
    start = markdown.index(f"<summary><b>{stack}</b>")
    return markdown[start:markdown.index("</details>", start)]
