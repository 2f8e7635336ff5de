"""The rules about the stack's Flows together, per website: each a pure function, then its :class:`Rule` record.

A check takes ``(flows, config)``, the stack's flows as :class:`FlowRecord` s
and the policy's config, and returns :class:`Finding` s, each carrying the URN
of the flow it is about (or none when it is about a whole website). A flow
whose ``website_id`` is not known yet is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .props import flow_label, is_int, known, send_minutes
from .rule import Finding, FlowRecord, Rule, boolean, integer, settings

# --- the checks ------------------------------------------------------------------------------------


def _by_website(flows: Iterable[FlowRecord]) -> dict[int, list[FlowRecord]]:
    groups: dict[int, list[FlowRecord]] = defaultdict(list)
    for flow in flows:
        website = known(flow.props, "website_id")
        if is_int(website):
            groups[website].append(flow)
    return dict(sorted(groups.items()))


def check_unique_names(flows: Sequence[FlowRecord], config: Mapping[str, Any] | None = None) -> list[Finding]:
    """Flow names (the ``name`` input) must be unique per website; the first flow by resource name keeps it."""
    opts = settings(UNIQUE_NAMES, config)
    findings = []
    for website, members in _by_website(flows).items():
        first: dict[str, FlowRecord] = {}
        for flow in sorted(members, key=lambda f: f.name):
            name = known(flow.props, "name")
            if not isinstance(name, str):
                continue
            key = " ".join(name.split())
            key = key.casefold() if opts["ignoreCase"] else key
            if key in first:
                other = first[key]
                findings.append(Finding(flow.urn, f"{flow_label(flow.name)}: name {name!r} is already used by "
                                                  f"{flow_label(other.name)} on website {website}"))
            else:
                first[key] = flow
    return findings


def _segments_overlap(a: Any, b: Any, all_reaches_every_segment: bool) -> bool:
    return a == b or (all_reaches_every_segment and "all" in (a, b))


def check_send_spacing(flows: Sequence[FlowRecord], config: Mapping[str, Any] | None = None) -> list[Finding]:
    """Enabled flows of one website reaching the same subscribers must be sent at least ``minGapMinutes`` apart."""
    opts = settings(SEND_SPACING, config)
    gap, all_overlaps = int(opts["minGapMinutes"]), bool(opts["allReachesEverySegment"])
    findings = []
    for website, members in _by_website(flows).items():
        timed = []
        for flow in members:
            minutes, segment = send_minutes(flow.props), known(flow.props, "segment")
            if minutes is None or segment is None or known(flow.props, "is_enabled") is not True:
                continue
            timed.append((minutes, flow.name, segment, flow))
        timed.sort(key=lambda item: (item[0], item[1]))
        for i, (early_minutes, _, early_segment, early) in enumerate(timed):
            for late_minutes, _, late_segment, late in timed[i + 1:]:
                if late_minutes - early_minutes >= gap:
                    break
                if not _segments_overlap(early_segment, late_segment, all_overlaps):
                    continue
                apart = late_minutes - early_minutes
                findings.append(Finding(late.urn, (
                    f"{flow_label(late.name)}: wait_time puts it {late_minutes} minutes after subscribing, "
                    f"{apart} minute{'s' if apart != 1 else ''} from {flow_label(early.name)} "
                    f"({early_minutes} minutes) "
                    f"on website {website} (segments {early_segment!r} and {late_segment!r}); keep flows at least "
                    f"{gap} minutes apart so a new subscriber never gets two pushes together")))
    return findings


def check_max_flows_per_website(flows: Sequence[FlowRecord], config: Mapping[str, Any] | None = None) -> list[Finding]:
    """A website may have at most ``maxFlows`` flows (the pushsmm plan's limit)."""
    opts = settings(MAX_FLOWS_PER_WEBSITE, config)
    limit = int(opts["maxFlows"])
    findings = []
    for website, members in _by_website(flows).items():
        if len(members) > limit:
            names = ", ".join(f'"{flow.name}"' for flow in sorted(members, key=lambda f: f.name))
            findings.append(Finding(None, f"website_id {website} has {len(members)} flows ({names}), more than the "
                                          f"limit of {limit} flows per website"))
    return findings


# --- the rules -------------------------------------------------------------------------------------

UNIQUE_NAMES: Final = Rule(
    name="flow-unique-names",
    description="pushsmm flow names must be unique per website.",
    enforcement="mandatory",
    config={"ignoreCase": boolean("Compare names ignoring case (and runs of whitespace).", True)},
    stack_check=check_unique_names,
)

SEND_SPACING: Final = Rule(
    name="flow-send-spacing",
    description="pushsmm flows reaching the same new subscribers must be sent a minimum gap apart.",
    enforcement="advisory",
    config={
        "minGapMinutes": integer("Smallest gap between two flows' send times, in minutes.", 5),
        "allReachesEverySegment": boolean('Count a flow on segment "all" as reaching every segment\'s '
                                           "subscribers.", True),
    },
    stack_check=check_send_spacing,
)

MAX_FLOWS_PER_WEBSITE: Final = Rule(
    name="flow-max-per-website",
    description="A website may have at most the configured number of pushsmm flows (the plan's limit).",
    enforcement="mandatory",
    config={"maxFlows": integer("Most flows one website may have.", 20, minimum=1)},
    stack_check=check_max_flows_per_website,
)

