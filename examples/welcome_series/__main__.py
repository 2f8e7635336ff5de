"""Welcome series: an onboarding sequence of flows for one website.

Config (namespace of the project, `pushsmm-welcome-series`):
  websiteId   the pushsmm website id (required)
  landingUrl  where the notifications lead (default https://example.com)
"""

import sys
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the shared examples/onboarding.py

from onboarding import onboarding_sequence

config = pulumi.Config()
website_id = config.require_int("websiteId")
landing_url = config.get("landingUrl") or "https://example.com"

flows = onboarding_sequence(website_id, landing_url)

pulumi.export("flow_ids", {key: flow.id for key, flow in flows.items()})
pulumi.export("titles", {key: flow.title for key, flow in flows.items()})
