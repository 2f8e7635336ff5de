"""The onboarding sequence both examples deploy: welcome, tips, and a re-engagement nudge, as one FlowSequence."""

from __future__ import annotations

from pathlib import Path

import pulumi

from pulumi_pushsmm import FlowSequence, FlowStep

WELCOME_IMAGE = Path(__file__).resolve().parent / "welcome_series" / "welcome.png"


def onboarding_sequence(
    website_id: pulumi.Input[int],
    landing_url: str,
    *,
    name: str = "onboarding",
    opts: pulumi.ResourceOptions | None = None,
) -> FlowSequence:
    """Three flows for one website's new subscribers: after 10 minutes, after a day, after a week."""
    return FlowSequence(
        name,
        website_id=website_id,
        defaults={"utm_source": "pushsmm", "utm_medium": "push"},
        steps=[
            FlowStep("welcome", "10m", name="Welcome", title="Welcome aboard!",
                     description="Thanks for subscribing. Here's what's new this week.",
                     url=f"{landing_url}/welcome", image=str(WELCOME_IMAGE), ttl=86400,
                     utm_campaign="onboarding-welcome"),
            FlowStep("tips", "1d", name="Getting started tips", title="3 tips to get the most out of it",
                     description="A short tour of the features our readers love.", url=f"{landing_url}/tips",
                     button_title_1="Show me", button_url_1=f"{landing_url}/tour", ttl=259200,
                     utm_campaign="onboarding-tips"),
            FlowStep("we-miss-you", "7d", name="Re-engagement", title="We saved you a seat",
                     description="It's been a week: here are the stories you missed.",
                     url=f"{landing_url}/highlights", ttl=604800, urgency="low",
                     utm_campaign="onboarding-reengage"),
        ],
        opts=opts,
    )
