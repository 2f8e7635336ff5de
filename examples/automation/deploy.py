"""Deploy the same welcome flows to several websites from one inline program: one stack per website.

The Automation API runs the program in this process; Pulumi starts the Flow provider in a process of
its own. ``workspace_options`` makes that process use this interpreter, so it finds ``pulumi_pushsmm``
without any change to ``PATH``, wherever this script's virtualenv is.

    export PUSHSMM_API_KEY=<key>                   # PUSHSMM_BASE_URL=http://127.0.0.1:8080/api for the emulator
    export PULUMI_BACKEND_URL=file://$HOME/.pushsmm-state PULUMI_CONFIG_PASSPHRASE=<passphrase>
    venv/bin/python deploy.py --website 1 --website 2     # --preview: only show; --destroy: remove them

Stacks are named ``site-<website id>`` in the project ``pushsmm-sites``; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

import pulumi
from pulumi import automation as auto

from pulumi_pushsmm import Flow
from pulumi_pushsmm.deploy import workspace_options

PROJECT = "pushsmm-sites"
FLOWS = {
    "welcome": {"name": "Welcome", "title": "Welcome aboard!", "description": "Thanks for subscribing.",
                "wait_time": 10, "wait_time_type": "minutes"},
    "tips": {"name": "Getting started tips", "title": "Three tips", "description": "Make the most of it.",
             "wait_time": 1, "wait_time_type": "days"},
    "we-miss-you": {"name": "Re-engagement", "title": "We miss you", "description": "Here is what's new.",
                    "wait_time": 14, "wait_time_type": "days"},
}


def program(website_id: int) -> Callable[[], None]:
    """The inline program of one website's stack: the same flows, on that website."""

    def flows() -> None:
        created = {key: Flow(key, website_id=website_id, url=f"https://example.com/{key}", **inputs)
                   for key, inputs in FLOWS.items()}
        pulumi.export("flow_ids", {key: flow.id for key, flow in created.items()})

    return flows


def stack_for(website_id: int) -> auto.Stack:
    """The website's stack, with the account's key (a secret) and base URL in its config."""
    stack = auto.create_or_select_stack(
        f"site-{website_id}", project_name=PROJECT, program=program(website_id),
        opts=workspace_options(project_settings=auto.ProjectSettings(name=PROJECT, runtime="python"),
                               secrets_provider="passphrase" if os.environ.get("PULUMI_CONFIG_PASSPHRASE") else None))
    stack.set_config("pushsmm:apiKey", auto.ConfigValue(os.environ["PUSHSMM_API_KEY"], secret=True))
    if os.environ.get("PUSHSMM_BASE_URL"):
        stack.set_config("pushsmm:baseUrl", auto.ConfigValue(os.environ["PUSHSMM_BASE_URL"]))
    return stack


def main(argv: list[str] | None = None) -> int:
    """Preview, deploy or destroy every website's stack, in the order given; stop at the first failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--website", type=int, action="append", required=True, help="a website id (repeat)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--preview", action="store_true", help="only show what would change")
    action.add_argument("--destroy", action="store_true", help="remove the flows and the stacks")
    args = parser.parse_args(argv)
    if not os.environ.get("PUSHSMM_API_KEY"):
        parser.error("set PUSHSMM_API_KEY to the account's API key")
    for website_id in args.website:
        stack = stack_for(website_id)
        try:
            if args.preview:
                print(f"{stack.name}: would {stack.preview().change_summary}")
            elif args.destroy:
                stack.destroy()
                stack.workspace.remove_stack(stack.name)
                print(f"{stack.name}: destroyed")
            else:
                result = stack.up()
                changes = {op: n for op, n in (result.summary.resource_changes or {}).items() if op != "same"}
                print(f"{stack.name}: {changes or 'no changes'}; flows {result.outputs['flow_ids'].value}")
        except auto.CommandError as error:
            print(f"{stack.name}: failed\n{error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
