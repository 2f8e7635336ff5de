"""Multi-site: the onboarding sequence stamped over every website listed in config.

Config (namespace of the project, `pushsmm-multi-site`):
  sites  a list of {"websiteId": 1, "landingUrl": "https://a.example"} objects (required)
"""

import sys
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the shared examples/onboarding.py

from onboarding import onboarding_sequence

config = pulumi.Config()
sites = config.require_object("sites")

flow_ids = {}
for site in sites:
    website_id = int(site["websiteId"])
    flows = onboarding_sequence(website_id, site.get("landingUrl", "https://example.com"), prefix=f"site{website_id}-")
    flow_ids[str(website_id)] = {key: flow.id for key, flow in flows.items()}

pulumi.export("flow_ids", flow_ids)
