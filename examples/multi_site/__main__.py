"""Multi-site: the onboarding sequence stamped over every website listed in config.

Config (namespace of the project, `pushsmm-multi-site`):
  sites  a list of {"websiteHost": "a.example", "landingUrl": "https://a.example"} objects (required);
         "websiteId": 1 may stand in for "websiteHost"
"""

import sys
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the shared examples/onboarding.py

from onboarding import onboarding_sequence

from pulumi_pushsmm import get_website

config = pulumi.Config()
sites = config.require_object("sites")

flow_ids = {}
for site in sites:
    website_id = get_website(host=site["websiteHost"]).id if "websiteHost" in site else int(site["websiteId"])
    sequence = onboarding_sequence(website_id, site.get("landingUrl", "https://example.com"),
                                   name=f"site{website_id}-onboarding")
    flow_ids[str(website_id)] = sequence.ids

pulumi.export("flow_ids", flow_ids)
