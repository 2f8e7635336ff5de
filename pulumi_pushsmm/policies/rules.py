"""The pushsmm flow rules as pure functions over a Flow's property dict, testable without the Pulumi engine.

Each rule is a :class:`Rule` record in :data:`RULES`: its policy name, what it
asks for, its default enforcement level, the JSON schema of its settings (with
their defaults), and a function. Resource rules take ``(resource, props,
config)`` and return messages; stack rules take ``(flows, config)`` and return
:class:`Finding` s. ``resource`` is the resource's URN name, ``props`` the
Flow's properties with :data:`UNKNOWN` for values not known yet (at preview),
and ``config`` the policy's config as ``args.get_config()`` gives it (missing
keys take their defaults). A rule never flags a value it does not know.

:mod:`pulumi_pushsmm.policies.pack` wraps these in pulumi_policy objects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, NamedTuple
from urllib.parse import urlsplit

from .. import schema

# --- unknown values ------------------------------------------------------------------------------


class _Unknown:
    """The type of :data:`UNKNOWN`."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _Unknown()
"""Stands for a value Pulumi does not know yet, such as another resource's output during a preview."""


def _known(props: Mapping[str, Any], name: str) -> Any:
    """The value of input ``name``: pushsmm's default when absent, None when not known yet."""
    value = props.get(name)
    if value is UNKNOWN:
        return None
    if value is None:
        f = schema.FIELDS_BY_NAME.get(name)
        return f.default if f is not None else None
    return value


def _is_unknown(props: Mapping[str, Any], name: str) -> bool:
    return props.get(name) is UNKNOWN


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _flow(resource: str) -> str:
    return f'Flow "{resource}"'


# --- the rule record and its settings ------------------------------------------------------------

Level = Literal["advisory", "mandatory", "remediate", "disabled"]
"""An enforcement level, as pulumi_policy's EnforcementLevel values spell it."""

ResourceCheck = Callable[[str, Mapping[str, Any], Mapping[str, Any] | None], list[str]]
"""A resource rule: (URN name, props, policy config) -> violation messages."""


class Finding(NamedTuple):
    """One stack-rule violation: the message and, when it concerns one flow, that flow's URN."""

    urn: str | None
    message: str


@dataclass(frozen=True)
class FlowRecord:
    """One Flow of the stack as a stack rule sees it."""

    name: str
    """The resource's URN name (the first argument of ``Flow(...)``)."""
    urn: str
    """The resource's URN, which a finding about this flow carries."""
    props: Mapping[str, Any]
    """The flow's properties, with :data:`UNKNOWN` for values not known yet."""


StackCheck = Callable[[Sequence[FlowRecord], Mapping[str, Any] | None], list[Finding]]
"""A stack rule: (the stack's flows, policy config) -> findings."""


@dataclass(frozen=True)
class Rule:
    """A policy of the pack: name, description, default enforcement, settings schema and logic."""

    name: str
    description: str
    enforcement: Level
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON schema of each setting (the pack's config_schema properties), with its default."""
    check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    remediate: Callable[[str, Mapping[str, Any], Mapping[str, Any] | None], dict[str, Any]] | None = None


def settings(rule: Rule, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rule's settings: each key's schema default, overridden by ``config``.

    Numbers from a policy config arrive as floats (3600.0); integer settings are
    given back as integers. The ``enforcementLevel`` key is not a setting.
    """
    result: dict[str, Any] = {key: spec.get("default") for key, spec in rule.config.items()}
    for key, value in (config or {}).items():
        if key == "enforcementLevel":
            continue
        spec = rule.config.get(key, {})
        if spec.get("type") == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = list(value)
        result[key] = value
    return result


def _integer(description: str, default: int | None = None, minimum: int = 0) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": "integer", "minimum": minimum, "description": description}
    if default is not None:
        spec["default"] = default
    return spec


def _window(what: str, unit: str, smallest: int) -> dict[str, Any]:
    """The ``min<Unit>`` and ``max<Unit>`` settings of a rule that keeps ``what`` within a window."""
    return {
        f"min{unit.capitalize()}": _integer(f"Smallest {what} accepted, in {unit}.", smallest),
        f"max{unit.capitalize()}": _integer(f"Largest {what} accepted, in {unit} (no maximum when unset)."),
    }


def _string(description: str, default: str, max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "default": default, "description": description}


def _boolean(description: str, default: bool) -> dict[str, Any]:
    return {"type": "boolean", "default": default, "description": description}


def _names(description: str, allowed: Sequence[str], default: Sequence[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "enum": list(allowed)}, "uniqueItems": True,
            "default": list(default), "description": description}


# --- resource rules ------------------------------------------------------------------------------

URL_FIELDS: Final = tuple(f.name for f in schema.INPUT_FIELDS if f.kind is schema.Kind.URL)
"""The Flow inputs that hold URLs a subscriber opens."""
UTM_FIELDS: Final = tuple(f.name for f in schema.INPUT_FIELDS if f.kind is schema.Kind.UTM_TAG)
"""The Flow inputs that hold the UTM tags added to the landing URL."""
_WAIT_UNIT_MINUTES: Final = {"minutes": 1, "hours": 60, "days": 1440}


def check_https_urls(resource: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """Landing and button URLs must be https:// (empty means no URL and passes)."""
    opts = settings(HTTPS_URLS, config)
    allowed_hosts = {str(h).lower() for h in opts["allowHttpHosts"]}
    messages = []
    for name in opts["fields"]:
        value = _known(props, name)
        if not isinstance(value, str) or value == "":
            continue
        parts = urlsplit(value)
        if parts.scheme.lower() == "https":
            continue
        if parts.scheme.lower() == "http" and (parts.hostname or "").lower() in allowed_hosts:
            continue
        messages.append(f"{_flow(resource)}: {name} must be an https:// URL, got {value!r}")
    return messages


def check_buttons_complete(resource: str, props: Mapping[str, Any],
                           config: Mapping[str, Any] | None = None) -> list[str]:
    """Each button needs both a title and a URL, and button 2 needs button 1."""
    messages = []
    for title, url in schema.BUTTON_PAIRS:
        if _is_unknown(props, title) or _is_unknown(props, url):
            continue
        title_value, url_value = _known(props, title), _known(props, url)
        if title_value and not url_value:
            messages.append(f"{_flow(resource)}: {url} is empty but {title} is {title_value!r}; "
                            "a button needs both a title and a URL")
        if url_value and not title_value:
            messages.append(f"{_flow(resource)}: {title} is empty but {url} is {url_value!r}; "
                            "a button needs both a title and a URL")
    (title_1, url_1), (title_2, url_2) = schema.BUTTON_PAIRS
    if not any(_is_unknown(props, n) for n in (title_1, url_1)):
        first_empty = not _known(props, title_1) and not _known(props, url_1)
        second_set = [n for n in (title_2, url_2) if _known(props, n)]
        if first_empty and second_set:
            messages.append(f"{_flow(resource)}: {' and '.join(second_set)} set but button 1 "
                            f"({title_1}, {url_1}) is empty; fill in button 1 first")
    return messages


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def check_ttl_window(resource: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """ttl (seconds the push service keeps trying) must lie within the configured window.

    ttl 0 is a real value, "deliver now or never": it is below any positive
    minimum unless ``allowNowOrNever`` is set.
    """
    opts = settings(TTL_WINDOW, config)
    ttl = _known(props, "ttl")
    if not _is_int(ttl):
        return []
    minimum, maximum = int(opts["minSeconds"]), opts.get("maxSeconds")
    if ttl == 0:
        if opts["allowNowOrNever"] or minimum <= 0:
            return []
        return [f"{_flow(resource)}: ttl is 0 (deliver now or never), below the minimum of {minimum} seconds "
                f"({_duration(minimum)}); a subscriber who is offline at send time would never get it"]
    if ttl < minimum:
        return [f"{_flow(resource)}: ttl is {ttl} seconds ({_duration(ttl)}), below the minimum of {minimum} "
                f"seconds ({_duration(minimum)})"]
    if maximum is not None and ttl > int(maximum):
        return [f"{_flow(resource)}: ttl is {ttl} seconds ({_duration(ttl)}), above the maximum of {int(maximum)} "
                f"seconds ({_duration(int(maximum))})"]
    return []


def send_minutes(props: Mapping[str, Any]) -> int | None:
    """Minutes after subscribing that the flow is sent (wait_time in wait_time_type units), or None if not known."""
    wait_time, unit = _known(props, "wait_time"), _known(props, "wait_time_type")
    if not _is_int(wait_time) or unit not in _WAIT_UNIT_MINUTES:
        return None
    return int(wait_time) * _WAIT_UNIT_MINUTES[unit]


def check_wait_time_window(resource: str, props: Mapping[str, Any],
                           config: Mapping[str, Any] | None = None) -> list[str]:
    """The time from subscribing to sending must lie within the configured window (in minutes)."""
    opts = settings(WAIT_TIME_WINDOW, config)
    minutes = send_minutes(props)
    if minutes is None:
        return []
    minimum, maximum = int(opts["minMinutes"]), opts.get("maxMinutes")
    unit = _known(props, "wait_time_type")
    given = f"wait_time {props.get('wait_time')} {unit}" + ("" if unit == "minutes" else f" ({minutes} minutes)")
    if minutes < minimum:
        return [f"{_flow(resource)}: {given} is below the minimum of {minimum} minutes after subscribing"]
    if maximum is not None and minutes > int(maximum):
        return [f"{_flow(resource)}: {given} is above the maximum of {int(maximum)} minutes after subscribing"]
    return []


def _has_no_landing_url(props: Mapping[str, Any]) -> bool:
    return not _is_unknown(props, "url") and not _known(props, "url")


def _blank(props: Mapping[str, Any], name: str) -> bool:
    value = _known(props, name)
    return not _is_unknown(props, name) and (not isinstance(value, str) or not value.strip())


def check_utm_tags(resource: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """The configured UTM tags must be set on a flow with a landing URL (they are added to that URL)."""
    opts = settings(UTM_TAGS, config)
    if _has_no_landing_url(props):
        return []
    required = [name for name in UTM_FIELDS if name in opts["required"]]
    missing = [name for name in required if _blank(props, name)]
    if not missing:
        return []
    return [f"{_flow(resource)}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty; "
            f"the required UTM tags are {', '.join(required)}"]


def check_enabled_has_landing_url(resource: str, props: Mapping[str, Any],
                                  config: Mapping[str, Any] | None = None) -> list[str]:
    """An enabled flow should have a landing URL, or a click on it leads nowhere in particular."""
    enabled = _known(props, "is_enabled")
    if enabled is not True or not _has_no_landing_url(props):
        return []
    return [f"{_flow(resource)}: is_enabled is true but url is empty; set the landing URL a click opens "
            "(or is_enabled=False)"]


_SLUG_JUNK: Final = re.compile(r"[^a-z0-9]+")


def campaign_slug(text: str) -> str:
    """A utm_campaign value made from a flow's name: lower case, runs of other characters as one '-'."""
    limit = schema.FIELDS_BY_NAME["utm_campaign"].max_length or 128
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")[:limit].strip("-")


def default_utm_tags(resource: str, props: Mapping[str, Any],
                     config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The UTM tags to fill in: each empty one gets the configured default.

    utm_campaign defaults to ``utmCampaign`` when set, else a slug of the flow's
    ``name`` (of the resource name when that has no letters or digits). A
    flow without a landing URL gets nothing, and nor does a tag whose value or
    whose default is not known, or whose default pushsmm would not accept.
    """
    opts = settings(DEFAULT_UTM_TAGS, config)
    if _has_no_landing_url(props):
        return {}
    defaults: dict[str, Any] = {"utm_source": opts["utmSource"], "utm_medium": opts["utmMedium"],
                                "utm_campaign": opts["utmCampaign"]}
    if not defaults["utm_campaign"]:
        name = _known(props, "name")
        defaults["utm_campaign"] = (campaign_slug(name) or campaign_slug(resource)) if isinstance(name, str) else None
    fills = {}
    for tag, value in defaults.items():
        if not value or not _blank(props, tag) or schema.FIELDS_BY_NAME[tag].validate(value):
            continue
        fills[tag] = value
    return fills


def check_default_utm_tags(resource: str, props: Mapping[str, Any],
                           config: Mapping[str, Any] | None = None) -> list[str]:
    """What :func:`default_utm_tags` would fill in, as a violation (shown when the policy is not remediating)."""
    fills = default_utm_tags(resource, props, config)
    if not fills:
        return []
    shown = ", ".join(f"{tag}={value!r}" for tag, value in fills.items())
    return [f"{_flow(resource)}: {', '.join(fills)} {'is' if len(fills) == 1 else 'are'} empty; "
            f"the default would be {shown}"]


# --- stack rules ---------------------------------------------------------------------------------


def _by_website(flows: Iterable[FlowRecord]) -> dict[int, list[FlowRecord]]:
    groups: dict[int, list[FlowRecord]] = defaultdict(list)
    for flow in flows:
        website = _known(flow.props, "website_id")
        if _is_int(website):
            groups[website].append(flow)
    return dict(sorted(groups.items()))


def check_unique_names(flows: Sequence[FlowRecord], config: Mapping[str, Any] | None = None) -> list[Finding]:
    """Flow names (the ``name`` input) must be unique per website; the first flow by resource name keeps it."""
    opts = settings(UNIQUE_NAMES, config)
    findings = []
    for website, members in _by_website(flows).items():
        first: dict[str, FlowRecord] = {}
        for flow in sorted(members, key=lambda f: f.name):
            name = _known(flow.props, "name")
            if not isinstance(name, str):
                continue
            key = " ".join(name.split())
            key = key.casefold() if opts["ignoreCase"] else key
            if key in first:
                other = first[key]
                findings.append(Finding(flow.urn, f"{_flow(flow.name)}: name {name!r} is already used by "
                                                  f"{_flow(other.name)} on website {website}"))
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
            minutes, segment = send_minutes(flow.props), _known(flow.props, "segment")
            if minutes is None or segment is None or _known(flow.props, "is_enabled") is not True:
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
                    f"{_flow(late.name)}: wait_time puts it {late_minutes} minutes after subscribing, "
                    f"{apart} minute{'s' if apart != 1 else ''} from {_flow(early.name)} ({early_minutes} minutes) "
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


# --- the table -----------------------------------------------------------------------------------

HTTPS_URLS: Final = Rule(
    name="flow-https-urls",
    description="Landing and button URLs of a pushsmm flow must use https.",
    enforcement="mandatory",
    config={
        "fields": _names("The URL fields checked.", URL_FIELDS, URL_FIELDS),
        "allowHttpHosts": {"type": "array", "items": {"type": "string"}, "default": [],
                           "description": "Hosts whose plain http:// URLs are accepted (e.g. a local test site)."},
    },
    check=check_https_urls,
)

BUTTONS_COMPLETE: Final = Rule(
    "flow-buttons-complete", "A pushsmm flow's button needs both a title and a URL, and button 2 needs button 1.",
    "mandatory", check=check_buttons_complete)

TTL_WINDOW: Final = Rule(
    name="flow-ttl-window",
    description="A pushsmm flow's ttl must lie within the configured window of seconds.",
    enforcement="advisory",
    config={
        **_window("ttl", "seconds", 3600),
        "allowNowOrNever": _boolean('Accept ttl 0 ("deliver now or never") whatever the minimum.', False),
    },
    check=check_ttl_window,
)

WAIT_TIME_WINDOW: Final = Rule(
    name="flow-wait-time-window",
    description="A pushsmm flow's wait time after subscribing must lie within the configured window of minutes.",
    enforcement="advisory",
    config=_window("wait after subscribing", "minutes", 5),
    check=check_wait_time_window,
)

UTM_TAGS: Final = Rule(
    name="flow-utm-tags",
    description="A pushsmm flow with a landing URL must set the required UTM tags.",
    enforcement="advisory",
    config={"required": _names("The UTM tags that must be set.", UTM_FIELDS, UTM_FIELDS)},
    check=check_utm_tags,
)

ENABLED_HAS_LANDING_URL: Final = Rule(
    "flow-enabled-landing-url", "An enabled pushsmm flow should have a landing URL.", "advisory",
    check=check_enabled_has_landing_url)

_TAG_LIMIT: Final = schema.FIELDS_BY_NAME["utm_source"].max_length or 128

DEFAULT_UTM_TAGS: Final = Rule(
    name="flow-default-utm-tags",
    description="Empty UTM tags of a pushsmm flow with a landing URL are filled in with defaults.",
    enforcement="remediate",
    config={
        "utmSource": _string("utm_source to fill in.", "pushsmm", _TAG_LIMIT),
        "utmMedium": _string("utm_medium to fill in.", "push", _TAG_LIMIT),
        "utmCampaign": _string("utm_campaign to fill in; empty: a slug of the flow's name.", "", _TAG_LIMIT),
    },
    check=check_default_utm_tags,
    remediate=default_utm_tags,
)

UNIQUE_NAMES: Final = Rule(
    name="flow-unique-names",
    description="pushsmm flow names must be unique per website.",
    enforcement="mandatory",
    config={"ignoreCase": _boolean("Compare names ignoring case (and runs of whitespace).", True)},
    stack_check=check_unique_names,
)

SEND_SPACING: Final = Rule(
    name="flow-send-spacing",
    description="pushsmm flows reaching the same new subscribers must be sent a minimum gap apart.",
    enforcement="advisory",
    config={
        "minGapMinutes": _integer("Smallest gap between two flows' send times, in minutes.", 5),
        "allReachesEverySegment": _boolean('Count a flow on segment "all" as reaching every segment\'s '
                                           "subscribers.", True),
    },
    stack_check=check_send_spacing,
)

MAX_FLOWS_PER_WEBSITE: Final = Rule(
    name="flow-max-per-website",
    description="A website may have at most the configured number of pushsmm flows (the plan's limit).",
    enforcement="mandatory",
    config={"maxFlows": _integer("Most flows one website may have.", 20, minimum=1)},
    stack_check=check_max_flows_per_website,
)

RULES: Final[tuple[Rule, ...]] = (
    HTTPS_URLS,
    BUTTONS_COMPLETE,
    TTL_WINDOW,
    WAIT_TIME_WINDOW,
    UTM_TAGS,
    ENABLED_HAS_LANDING_URL,
    DEFAULT_UTM_TAGS,
    UNIQUE_NAMES,
    SEND_SPACING,
    MAX_FLOWS_PER_WEBSITE,
)
"""Every rule, in the order the pack lists them."""

RULES_BY_NAME: Final[Mapping[str, Rule]] = {rule.name: rule for rule in RULES}
