"""The onboarding sequence both examples deploy: welcome, tips, and a re-engagement nudge."""

from __future__ import annotations

from pathlib import Path

import pulumi

from pulumi_pushsmm import Flow

WELCOME_IMAGE = Path(__file__).resolve().parent / "welcome_series" / "welcome.png"


def onboarding_sequence(
    website_id: pulumi.Input[int],
    landing_url: str,
    *,
    prefix: str = "",
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, Flow]:
    """Three flows for one website's new subscribers: after 10 minutes, after a day, after a week."""
    utm = {"utm_source": "pushsmm", "utm_medium": "push"}
    return {
        "welcome": Flow(
            f"{prefix}welcome",
            website_id=website_id,
            name="Welcome",
            title="Welcome aboard!",
            description="Thanks for subscribing. Here's what's new this week.",
            url=f"{landing_url}/welcome",
            image=str(WELCOME_IMAGE),
            wait_time=10,
            wait_time_type="minutes",
            ttl=86400,
            utm_campaign="onboarding-welcome",
            **utm,
            opts=opts,
        ),
        "tips": Flow(
            f"{prefix}tips",
            website_id=website_id,
            name="Getting started tips",
            title="3 tips to get the most out of it",
            description="A short tour of the features our readers love.",
            url=f"{landing_url}/tips",
            button_title_1="Show me",
            button_url_1=f"{landing_url}/tour",
            wait_time=1,
            wait_time_type="days",
            ttl=259200,
            utm_campaign="onboarding-tips",
            **utm,
            opts=opts,
        ),
        "we-miss-you": Flow(
            f"{prefix}we-miss-you",
            website_id=website_id,
            name="Re-engagement",
            title="We saved you a seat",
            description="It's been a week: here are the stories you missed.",
            url=f"{landing_url}/highlights",
            wait_time=7,
            wait_time_type="days",
            ttl=604800,
            urgency="low",
            utm_campaign="onboarding-reengage",
            **utm,
            opts=opts,
        ),
    }
