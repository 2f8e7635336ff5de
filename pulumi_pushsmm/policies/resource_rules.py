"""The rules about one Flow at a time: each a pure function over its property dict, then its :class:`Rule` record.

A check takes ``(resource, props, config)`` and returns messages: ``resource``
is the resource's URN name, ``props`` the Flow's properties with
:data:`~pulumi_pushsmm.policies.props.UNKNOWN` for values not known yet (at
preview), and ``config`` the policy's config as ``args.get_config()`` gives it
(missing keys take their defaults). :func:`default_utm_tags` is the one
remediation: it says what to fill in rather than what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from .. import schema
from .props import flow_label, is_int, is_unknown, known, send_minutes
from .rule import Rule, boolean, names, settings, string, window

# --- the checks ------------------------------------------------------------------------------------

URL_FIELDS: Final = tuple(f.name for f in schema.INPUT_FIELDS if f.kind is schema.Kind.URL)
"""The Flow inputs that hold URLs a subscriber opens."""
UTM_FIELDS: Final = tuple(f.name for f in schema.INPUT_FIELDS if f.kind is schema.Kind.UTM_TAG)
"""The Flow inputs that hold the UTM tags added to the landing URL."""


def check_https_urls(resource: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """Landing and button URLs must be https:// (empty means no URL and passes)."""
    opts = settings(HTTPS_URLS, config)
    allowed_hosts = {str(h).lower() for h in opts["allowHttpHosts"]}
    messages = []
    for name in opts["fields"]:
        value = known(props, name)
        if not isinstance(value, str) or value == "":
            continue
        parts = urlsplit(value)
        if parts.scheme.lower() == "https":
            continue
        if parts.scheme.lower() == "http" and (parts.hostname or "").lower() in allowed_hosts:
            continue
        messages.append(f"{flow_label(resource)}: {name} must be an https:// URL, got {value!r}")
    return messages


def check_buttons_complete(resource: str, props: Mapping[str, Any],
                           config: Mapping[str, Any] | None = None) -> list[str]:
    """Each button needs both a title and a URL, and button 2 needs button 1."""
    messages = []
    for title, url in schema.BUTTON_PAIRS:
        if is_unknown(props, title) or is_unknown(props, url):
            continue
        title_value, url_value = known(props, title), known(props, url)
        if title_value and not url_value:
            messages.append(f"{flow_label(resource)}: {url} is empty but {title} is {title_value!r}; "
                            "a button needs both a title and a URL")
        if url_value and not title_value:
            messages.append(f"{flow_label(resource)}: {title} is empty but {url} is {url_value!r}; "
                            "a button needs both a title and a URL")
    (title_1, url_1), (title_2, url_2) = schema.BUTTON_PAIRS
    if not any(is_unknown(props, n) for n in (title_1, url_1)):
        first_empty = not known(props, title_1) and not known(props, url_1)
        second_set = [n for n in (title_2, url_2) if known(props, n)]
        if first_empty and second_set:
            messages.append(f"{flow_label(resource)}: {' and '.join(second_set)} set but button 1 "
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
    ttl = known(props, "ttl")
    if not is_int(ttl):
        return []
    minimum, maximum = int(opts["minSeconds"]), opts.get("maxSeconds")
    if ttl == 0:
        if opts["allowNowOrNever"] or minimum <= 0:
            return []
        return [f"{flow_label(resource)}: ttl is 0 (deliver now or never), below the minimum of {minimum} seconds "
                f"({_duration(minimum)}); a subscriber who is offline at send time would never get it"]
    if ttl < minimum:
        return [f"{flow_label(resource)}: ttl is {ttl} seconds ({_duration(ttl)}), below the minimum of {minimum} "
                f"seconds ({_duration(minimum)})"]
    if maximum is not None and ttl > int(maximum):
        return [f"{flow_label(resource)}: ttl is {ttl} seconds ({_duration(ttl)}), above the maximum of {int(maximum)} "
                f"seconds ({_duration(int(maximum))})"]
    return []



def check_wait_time_window(resource: str, props: Mapping[str, Any],
                           config: Mapping[str, Any] | None = None) -> list[str]:
    """The time from subscribing to sending must lie within the configured window (in minutes)."""
    opts = settings(WAIT_TIME_WINDOW, config)
    minutes = send_minutes(props)
    if minutes is None:
        return []
    minimum, maximum = int(opts["minMinutes"]), opts.get("maxMinutes")
    unit = known(props, "wait_time_type")
    given = f"wait_time {props.get('wait_time')} {unit}" + ("" if unit == "minutes" else f" ({minutes} minutes)")
    if minutes < minimum:
        return [f"{flow_label(resource)}: {given} is below the minimum of {minimum} minutes after subscribing"]
    if maximum is not None and minutes > int(maximum):
        return [f"{flow_label(resource)}: {given} is above the maximum of {int(maximum)} minutes after subscribing"]
    return []


def _has_no_landing_url(props: Mapping[str, Any]) -> bool:
    return not is_unknown(props, "url") and not known(props, "url")


def _blank(props: Mapping[str, Any], name: str) -> bool:
    value = known(props, name)
    return not is_unknown(props, name) and (not isinstance(value, str) or not value.strip())


def check_utm_tags(resource: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """The configured UTM tags must be set on a flow with a landing URL (they are added to that URL)."""
    opts = settings(UTM_TAGS, config)
    if _has_no_landing_url(props):
        return []
    required = [name for name in UTM_FIELDS if name in opts["required"]]
    missing = [name for name in required if _blank(props, name)]
    if not missing:
        return []
    return [f"{flow_label(resource)}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty; "
            f"the required UTM tags are {', '.join(required)}"]


def check_enabled_has_landing_url(resource: str, props: Mapping[str, Any],
                                  config: Mapping[str, Any] | None = None) -> list[str]:
    """An enabled flow should have a landing URL, or a click on it leads nowhere in particular."""
    enabled = known(props, "is_enabled")
    if enabled is not True or not _has_no_landing_url(props):
        return []
    return [f"{flow_label(resource)}: is_enabled is true but url is empty; set the landing URL a click opens "
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
        name = known(props, "name")
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
    return [f"{flow_label(resource)}: {', '.join(fills)} {'is' if len(fills) == 1 else 'are'} empty; "
            f"the default would be {shown}"]



# --- the rules -------------------------------------------------------------------------------------

HTTPS_URLS: Final = Rule(
    name="flow-https-urls",
    description="Landing and button URLs of a pushsmm flow must use https.",
    enforcement="mandatory",
    config={
        "fields": names("The URL fields checked.", URL_FIELDS, URL_FIELDS),
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
        **window("ttl", "seconds", 3600),
        "allowNowOrNever": boolean('Accept ttl 0 ("deliver now or never") whatever the minimum.', False),
    },
    check=check_ttl_window,
)

WAIT_TIME_WINDOW: Final = Rule(
    name="flow-wait-time-window",
    description="A pushsmm flow's wait time after subscribing must lie within the configured window of minutes.",
    enforcement="advisory",
    config=window("wait after subscribing", "minutes", 5),
    check=check_wait_time_window,
)

UTM_TAGS: Final = Rule(
    name="flow-utm-tags",
    description="A pushsmm flow with a landing URL must set the required UTM tags.",
    enforcement="advisory",
    config={"required": names("The UTM tags that must be set.", UTM_FIELDS, UTM_FIELDS)},
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
        "utmSource": string("utm_source to fill in.", "pushsmm", _TAG_LIMIT),
        "utmMedium": string("utm_medium to fill in.", "push", _TAG_LIMIT),
        "utmCampaign": string("utm_campaign to fill in; empty: a slug of the flow's name.", "", _TAG_LIMIT),
    },
    check=check_default_utm_tags,
    remediate=default_utm_tags,
)
