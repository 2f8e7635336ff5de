"""Where the acceptance suite runs: the real pushsmm API (when its variables are set), or the emulator in either mode.

Every flow the suite makes is named with a per-run prefix under ``LIVE_PREFIX``, so what it
leaves behind, even after a crash, is found and removed by name alone (``python -m tests.live.cleanup``).
Only the documented Flows endpoints are used here, so the same code talks to all three targets.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import requests

LIVE_KEY_ENV: Final = "PUSHSMM_LIVE_API_KEY"
"""The key of a real pushsmm account to run the suite against."""
LIVE_WEBSITE_ENV: Final = "PUSHSMM_LIVE_WEBSITE_ID"
"""A website of that account that the suite may add flows to (and removes them from)."""
LIVE_BASE_URL_ENV: Final = "PUSHSMM_LIVE_BASE_URL"
"""The API's base URL (default: the real service)."""
LIVE_PREFIX: Final = "pulumi-pushsmm-live-"
"""Every flow the suite makes has a name starting with this, then the run's id."""
LIVE = "live"
"""The name of the real-API target."""
LIVE_SKIP_REASON: Final = f"live API: {LIVE_KEY_ENV} and {LIVE_WEBSITE_ENV} are not set"
"""Why the real-API target is skipped (allowed in CI: tests/support.py CI_ALLOWED_SKIPS)."""

TIMEOUT: Final = 30


@dataclass
class Target:
    """One API the suite runs against, with the website it may use and this run's name prefix."""

    name: str
    base_url: str
    api_key: str = field(repr=False)
    website_id: int
    prefix: str = field(default_factory=lambda: f"{LIVE_PREFIX}{uuid.uuid4().hex[:8]}-")

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request to the API with the target's key."""
        return requests.request(method, f"{self.base_url}{path}", headers={"Authorization": f"Bearer {self.api_key}"},
                                timeout=TIMEOUT, **kwargs)

    def flows(self) -> list[dict[str, Any]]:
        """Every flow of the account (``GET /flows``, every page, the documented way)."""
        return list(_pages(self))

    def ours(self) -> list[dict[str, Any]]:
        """This run's flows, by name."""
        return [f for f in self.flows() if str(f.get("name", "")).startswith(self.prefix)]


def _pages(target: Target) -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        answer = target.call("GET", "/flows", params={"page": page, "results_per_page": 100})
        answer.raise_for_status()
        body = answer.json()
        yield from body.get("data") or []
        meta = body.get("meta") or {}
        total = meta.get("total", meta.get("total_results", 0))
        if page * 100 >= int(total or 0) or not body.get("data"):
            return
        page += 1


def remove_flows(target: Target, prefix: str = LIVE_PREFIX) -> list[str]:
    """Delete every flow whose name starts with ``prefix``; the ids removed."""
    removed = []
    for flow in target.flows():
        if str(flow.get("name", "")).startswith(prefix):
            target.call("DELETE", f"/flows/{flow['id']}")
            removed.append(str(flow["id"]))
    return removed


def live_target() -> Target | None:
    """The real-API target, when its variables are set."""
    key, website = os.environ.get(LIVE_KEY_ENV), os.environ.get(LIVE_WEBSITE_ENV)
    if not key or not website:
        return None
    return Target(LIVE, os.environ.get(LIVE_BASE_URL_ENV) or "https://pushsmm.com/api", key, int(website))
