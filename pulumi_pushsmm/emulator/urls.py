"""Routes of the emulator as data: a method and a path pattern mapped to a handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import flask

from . import admin, responses

Handler = Callable[..., flask.Response]

# Real API. Every path also matches with a trailing slash; a method not listed is a 404.
# What the published Flows reference documents (all that ``documented_only`` serves):
DOCUMENTED_API_URLS: Final[Mapping[str, Mapping[str, Handler]]] = {
    "/api/flows": {"GET": responses.list_flows, "POST": responses.create_flow},
    "/api/flows/<int:flow_id>": {
        "GET": responses.get_flow,
        "POST": responses.update_flow,
        "DELETE": responses.delete_flow,
    },
}
# ... and everything the server's code serves besides.
API_URLS: Final[Mapping[str, Mapping[str, Handler]]] = {
    **DOCUMENTED_API_URLS,
    "/api/websites": {"GET": responses.list_websites},
    "/api/websites/<int:website_id>": {"GET": responses.get_website},
    "/api/segments": {"GET": responses.list_segments},
    "/api/segments/<int:segment_id>": {"GET": responses.get_segment},
}

# Unauthenticated pages the emulator serves next to the API (the HTML view at / is ui.ui_blueprint).
PUBLIC_URLS: Final[tuple[tuple[str, str, Handler], ...]] = (
    ("GET", "/uploads/flows/<name>", responses.get_upload),
)

# The admin surface: not part of the real API.
ADMIN_URLS: Final[tuple[tuple[str, str, Handler], ...]] = (
    ("GET", "/_emulator", admin.overview),
    ("POST", "/_emulator/reset", admin.reset),
    ("GET", "/_emulator/accounts", admin.list_accounts),
    ("POST", "/_emulator/accounts", admin.create_account),
    ("PATCH", "/_emulator/accounts/<int:user_id>", admin.update_account),
    ("GET", "/_emulator/accounts/<int:user_id>/flows", admin.account_flows),
    ("POST", "/_emulator/websites", admin.create_website),
    ("POST", "/_emulator/segments", admin.create_segment),
    ("POST", "/_emulator/websites/<int:website_id>/subscribers", admin.add_subscribers),
    ("GET", "/_emulator/flows/<int:flow_id>", admin.get_flow),
    ("PATCH", "/_emulator/flows/<int:flow_id>", admin.drift_flow),
    ("DELETE", "/_emulator/flows/<int:flow_id>", admin.delete_flow),
    ("GET", "/_emulator/requests", admin.request_log),
    ("DELETE", "/_emulator/requests", admin.clear_request_log),
    ("GET", "/_emulator/faults", admin.get_faults),
    ("PUT", "/_emulator/faults", admin.set_faults),
    ("DELETE", "/_emulator/faults", admin.clear_faults),
    ("GET", "/_emulator/config", admin.get_config),
    ("PATCH", "/_emulator/config", admin.update_config),
)

__all__ = ["ADMIN_URLS", "API_URLS", "DOCUMENTED_API_URLS", "PUBLIC_URLS", "Handler"]
