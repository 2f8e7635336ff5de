"""The emulator's HTML view: accounts, websites, segments, flows with their counters, and the request log.

An admin page of the local twin at ``/_emulator/ui`` and ``/`` (no key, like
``/_emulator``; not part of the real API), rendered on the server with Flask's Jinja2 templates: no
JavaScript, no CSS framework. ``?refresh=N`` adds a meta refresh every N
seconds. It only reads the backend's public methods, so it shows exactly what
the API and the admin surface would answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import flask

from .backend import EmulatorBackend
from .exceptions import InvalidAdminRequest
from .records import Segment, Website
from .responses import UPLOADS_PATH
from .storage import Owned

UI_PATH: Final = "/_emulator/ui"
LOG_ROWS: Final = 50
"""Most recent request log entries the page shows."""
REFRESH_CHOICES: Final = (2, 5, 30)
"""Auto-refresh periods the page offers, in seconds (any whole number from 1 to MAX_REFRESH is accepted)."""
MAX_REFRESH: Final = 3600
_PAGE_SIZE: Final = "1000"  # the largest page size the list endpoints allow


@dataclass
class FlowView:
    """One stored flow, with what the page shows worked out."""

    row: dict[str, Any]
    image_src: str | None
    segment_label: str

    @property
    def schedule(self) -> str:
        """When the flow is sent, e.g. "10 minutes after subscribing"."""
        return schedule_text(int(self.row["wait_time"]), str(self.row["wait_time_type"]))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The (title, url) of each button that has a title."""
        settings = self.row["settings"]
        pairs = [(settings.get(f"button_title_{n}") or "", settings.get(f"button_url_{n}") or "") for n in (1, 2)]
        return [(title, url) for title, url in pairs if title]

    @property
    def ttl(self) -> str:
        """The ttl in words."""
        return ttl_text(self.row["settings"].get("ttl"))


@dataclass
class WebsiteView:
    """A website with its segments and flows."""

    website: Website
    segments: list[Segment]
    flows: list[FlowView] = field(default_factory=list)


@dataclass
class AccountView:
    """An account with its websites, and any flow whose website is not one of them (after drift)."""

    user_id: int
    websites: list[WebsiteView]
    stray_flows: list[FlowView] = field(default_factory=list)

    @property
    def flow_count(self) -> int:
        """Every flow of the account."""
        return sum(len(website.flows) for website in self.websites) + len(self.stray_flows)


def schedule_text(wait_time: int, wait_time_type: str) -> str:
    """``10, "minutes"`` -> "10 minutes after subscribing" (singular for 1)."""
    unit = wait_time_type[:-1] if wait_time == 1 and wait_time_type.endswith("s") else wait_time_type
    return f"{wait_time} {unit} after subscribing"


def ttl_text(ttl: Any) -> str:
    """Seconds in the largest whole unit: 86400 -> "1 day (86400 s)"; 0 -> "0 s (now or never)"."""
    if not isinstance(ttl, int) or isinstance(ttl, bool):
        return str(ttl)
    if ttl == 0:
        return "0 s (now or never)"
    for seconds, unit in ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if ttl % seconds == 0:
            count = ttl // seconds
            return f"{count} {unit}{'' if count == 1 else 's'} ({ttl} s)"
    return f"{ttl} s"


def shown_text(value: Any) -> str:
    """Stored text as a person reads it: the service stores quotes as entities; show them as quotes."""
    return str(value).replace("&#39;", "'").replace("&#34;", '"')


def _all_pages(backend: EmulatorBackend, record: type[Owned], user_id: int) -> Iterator[Owned]:
    """Every website or segment of an account, page after page, as the API would hand them out."""
    page_number = 1
    while True:
        page = backend.page_of(record, user_id=user_id, page=str(page_number), results_per_page=_PAGE_SIZE)
        yield from page.items
        if page_number >= page.total_pages:
            return
        page_number += 1


_MINUTES: Final = {"minutes": 1, "hours": 60, "days": 1440}


def _send_order(view: FlowView) -> tuple[int, int]:
    """Flows by how long after subscribing they are sent, then by id."""
    row = view.row
    return int(row["wait_time"]) * _MINUTES.get(str(row["wait_time_type"]), 1440), int(row["id"])


def _refresh_seconds() -> int | None:
    """The ``refresh`` query parameter: None when absent or 0, else whole seconds; a clear 400 otherwise."""
    value = flask.request.args.get("refresh")
    if value is None or value in ("", "0", "off"):
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_REFRESH:
        raise InvalidAdminRequest(f"Parameter 'refresh' must be off, 0, or whole seconds from 1 to {MAX_REFRESH}.")
    return int(value)


def accounts_view(backend: EmulatorBackend, uploads_base: str) -> list[AccountView]:
    """Every account with its websites, segments and flows, as stored."""
    views = []
    for info in backend.accounts():
        user_id = info["user_id"]
        websites = list(_all_pages(backend, Website, user_id))
        segments = list(_all_pages(backend, Segment, user_id))
        names = {str(segment.id): segment.name for segment in segments}
        by_id = {
            website.id: WebsiteView(website, [s for s in segments if s.website_id == website.id])
            for website in websites
        }
        account = AccountView(user_id=user_id, websites=list(by_id.values()))
        for row in backend.raw_flows(user_id):
            segment = str(row["segment"])
            label = "all subscribers" if segment == "all" else f"{names.get(segment, 'unknown segment')} (#{segment})"
            image = row.get("image")
            view = FlowView(row=row, image_src=f"{uploads_base}/{image}" if image else None, segment_label=label)
            website_view = by_id.get(row["website_id"])
            (website_view.flows if website_view is not None else account.stray_flows).append(view)
        for website_view in account.websites:
            website_view.flows.sort(key=_send_order)  # a sequence reads best in the order subscribers get it
        views.append(account)
    return views


def ui_blueprint(backend: EmulatorBackend) -> flask.Blueprint:
    """The blueprint serving the page at ``UI_PATH`` and at the emulator's root."""
    blueprint = flask.Blueprint("ui", __name__, template_folder="templates")
    blueprint.add_app_template_filter(shown_text, "shown")

    # The emulator's root shows the same page: it is where a person lands first, and where the real
    # server's "API switched off" redirect goes (the page then says the API is disabled).
    @blueprint.get("/")
    @blueprint.get(UI_PATH, strict_slashes=False)
    def page() -> flask.Response:
        refresh = _refresh_seconds()
        uploads_base = f"{flask.request.host_url}{UPLOADS_PATH}"
        log = backend.request_log()
        html = flask.render_template(
            "emulator_ui.html",
            accounts=accounts_view(backend, uploads_base),
            config=backend.config(),
            faults=backend.faults.snapshot(),
            log=list(reversed(log[-LOG_ROWS:])),
            log_total=len(log),
            log_rows=LOG_ROWS,
            refresh=refresh,
            refresh_choices=REFRESH_CHOICES,
            ui_path=UI_PATH,
        )
        response = flask.Response(html, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    return blueprint


__all__ = ["UI_PATH", "AccountView", "FlowView", "WebsiteView", "schedule_text", "ttl_text", "ui_blueprint"]
