"""Multi-account: one program managing flows in two pushsmm accounts (a shop and a blog), each with its own key.

Config (namespace of the project, `pushsmm-multi-account`):
  shopApiKey, blogApiKey    each account's API key (set them with --secret)
  shopHost, blogHost        the website of each account the flows are for, looked up by host
  baseUrl                   optional: the API base URL of both (the local emulator in tests)

Each flow records the account it was made with (the key encrypted, as a secret), so `pulumi refresh` and
`pulumi destroy` reach every flow in its own account. Rotating a key is `pulumi config set --secret
shopApiKey <new key>` and `pulumi up`: an in-place change that sends no request for the flows.
"""

import pulumi

from pulumi_pushsmm import Account, Flow, FlowSequence, FlowStep, get_website_output

config = pulumi.Config()
base_url = config.get("baseUrl")
accounts = {
    "shop": Account(api_key=config.require_secret("shopApiKey"), base_url=base_url),
    "blog": Account(api_key=config.require_secret("blogApiKey"), base_url=base_url),
}
hosts = {"shop": config.require("shopHost"), "blog": config.require("blogHost")}

ids = {}
for label, account in accounts.items():
    website = get_website_output(host=hosts[label], account=account)
    landing = f"https://{hosts[label]}"
    onboarding = FlowSequence(
        f"{label}-onboarding",
        website=website,
        account=account,
        defaults={"url": landing, "utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": "onboarding"},
        steps=[
            FlowStep("welcome", "10m", name="Welcome", title=f"Welcome to the {label}!",
                     description="Thanks for subscribing."),
            FlowStep("tips", "1d", name="Tips", title="Three tips", description="A short tour."),
        ],
    )
    ids[label] = onboarding.ids

# A single flow can name its account too; on_delete="disable" keeps its history when it is removed.
sale = Flow("shop-sale", account=accounts["shop"], on_delete="disable",
            website_id=get_website_output(host=hosts["shop"], account=accounts["shop"]).id,
            name="Sale", title="The sale is on", description="Up to 50% off this week.", wait_time=3,
            wait_time_type="days", url=f"https://{hosts['shop']}/sale", utm_source="pushsmm", utm_medium="push",
            utm_campaign="sale")

pulumi.export("flow_ids", ids)
pulumi.export("sale_id", sale.id)
