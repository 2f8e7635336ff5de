"""Policy-as-code rules for pushsmm flows, to compose into your own Pulumi policy packs.

``flow_policies()`` returns every rule as pulumi_policy objects; the rules
themselves are pure functions over a Flow's properties, in
:mod:`pulumi_pushsmm.policies.resource_rules` and
:mod:`pulumi_pushsmm.policies.stack_rules`, listed by
:mod:`pulumi_pushsmm.policies.rules`. A pack needs no more than::

    from pulumi_policy import PolicyPack
    from pulumi_pushsmm.policies import flow_policies

    PolicyPack("my-flows", policies=flow_policies(exclude=["flow-send-spacing"]))
"""

from ..names import TYPE_TOKEN
from .pack import PACK_NAME, flow_policies, flow_records, plain_props
from .props import UNKNOWN, send_minutes
from .resource_rules import (
    check_buttons_complete,
    check_default_utm_tags,
    check_enabled_has_landing_url,
    check_https_urls,
    check_ttl_window,
    check_utm_tags,
    check_wait_time_window,
    default_utm_tags,
)
from .rule import Finding, FlowRecord, Rule, settings
from .rules import RULES, RULES_BY_NAME
from .stack_rules import check_max_flows_per_website, check_send_spacing, check_unique_names

__all__ = [
    "PACK_NAME",
    "RULES",
    "RULES_BY_NAME",
    "TYPE_TOKEN",
    "UNKNOWN",
    "Finding",
    "FlowRecord",
    "Rule",
    "check_buttons_complete",
    "check_default_utm_tags",
    "check_enabled_has_landing_url",
    "check_https_urls",
    "check_max_flows_per_website",
    "check_send_spacing",
    "check_ttl_window",
    "check_unique_names",
    "check_utm_tags",
    "check_wait_time_window",
    "default_utm_tags",
    "flow_policies",
    "flow_records",
    "plain_props",
    "send_minutes",
    "settings",
]
