"""A report as Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, and as one line per stack.

One table with a row per stack, then one collapsible block per stack that has something to say (as
Atlantis comments per project): its flows with their fields (old → new), its policy violations with their
levels, the remediations applied, errors and notes. Values go into code spans, any other text is escaped,
so a flow's content cannot break the comment's layout. A secret field is named, never valued.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Final

from .report import OPERATIONS, FieldChange, FlowChange, Report, StackResult

_EXIT_MEANING: Final = {
    "preview": {0: "no changes", 1: "a stack failed or has a mandatory policy violation", 2: "changes to apply"},
    "up": {0: "every stack done", 1: "a stack failed or was left undone"},
    "drift": {0: "no drift", 1: "a stack failed", 2: "drift found"},
}
_DRIFT_WORDS: Final = {"update": "changed", "delete": "deleted"}
_MAX_VALUE: Final = 200
_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]#|!])")


def text(value: str) -> str:
    """``value`` as Markdown text: HTML and Markdown characters escaped, lines joined with ``<br>``."""
    escaped = _SPECIAL.sub(r"\\\1", html.escape(value, quote=False))
    return "<br>".join(line.strip() for line in escaped.strip().splitlines())


def _span(shown: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def code(value: Any) -> str:
    """``value`` as JSON in a code span long enough to hold any backticks it has; long values cut."""
    shown = json.dumps(value, ensure_ascii=False)
    return _span(shown[:_MAX_VALUE] + "…" if len(shown) > _MAX_VALUE else shown)


def name(value: str) -> str:
    """A name (stack, flow, field, policy) in a code span, as it is."""
    return _span(" ".join(value.split()))


def field_line(change: FieldChange, operation: str) -> str:
    """One field: ``name``: old → new (a created flow: its value; a secret: no value at all)."""
    label = name(change.name)
    if change.secret and not change.certain:
        return f"{label}: secret, value not shown (Pulumi does not say whether it changed)"
    if change.secret:
        return f"{label}: {'set' if operation == 'create' else 'changed'} (secret, value not shown)"
    if operation == "create":
        return f"{label}: {code(change.new)}"
    return f"{label}: {code(change.old)} → {code(change.new)}"


def _flow_lines(flow: FlowChange, command: str) -> list[str]:
    verb = _DRIFT_WORDS.get(flow.operation, flow.operation) if command == "drift" else flow.operation
    ident = f" (flow {text(flow.flow_id)})" if flow.flow_id else ""
    return [f"- **{verb}** {name(flow.name)}{ident}",
            *(f"  - {field_line(change, flow.operation)}" for change in flow.fields)]


def _columns(command: str) -> tuple[str, ...]:
    return ("update", "delete") if command == "drift" else OPERATIONS


def _violations_cell(result: StackResult) -> str:
    levels: dict[str, int] = {}
    for violation in result.violations:
        levels[violation.level] = levels.get(violation.level, 0) + 1
    return ", ".join(f"{n} {level}" for level, n in sorted(levels.items())) or "none"


def _table(report: Report) -> list[str]:
    columns = _columns(report.command)
    names = [_DRIFT_WORDS[c] if report.command == "drift" else c for c in columns]
    lines = [f"| stack | result | {' | '.join(names)} | policy violations |",
             f"| --- | --- | {' | '.join('---:' for _ in columns)} | --- |"]
    for result in report.stacks:
        counts = result.counts()
        cells = " | ".join(str(counts.get(c, 0)) for c in columns)
        lines.append(f"| {name(result.stack)} | {text(result.status)} | {cells} | {_violations_cell(result)} |")
    return lines


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"**{title}**", "", *lines, ""] if lines else []


def _stack_block(result: StackResult, command: str) -> list[str]:
    flows = [line for flow in result.flows for line in _flow_lines(flow, command)]
    violations = [f"- **{text(v.level)}** {name(v.policy)} ({text(v.pack)})"
                  + (f" on {name(v.resource)}" if v.resource else " on the stack") + f": {text(v.message)}"
                  for v in result.violations]
    remediations = [f"- {name(r.policy)} ({text(r.pack)}) on {name(r.resource)}: "
                    + ("; ".join(field_line(c, "update") for c in r.fields) or "no field changed")
                    for r in result.remediations]
    # Other resources (a FlowSequence, the stack) count only where no flow says what changes.
    other = [f"- {text(op)}: {n}" for op, n in result.other_changes.items()] if not result.flows else []
    body = [*_section("Flows changed out of band" if command == "drift" else "Flows", flows),
            *_section("Policy violations", violations),
            *_section("Remediations applied", remediations),
            *_section("Errors", [f"- {text(e)}" for e in result.errors]),
            *_section("Notes", [f"- {text(n)}" for n in result.notes]),
            *_section("Resources (Pulumi's count)", other)]
    if not body:
        return []
    heading = f"<b>{html.escape(result.stack)}</b>: {html.escape(result.status)}"
    return ["<details open>", f"<summary>{heading}</summary>", "", *body, "</details>", ""]


def markdown(report: Report) -> str:
    """The whole report as GitHub-flavoured Markdown."""
    meaning = _EXIT_MEANING[report.command][report.exit_code]
    lines = [f"## pushsmm-pulumi {report.command}: {meaning}", "", *_table(report), "",
             f"Exit code {report.exit_code}: {meaning}.", ""]
    for result in report.stacks:
        lines += _stack_block(result, report.command)
    return "\n".join(lines).rstrip() + "\n"


def console_lines(report: Report) -> list[str]:
    """One plain line per stack, for the terminal or the CI log."""
    found = []
    for result in report.stacks:
        parts = [", ".join(f"{n} {op}" for op, n in result.counts().items())]
        if result.mandatory_violations:
            parts.append(f"{len(result.mandatory_violations)} mandatory violation(s)")
        details = "; ".join(p for p in [*parts, *result.errors[:1]] if p)
        found.append(f"{result.stack}: {result.status}" + (f" ({details})" if details else ""))
    return found
