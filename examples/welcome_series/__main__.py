"""Welcome series: an onboarding sequence of flows for one website, as one FlowSequence.

Config (namespace of the project, `pushsmm-welcome-series`):
  websiteHost  the host of the pushsmm website, e.g. shop.example.com (looked up with get_website)
  websiteId    or the website's numeric id instead
  landingUrl   where the notifications lead (default https://example.com)
"""

import sys
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the shared examples/onboarding.py

from onboarding import onboarding_sequence

from pulumi_pushsmm import get_website

config = pulumi.Config()
host = config.get("websiteHost")
website_id = get_website(host=host).id if host else config.require_int("websiteId")
landing_url = config.get("landingUrl") or "https://example.com"

sequence = onboarding_sequence(website_id, landing_url)

pulumi.export("website_id", website_id)
pulumi.export("flow_ids", sequence.ids)
pulumi.export("titles", {key: flow.title for key, flow in sequence.flows.items()})
# What each flow has done, as of the last `pulumi refresh --run-program` (or `pulumi up --refresh`).
pulumi.export("counters", {
    key: {
        "sent": flow.total_sent_push_notifications,
        "displayed": flow.total_displayed_push_notifications,
        "clicked": flow.total_clicked_push_notifications,
        "closed": flow.total_closed_push_notifications,
        "last_sent": flow.last_sent_datetime,
    }
    for key, flow in sequence.flows.items()
})
