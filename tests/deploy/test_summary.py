"""The report's exit codes, its Markdown (hostile values kept inside their spans, secrets never valued) and JSON."""

from __future__ import annotations

import json

import pytest

from pulumi_pushsmm.deploy import summary
from pulumi_pushsmm.deploy.report import (
    CHANGES,
    DONE,
    DRIFT,
    FAILED,
    NO_CHANGES,
    NO_DRIFT,
    NOT_STARTED,
    FieldChange,
    FlowChange,
    Remediation,
    Report,
    StackResult,
    Violation,
)

pytestmark = pytest.mark.unit

MANDATORY = Violation("flow-https-urls", "pack", "mandatory", "welcome", "url is http")


@pytest.mark.parametrize(("command", "statuses", "violations", "code"), [
    ("preview", [NO_CHANGES, NO_CHANGES], [], 0),
    ("preview", [NO_CHANGES, CHANGES], [], 2),
    ("preview", [CHANGES, FAILED], [], 1),
    ("preview", [CHANGES], [MANDATORY], 1),
    ("up", [DONE, DONE], [], 0),
    ("up", [DONE, FAILED, NOT_STARTED], [], 1),
    ("drift", [NO_DRIFT, DRIFT], [], 2),
])
def test_exit_codes_are_terraforms_detailed_ones(command: str, statuses: list[str], violations: list[Violation],
                                                 code: int) -> None:
    stacks = [StackResult(f"s{i}", status, violations=violations) for i, status in enumerate(statuses)]
    assert Report(command, stacks).exit_code == code


def report() -> Report:
    hostile = "`</details> | **bold** <script>"
    flows = [FlowChange("welcome", "update", "12", [FieldChange("title", "Hello", hostile),
                                                    FieldChange("description", secret=True)]),
             FlowChange("tips", "create", None, [FieldChange("name", None, "Tips")])]
    dev = StackResult("dev", FAILED, flows=flows, violations=[MANDATORY],
                      remediations=[Remediation("flow-default-utm-tags", "pack", "tips",
                                                [FieldChange("utm_source", "", "pushsmm")])],
                      errors=["pushsmm said <no>"])
    return Report("preview", [dev, StackResult("prod", NO_CHANGES)])


def test_the_markdown_has_a_row_per_stack_and_a_block_for_each_that_has_something_to_say() -> None:
    text = summary.markdown(report())
    assert text.startswith("## pushsmm-pulumi preview: a stack failed or has a mandatory policy violation\n")
    assert "| `dev` | failed | 1 | 1 | 0 | 0 | 1 mandatory |" in text
    assert "| `prod` | no changes | 0 | 0 | 0 | 0 | none |" in text
    assert "- **update** `welcome` (flow 12)" in text
    assert "  - `description`: changed (secret, value not shown)" in text
    assert '  - `name`: `"Tips"`' in text  # a created flow: its values
    assert "- **mandatory** `flow-https-urls` (pack) on `welcome`: url is http" in text
    assert '- `flow-default-utm-tags` (pack) on `tips`: `utm_source`: `""` → `"pushsmm"`' in text
    assert "- pushsmm said &lt;no&gt;" in text
    assert "<summary><b>prod</b>" not in text


def test_a_hostile_value_stays_inside_its_code_span() -> None:
    text = summary.markdown(report())
    # The value holds a backtick, so its span is fenced with two. Markdown reads nothing inside a code span,
    # and an HTML block only starts a line, so the block still ends at its own line.
    assert '`title`: `"Hello"` → ``"`</details> | **bold** <script>"``' in text
    assert text.splitlines().count("</details>") == 1
    assert summary.text("a|b *c* <d>") == r"a\|b \*c\* &lt;d&gt;"


def test_the_json_is_versioned_and_a_secret_field_has_no_value_at_all() -> None:
    data = json.loads(json.dumps(report().to_json()))
    assert (data["version"], data["command"], data["exit_code"]) == (1, "preview", 1)
    dev = data["stacks"][0]
    assert dev["counts"] == {"create": 1, "update": 1}
    assert dev["flows"][0]["fields"] == [
        {"name": "title", "old": "Hello", "new": "`</details> | **bold** <script>"},
        {"name": "description", "secret": True, "certain": True}]
    assert dev["violations"][0]["level"] == "mandatory"


def test_console_lines_say_each_stacks_result() -> None:
    assert summary.console_lines(report()) == [
        "dev: failed (1 create, 1 update; 1 mandatory violation(s); pushsmm said <no>)", "prod: no changes"]
