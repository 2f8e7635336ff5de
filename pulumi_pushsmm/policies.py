"""CrossGuard rules for pushsmm flows, as pure functions and as pulumi-policy objects to compose into packs.

Each rule is a pure function over a flow's properties (and, for stack rules,
over every flow) that returns violation messages naming the resource and the
field. :func:`flow_policies` wraps them as pulumi-policy objects whose
thresholds and enforcement levels a pack's config (``--policy-pack-config``)
can change. Values not known at preview make pulumi-policy skip the rule for
that resource, rather than flag it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .flow import TYPE_TOKEN
from .schema import WAIT_TIME_MAX

Props = Mapping[str, Any]

MINUTES_PER_UNIT: Final = {"minutes": 1, "hours": 60, "days": 1440}
URL_FIELDS: Final = ("url", "button_url_1", "button_url_2")
UTM_FIELDS: Final = ("utm_source", "utm_medium", "utm_campaign")

# Defaults of every threshold; the pack's config schema is built from these.
DEFAULTS: Final[Mapping[str, Mapping[str, Any]]] = {
    "flow-ttl-window": {"minSeconds": 3600, "maxSeconds": 2419200},
    "flow-wait-time-window": {"minMinutes": 5, "maxMinutes": WAIT_TIME_MAX["minutes"]},
    "flow-required-utm-tags": {"tags": list(UTM_FIELDS)},
    "flow-send-spacing": {"minGapMinutes": 5},
    "flow-max-per-website": {"maxFlows": 20},
    "flow-default-utm-tags": {"utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": ""},
}


def _text(props: Props, key: str) -> str:
    value = props.get(key)
    return value if isinstance(value, str) else ""


def send_minutes(props: Props) -> int | None:
    """When a flow is sent, in minutes after subscribing (None when not known)."""
    wait, unit = props.get("wait_time"), props.get("wait_time_type")
    if not isinstance(wait, int | float) or isinstance(wait, bool) or unit not in MINUTES_PER_UNIT:
        return None
    return int(wait) * MINUTES_PER_UNIT[unit]


# --- resource rules: (name, props, config) -> messages ----------------------------------------------


def https_urls(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """Landing and button URLs must be https, so a push never leads to a page in clear text."""
    return [f'Flow "{name}": {key} "{props[key]}" must use https://'
            for key in URL_FIELDS if _text(props, key) and not _text(props, key).startswith("https://")]


def buttons_complete(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """A button title needs its URL and the reverse, and button 2 needs button 1."""
    messages = []
    for n in (1, 2):
        title, url = _text(props, f"button_title_{n}"), _text(props, f"button_url_{n}")
        if title and not url:
            messages.append(f'Flow "{name}": button_title_{n} is set but button_url_{n} is empty')
        if url and not title:
            messages.append(f'Flow "{name}": button_url_{n} is set but button_title_{n} is empty')
    if (_text(props, "button_title_2") or _text(props, "button_url_2")) and not _text(props, "button_title_1"):
        messages.append(f'Flow "{name}": button_title_2 is set without button 1; use button 1 first')
    return messages


def ttl_window(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """The ttl must let the message live long enough to be seen, and no longer than allowed."""
    ttl = props.get("ttl")
    low, high = int(config["minSeconds"]), int(config["maxSeconds"])
    if isinstance(ttl, int | float) and not low <= ttl <= high:
        return [f'Flow "{name}": ttl {int(ttl)} seconds is outside the allowed window {low}-{high} seconds']
    return []


def wait_time_window(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """The wait before sending must fall within the configured window."""
    minutes = send_minutes(props)
    low, high = int(config["minMinutes"]), int(config["maxMinutes"])
    if minutes is not None and not low <= minutes <= high:
        return [f'Flow "{name}": wait_time {props["wait_time"]} {props["wait_time_type"]} ({minutes} minutes) '
                f"is outside the allowed window {low}-{high} minutes"]
    return []


def required_utm_tags(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """Every configured UTM tag must be set, so campaigns show up in analytics."""
    return [f'Flow "{name}": {tag} is required but empty' for tag in config["tags"] if not _text(props, tag)]


def enabled_needs_landing_url(name: str, props: Props, config: Mapping[str, Any]) -> list[str]:
    """An enabled flow without a landing URL sends people nowhere when they click."""
    if props.get("is_enabled", True) is not False and not _text(props, "url"):
        return [f'Flow "{name}": url is empty but the flow is enabled; a click would lead nowhere']
    return []


def default_utm_tags(name: str, props: Props, config: Mapping[str, Any]) -> dict[str, str]:
    """The UTM tags to fill in: configured defaults, and a campaign made from the flow's name."""
    campaign = config.get("utm_campaign") or re.sub(r"[^a-z0-9]+", "-", _text(props, "name").lower()).strip("-")
    defaults = {"utm_source": config.get("utm_source", ""), "utm_medium": config.get("utm_medium", ""),
                "utm_campaign": campaign}
    return {tag: value for tag, value in defaults.items() if value and not _text(props, tag)}


# --- stack rules: (flows, config) -> (urn, message) ---------------------------------------------------


@dataclass(frozen=True)
class FlowView:
    """What stack rules see of one flow."""

    urn: str
    name: str
    props: Props


def names_unique_per_website(flows: Sequence[FlowView], config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Two flows with the same name on one website cannot be told apart in the dashboard."""
    seen: dict[tuple[Any, str], FlowView] = {}
    messages = []
    for flow in flows:
        key = (flow.props.get("website_id"), _text(flow.props, "name"))
        if key in seen:
            messages.append((flow.urn, f'Flow "{flow.name}": name "{key[1]}" is already used by Flow '
                                       f'"{seen[key].name}" on website {key[0]}'))
        else:
            seen[key] = flow
    return messages


def send_spacing(flows: Sequence[FlowView], config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Enabled flows of one website and segment must be sent a minimum gap apart."""
    gap = int(config["minGapMinutes"])
    groups: dict[tuple[Any, Any], list[tuple[int, FlowView]]] = defaultdict(list)
    for flow in flows:
        minutes = send_minutes(flow.props)
        if minutes is not None and flow.props.get("is_enabled", True) is not False:
            groups[(flow.props.get("website_id"), flow.props.get("segment", "all"))].append((minutes, flow))
    messages = []
    for (website, segment), timed in groups.items():
        timed.sort(key=lambda pair: pair[0])
        for (before, first), (after, second) in pairwise(timed):
            if after - before < gap:
                messages.append((second.urn, f'Flow "{second.name}": wait_time sends it {after - before} minutes '
                                             f'after Flow "{first.name}" on website {website}, segment {segment}; '
                                             f"keep at least {gap} minutes between pushes"))
    return messages


def max_per_website(flows: Sequence[FlowView], config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A website may hold at most the configured number of flows (plan limits)."""
    limit = int(config["maxFlows"])
    per_site: dict[Any, list[FlowView]] = defaultdict(list)
    for flow in flows:
        per_site[flow.props.get("website_id")].append(flow)
    return [(site_flows[-1].urn, f"website {site} has {len(site_flows)} flows (website_id); the limit is {limit}")
            for site, site_flows in per_site.items() if len(site_flows) > limit]


# --- the pulumi-policy objects ---------------------------------------------------------------------------


def _config(name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS.get(name, {}), **{k: v for k, v in given.items() if v is not None}}


def _schema(name: str) -> PolicyConfigSchema | None:
    defaults = DEFAULTS.get(name)
    if not defaults:
        return None
    kinds = {int: "integer", str: "string", list: "array"}
    properties: dict[str, dict[str, Any]] = {}
    for key, value in defaults.items():
        properties[key] = {"type": kinds[type(value)], "default": value}
        if isinstance(value, list):
            properties[key]["items"] = {"type": "string"}
    return PolicyConfigSchema(properties=properties)


RESOURCE_RULES: Final = {
    "flow-https-urls": (https_urls, EnforcementLevel.MANDATORY),
    "flow-buttons-complete": (buttons_complete, EnforcementLevel.MANDATORY),
    "flow-ttl-window": (ttl_window, EnforcementLevel.ADVISORY),
    "flow-wait-time-window": (wait_time_window, EnforcementLevel.ADVISORY),
    "flow-required-utm-tags": (required_utm_tags, EnforcementLevel.ADVISORY),
    "flow-enabled-needs-landing-url": (enabled_needs_landing_url, EnforcementLevel.ADVISORY),
}

STACK_RULES: Final = {
    "flow-names-unique-per-website": (names_unique_per_website, EnforcementLevel.MANDATORY),
    "flow-send-spacing": (send_spacing, EnforcementLevel.ADVISORY),
    "flow-max-per-website": (max_per_website, EnforcementLevel.MANDATORY),
}


def _resource_policy(name: str) -> ResourceValidationPolicy:
    rule, level = RESOURCE_RULES[name]

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == TYPE_TOKEN:
            for message in rule(args.name, args.props, _config(name, args.get_config())):
                report(message, None)

    return ResourceValidationPolicy(name=name, description=(rule.__doc__ or name).strip(), validate=validate,
                                    enforcement_level=level, config_schema=_schema(name))


def _stack_policy(name: str) -> StackValidationPolicy:
    rule, level = STACK_RULES[name]

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        flows = [FlowView(r.urn, r.name, r.props) for r in args.resources if r.resource_type == TYPE_TOKEN]
        for urn, message in rule(flows, _config(name, args.get_config())):
            report(message, urn)

    return StackValidationPolicy(name=name, description=(rule.__doc__ or name).strip(), validate=validate,
                                 enforcement_level=level, config_schema=_schema(name))


def _remediation_policy() -> ResourceValidationPolicy:
    name = "flow-default-utm-tags"

    def remediate(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        if args.resource_type != TYPE_TOKEN:
            return None
        fills = default_utm_tags(args.name, args.props, _config(name, args.get_config()))
        return {**args.props, **fills} if fills else None

    return ResourceValidationPolicy(name=name, description=(default_utm_tags.__doc__ or name).strip(),
                                    # pulumi-policy awaits the result only when it is awaitable; its
                                    # annotation asks for an awaitable, but a plain mapping is accepted.
                                    remediate=remediate,  # type: ignore[arg-type]
                                    enforcement_level=EnforcementLevel.REMEDIATE,
                                    config_schema=_schema(name))


def flow_policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """Every pushsmm flow policy, with its default enforcement level, ready for a PolicyPack."""
    policies: list[ResourceValidationPolicy | StackValidationPolicy] = [_remediation_policy()]
    policies += [_resource_policy(name) for name in RESOURCE_RULES]
    policies += [_stack_policy(name) for name in STACK_RULES]
    return policies
