"""Simulated subscribers: what a website's flows would have sent to new subscribers, seeded and repeatable.

The real service sends each flow to every new subscriber of its website (or of
its segment) the flow's wait time after they subscribe, and counts how many
notifications were sent, displayed, clicked and closed. The emulator has no
browsers to push to, so ``POST /_emulator/websites/{id}/subscribers`` asks this
module what ``count`` new subscribers would have produced once every wait has
passed, and the backend adds that to the counters. Not part of the real API.

Everything is drawn from ``random.Random(seed)`` in a fixed order (segments by
id, then flows by id, then subscriber by subscriber), so one seed over the same
flows always gives the same numbers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

MAX_SUBSCRIBERS: Final = 10_000
"""Most subscribers one call may simulate: enough for any demo, small enough to answer at once."""

SEGMENT_SHARE: Final = 0.4
"""Chance that a new subscriber falls into a given segment of the website."""

# Plausible web push figures: most notifications are displayed, a few percent clicked, and about a third
# of the rest closed by hand. The settings a marketer picks move them the way they move in practice.
DISPLAY_RATE: Final[Mapping[str, float]] = {"low": 0.85, "normal": 0.92, "high": 0.97}
"""Chance a sent notification is displayed, by urgency (low urgency waits for a good moment, and may expire)."""
NO_TTL_DISPLAY_RATE: Final = 0.6
"""A ttl of 0 drops the notification unless the browser is online right now."""
CLICK_RATE: Final = 0.08
IMAGE_CLICK_BONUS: Final = 0.04
BUTTON_CLICK_BONUS: Final = 0.03
CLOSE_RATE: Final = 0.35
"""Chance a displayed notification that was not clicked is closed by hand."""
AUTO_HIDE_CLOSE_RATE: Final = 0.15
"""With auto-hide most notifications go away without being closed."""


@dataclass(frozen=True)
class FlowAudience:
    """What the simulation needs to know about one flow."""

    id: int
    segment: str
    is_enabled: bool
    settings: Mapping[str, Any]
    has_image: bool


@dataclass(frozen=True)
class Sends:
    """What one flow sent to the new subscribers."""

    flow_id: int
    sent: int
    displayed: int
    clicked: int
    closed: int

    def to_dict(self) -> dict[str, int]:
        """JSON form."""
        return {
            "flow_id": self.flow_id,
            "sent": self.sent,
            "displayed": self.displayed,
            "clicked": self.clicked,
            "closed": self.closed,
        }


@dataclass(frozen=True)
class Simulation:
    """The outcome of ``count`` new subscribers joining one website."""

    website_id: int
    count: int
    seed: int
    joined: dict[int, int] = field(default_factory=dict)
    """New members of each segment of the website, by segment id."""
    sends: list[Sends] = field(default_factory=list)
    """One entry per flow of the website, in id order (zeros for a flow that sent nothing)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as the admin call answers it."""
        return {
            "website_id": self.website_id,
            "count": self.count,
            "seed": self.seed,
            "segments": [{"segment_id": key, "joined": value} for key, value in sorted(self.joined.items())],
            "flows": [sends.to_dict() for sends in self.sends],
        }


def simulate(
    *, website_id: int, count: int, seed: int, segment_ids: Sequence[int], flows: Sequence[FlowAudience]
) -> Simulation:
    """What ``count`` new subscribers of the website get from its flows once every wait has passed.

    A flow sends to every new subscriber when its segment is ``"all"``, to the
    new members of its segment otherwise, and to nobody when it is disabled or
    its segment is not one of the website's.
    """
    if not 0 <= count <= MAX_SUBSCRIBERS:
        raise ValueError(f"count must be from 0 to {MAX_SUBSCRIBERS}")
    rng = random.Random(seed)
    joined = {segment_id: _draws(rng, count, SEGMENT_SHARE) for segment_id in sorted(segment_ids)}
    sends = []
    for flow in sorted(flows, key=lambda flow: flow.id):
        audience = _audience(flow, count, joined)
        display_rate, click_rate, close_rate = _rates(flow)
        displayed = _draws(rng, audience, display_rate)
        clicked = _draws(rng, displayed, click_rate)
        closed = _draws(rng, displayed - clicked, close_rate)
        sends.append(Sends(flow_id=flow.id, sent=audience, displayed=displayed, clicked=clicked, closed=closed))
    return Simulation(website_id=website_id, count=count, seed=seed, joined=joined, sends=sends)


def _audience(flow: FlowAudience, count: int, joined: Mapping[int, int]) -> int:
    """How many of the new subscribers the flow goes to."""
    if not flow.is_enabled:
        return 0
    if flow.segment == "all":
        return count
    segment_id = int(flow.segment) if flow.segment.isdigit() else None
    return joined.get(segment_id, 0) if segment_id is not None else 0


def _rates(flow: FlowAudience) -> tuple[float, float, float]:
    """Display, click and close rates for the flow's settings."""
    settings = flow.settings
    display = DISPLAY_RATE.get(str(settings.get("urgency")), DISPLAY_RATE["normal"])
    if settings.get("ttl") == 0:
        display = min(display, NO_TTL_DISPLAY_RATE)
    click = CLICK_RATE
    if flow.has_image:
        click += IMAGE_CLICK_BONUS
    if settings.get("button_title_1") or settings.get("button_title_2"):
        click += BUTTON_CLICK_BONUS
    close = AUTO_HIDE_CLOSE_RATE if settings.get("is_auto_hide") else CLOSE_RATE
    return display, click, close


def _draws(rng: random.Random, trials: int, rate: float) -> int:
    """How many of ``trials`` independent chances of ``rate`` come true."""
    return sum(rng.random() < rate for _ in range(trials))


__all__ = ["MAX_SUBSCRIBERS", "FlowAudience", "Sends", "Simulation", "simulate"]
