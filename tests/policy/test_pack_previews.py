"""Real previews with the pushsmm-flows pack: every rule caught and passed, config files, remediation, examples.

A preview of Flow resources without a key makes no call to pushsmm, so these stacks
point the provider at a closed port; only the remediation's `up` needs the emulator.

The stacks are made from the test's own working directory, as a user's would
be: the pack is found by its path alone (the bootstrapped language host is
patched for that; see README).
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_pushsmm import TYPE_TOKEN, Flow
from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ENGINE_KEY, ROOT, inline_stack

pytestmark = pytest.mark.engine

POLICY_DIR = ROOT / "policy"
# No key: a preview without one asks pushsmm nothing, so these previews never wait on the network. (With a key and
# an unreachable host a preview waits at most a few seconds: tests/errors/test_preview_bounds_engine.py.)
OFFLINE = {"PUSHSMM_BASE_URL": "http://127.0.0.1:9/api"}
GOOD: dict[str, Any] = {
    "website_id": 1, "name": "Welcome", "title": "Hi there", "description": "Thanks for subscribing.",
    "wait_time": 10, "wait_time_type": "minutes", "url": "https://example.com/welcome", "ttl": 86400,
    "utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": "welcome",
}


def flows_program(*flows: dict[str, Any]) -> Callable[[], None]:
    """A program declaring one Flow per dict, each GOOD with those changes, named flow0, flow1, ..."""

    def program() -> None:
        for index, changes in enumerate(flows):
            Flow(f"flow{index}", **{**GOOD, **changes})

    return program


class Run:
    """What one preview or up with the pack did."""

    def __init__(self) -> None:
        self.succeeded = False
        self.printed: list[str] = []
        self.events: list[auto.EngineEvent] = []
        self.stack: auto.Stack | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.printed)

    def inputs(self, resource_name: str) -> dict[str, Any]:
        """The inputs the engine planned for a Flow, after remediation."""
        for event in self.events:
            pre = event.resource_pre_event
            if pre and pre.metadata.type == TYPE_TOKEN and pre.metadata.urn.endswith(f"::{resource_name}"):
                assert pre.metadata.new is not None
                return dict(pre.metadata.new.inputs or {})
        raise AssertionError(f"no step for {resource_name}: {self.text}")


def run_with_pack(tmp_path: Path, program: Callable[[], None], *, config: dict[str, Any] | None = None,
                  project: str = "pushsmm-policy", stack_config: dict[str, auto.ConfigValue] | None = None,
                  env: dict[str, str] | None = None, up: bool = False, stack: auto.Stack | None = None) -> Run:
    """Preview (or up) ``program`` with the pack and, when given, a --policy-pack-config file of ``config``.

    A new stack in ``tmp_path``, or ``stack``.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    configs = []
    if config is not None:
        config_file = tmp_path / "policy-config.json"
        config_file.write_text(json.dumps(config))
        configs = [str(config_file)]
    run = Run()
    if stack is None:
        stack = inline_stack(tmp_path, program, project=project, env=env or OFFLINE, config=stack_config)
    run.stack = stack
    operation = stack.up if up else stack.preview
    try:
        operation(policy_packs=[str(POLICY_DIR)], policy_pack_configs=configs, on_output=run.printed.append,
                  on_event=run.events.append)
        run.succeeded = True
    except auto.CommandError as error:
        run.printed.append(str(error))
    return run


# The remediation fills in missing UTM tags before the rules look, so most cases switch it off.
NO_REMEDIATION = {"flow-default-utm-tags": "disabled"}

# (policy, violating flows, passing flows, the violation's text, mandatory by default)
CASES: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], str, bool]] = [
    ("flow-https-urls", [{"button_title_1": "Go", "button_url_1": "http://example.com/go"}],
     [{"button_title_1": "Go", "button_url_1": "https://example.com/go"}],
     "Flow \"flow0\": button_url_1 must be an https:// URL, got 'http://example.com/go'", True),
    ("flow-buttons-complete", [{"button_title_2": "Two", "button_url_2": "https://example.com/2"}],
     [{"button_title_1": "One", "button_url_1": "https://example.com/1", "button_title_2": "Two",
       "button_url_2": "https://example.com/2"}],
     'Flow "flow0": button_title_2 and button_url_2 set but button 1 (button_title_1, button_url_1) is empty', True),
    ("flow-ttl-window", [{"ttl": 0}], [{"ttl": 3600}],
     'Flow "flow0": ttl is 0 (deliver now or never), below the minimum of 3600 seconds (1 hour)', False),
    ("flow-wait-time-window", [{"wait_time": 2}], [{"wait_time": 5}],
     'Flow "flow0": wait_time 2 minutes is below the minimum of 5 minutes after subscribing', False),
    ("flow-utm-tags", [{"utm_medium": "", "utm_campaign": ""}], [{}],
     'Flow "flow0": utm_medium, utm_campaign are empty; the required UTM tags are utm_source, utm_medium, '
     "utm_campaign", False),
    ("flow-enabled-landing-url", [{"url": ""}], [{"url": "", "is_enabled": False}],
     'Flow "flow0": is_enabled is true but url is empty', False),
    ("flow-unique-names", [{}, {"wait_time": 60}], [{}, {"name": "Second", "wait_time": 60}],
     "Flow \"flow1\": name 'Welcome' is already used by Flow \"flow0\" on website 1", True),
    ("flow-send-spacing", [{}, {"name": "Second", "wait_time": 12}], [{}, {"name": "Second", "wait_time": 15}],
     'Flow "flow1": wait_time puts it 12 minutes after subscribing, 2 minutes from Flow "flow0" (10 minutes) on '
     "website 1", False),
    ("flow-max-per-website", [{"name": f"F{i}", "wait_time": 10 + 10 * i} for i in range(21)],
     [{"name": f"F{i}", "wait_time": 10 + 10 * i} for i in range(20)],
     'website_id 1 has 21 flows ("flow0", "flow1", "flow10", ', True),
]


@pytest.mark.parametrize(("policy", "bad", "good", "words", "mandatory"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_catches_its_violation_and_passes_a_clean_program(
    pulumi_bin_dir: Path, tmp_path: Path, policy: str, bad: list[dict[str, Any]], good: list[dict[str, Any]],
    words: str, mandatory: bool,
) -> None:
    violating = run_with_pack(tmp_path / "bad", flows_program(*bad), config=NO_REMEDIATION)
    assert words in violating.text, violating.text
    assert f"[{'mandatory' if mandatory else 'advisory'}]  {policy}" in violating.text, violating.text
    assert violating.succeeded is not mandatory, "mandatory violations fail the preview, advisory ones do not"
    passing = run_with_pack(tmp_path / "good", flows_program(*good), config=NO_REMEDIATION)
    assert passing.succeeded, passing.text
    assert "pushsmm-flows@v0.1.0" in passing.text  # the pack ran
    assert policy not in passing.text, passing.text


def test_a_config_file_changes_a_threshold_and_an_enforcement_level(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    program = flows_program({"ttl": 43200, "wait_time": 20})
    default = run_with_pack(tmp_path / "default", program)
    assert default.succeeded and "flow-ttl-window" not in default.text, default.text
    config = {"flow-ttl-window": {"enforcementLevel": "mandatory", "minSeconds": 86400},
              "flow-wait-time-window": {"minMinutes": 30}}
    strict = run_with_pack(tmp_path / "strict", program, config=config)
    assert not strict.succeeded
    assert "[mandatory]  flow-ttl-window" in strict.text
    assert 'Flow "flow0": ttl is 43200 seconds (12 hours), below the minimum of 86400 seconds (1 day)' in strict.text
    assert "[advisory]  flow-wait-time-window" in strict.text
    assert "wait_time 20 minutes is below the minimum of 30 minutes" in strict.text
    relaxed = run_with_pack(tmp_path / "relaxed", flows_program({"url": "http://example.com"}),
                            config={"flow-https-urls": "advisory"})
    assert relaxed.succeeded and "[advisory]  flow-https-urls" in relaxed.text, relaxed.text


def test_a_config_file_that_does_not_fit_the_schema_is_refused(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    run = run_with_pack(tmp_path, flows_program({}), config={"flow-ttl-window": {"minSeconds": "an hour"}})
    assert not run.succeeded
    assert "minSeconds" in run.text, run.text


def test_the_remediation_changes_the_inputs_the_provider_gets(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    program = flows_program({"name": "Spring Sale!", "utm_source": "", "utm_medium": "", "utm_campaign": ""},
                            {"name": "Tips", "wait_time": 60, "utm_campaign": "", "utm_medium": "email"})
    run = run_with_pack(tmp_path / "default", program)
    assert run.succeeded, run.text
    assert "[remediate]  flow-default-utm-tags" in run.text
    assert "flow-utm-tags" not in run.text  # the rule sees the filled-in tags
    assert {k: run.inputs("flow0")[k] for k in ("utm_source", "utm_medium", "utm_campaign")} == {
        "utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": "spring-sale"}
    assert {k: run.inputs("flow1")[k] for k in ("utm_source", "utm_medium", "utm_campaign")} == {
        "utm_source": "pushsmm", "utm_medium": "email", "utm_campaign": "tips"}

    configured = run_with_pack(tmp_path / "configured", program,
                               config={"flow-default-utm-tags": {"utmSource": "acme", "utmCampaign": "spring"}})
    assert configured.inputs("flow0")["utm_source"] == "acme"
    assert configured.inputs("flow0")["utm_campaign"] == "spring"

    dry_run = run_with_pack(tmp_path / "advisory", program, config={"flow-default-utm-tags": "advisory"})
    assert "utm_source" not in dry_run.inputs("flow0")  # advisory: reported, not changed (left at its default)
    assert ("Flow \"flow0\": utm_source, utm_medium, utm_campaign are empty; the default would be "
            "utm_source='pushsmm', utm_medium='push', utm_campaign='spring-sale'") in dry_run.text


def test_remediated_tags_reach_pushsmm_and_settle(tmp_path: Path, engine_emulator: EmulatorServer) -> None:
    site = int(engine_emulator.accounts[0]["website_ids"][0])
    program = flows_program({"website_id": site, "name": "Spring Sale!", "utm_source": "", "utm_campaign": ""})
    env = {"PUSHSMM_BASE_URL": engine_emulator.base_url, "PUSHSMM_API_KEY": ENGINE_KEY}
    up = run_with_pack(tmp_path, program, env=env, up=True)
    assert up.succeeded, up.text
    (stored,) = engine_emulator.flows_for(ENGINE_KEY)
    assert stored["settings"]["utm"] == {"source": "pushsmm", "medium": "push", "campaign": "spring-sale"}
    again = run_with_pack(tmp_path, program, stack=up.stack)  # remediated again, so no change
    assert again.succeeded, again.text
    changes = [e for e in again.events if e.resource_pre_event and e.resource_pre_event.metadata.op != auto.OpType.SAME]
    assert changes == [], again.text


@pytest.mark.parametrize(("example", "project", "config"), [
    ("welcome_series", "pushsmm-welcome-series", {"websiteId": "1"}),
    ("multi_site", "pushsmm-multi-site",
     {"sites": json.dumps([{"websiteId": 1, "landingUrl": "https://a.example"},
                           {"websiteId": 2, "landingUrl": "https://b.example"}])}),
])
def test_the_shipped_examples_pass_the_pack_cleanly(pulumi_bin_dir: Path, tmp_path: Path, example: str,
                                                    project: str, config: dict[str, str]) -> None:
    main = ROOT / "examples" / example / "__main__.py"
    assert main.is_file(), f"{main.relative_to(ROOT)} is missing: a renamed example must be renamed here too"

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    run = run_with_pack(tmp_path, program, project=project,
                        stack_config={f"{project}:{k}": auto.ConfigValue(v) for k, v in config.items()})
    assert run.succeeded, run.text
    assert "pushsmm-flows@v0.1.0" in run.text  # the pack ran
    assert "flow-" not in run.text, run.text  # and nothing was flagged or remediated
