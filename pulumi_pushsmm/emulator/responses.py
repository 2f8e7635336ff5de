"""Thin handlers of the emulated /api endpoints: read the request, call the backend, answer JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import flask
from werkzeug.datastructures import FileStorage

from .backend import EmulatorBackend
from .exceptions import MalformedRequestBody
from .records import Flow, ImageUpload, Page, Segment, Website

T = TypeVar("T")
UPLOADS_PATH = "uploads/flows"  # where uploaded flow images are served, under the server root


@dataclass(frozen=True)
class ApiCall:
    """One authenticated /api request as a handler sees it."""

    backend: EmulatorBackend
    user_id: int
    request: flask.Request

    def url(self, path: str) -> str:
        """The absolute URL of a path of this server, e.g. ``http://127.0.0.1:PORT/api``."""
        return f"{self.request.host_url}{path}"

    def show(self, flow: Flow) -> dict[str, Any]:
        """A flow as the API returns it, its image as an absolute URL."""
        return flow.to_api(self.url(UPLOADS_PATH))

    def paging(self) -> dict[str, str | None]:
        """``page`` and ``results_per_page`` as sent (None when absent)."""
        return {"page": self.arg("page"), "results_per_page": self.arg("results_per_page")}

    def arg(self, name: str) -> str | None:
        """A query-string parameter, or None when it was not sent."""
        return self.request.args.get(name)

    def submitted(self) -> dict[str, str]:
        """The form fields sent (first value of each); a broken body is a 400."""
        try:
            return {key: value for key, value in self.request.form.items()}
        except ValueError as exc:
            raise MalformedRequestBody(f"The request body could not be parsed as form data: {exc}.") from None

    def image(self) -> ImageUpload | None:
        """The file sent in the ``image`` field, if any."""
        try:
            storage: FileStorage | None = self.request.files.get("image")
        except ValueError as exc:
            raise MalformedRequestBody(f"The request body could not be parsed as form data: {exc}.") from None
        if storage is None or not storage.filename:
            return None
        return ImageUpload(filename=storage.filename, data=storage.read())


def _json(body: Any, status: int = 200) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    return response


def _page(call: ApiCall, collection: str, page: Page[T], data: list[dict[str, Any]]) -> flask.Response:
    """The one place a list becomes ``data``, ``meta`` and ``links``."""
    base = call.url(f"api/{collection}")

    def link(number: int) -> str:
        return f"{base}?{urlencode({**page.query, 'page': number})}"

    return _json(
        {
            "data": data,
            "meta": page.meta(documented=call.backend.documented_only),
            "links": {
                "first": link(1),
                "last": link(page.total_pages) if page.total_pages else None,
                "next": link(page.page + 1) if page.page < page.total_pages else None,
                "prev": link(page.page - 1) if page.page > 1 else None,
                "self": link(page.page),
            },
        }
    )


# --- flows -----------------------------------------------------------------------------------------


def list_flows(call: ApiCall) -> flask.Response:
    """GET /api/flows"""
    page = call.backend.page_of(Flow, user_id=call.user_id, website_id=call.arg("website_id"), **call.paging())
    return _page(call, "flows", page, [call.show(flow) for flow in page.items])


def get_flow(call: ApiCall, flow_id: int) -> flask.Response:
    """GET /api/flows/{id}"""
    flow = call.backend.one_of(Flow, user_id=call.user_id, record_id=flow_id)
    return _json({"data": call.show(flow)})


def create_flow(call: ApiCall) -> flask.Response:
    """POST /api/flows: 201 with the full flow, or ``{"data": {"id": N}}`` when switched (always if documented-only)."""
    flow = call.backend.create_flow(user_id=call.user_id, submitted=call.submitted(), image=call.image())
    if call.backend.create_response == "id":
        return _json({"data": {"id": flow.id}}, 201)
    return _json({"data": call.show(flow)}, 201)


def update_flow(call: ApiCall, flow_id: int) -> flask.Response:
    """POST /api/flows/{id}: 200 with the full flow, or ``{"data": {"id": N}}`` (as documented) when documented-only."""
    flow = call.backend.update_flow(
        user_id=call.user_id, flow_id=flow_id, submitted=call.submitted(), image=call.image()
    )
    if call.backend.documented_only:
        return _json({"data": {"id": flow.id}})
    return _json({"data": call.show(flow)})


def delete_flow(call: ApiCall, flow_id: int) -> flask.Response:
    """DELETE /api/flows/{id}: 200 with an empty body."""
    call.backend.delete_flow(user_id=call.user_id, flow_id=flow_id)
    return flask.Response(b"", status=200)


# --- websites and segments ----------------------------------------------------------------------------


def list_websites(call: ApiCall) -> flask.Response:
    """GET /api/websites"""
    page = call.backend.page_of(Website, user_id=call.user_id, **call.paging())
    return _page(call, "websites", page, [website.to_api() for website in page.items])


def get_website(call: ApiCall, website_id: int) -> flask.Response:
    """GET /api/websites/{id}"""
    return _json({"data": call.backend.one_of(Website, user_id=call.user_id, record_id=website_id).to_api()})


def list_segments(call: ApiCall) -> flask.Response:
    """GET /api/segments"""
    page = call.backend.page_of(Segment, user_id=call.user_id, website_id=call.arg("website_id"), **call.paging())
    return _page(call, "segments", page, [segment.to_api() for segment in page.items])


def get_segment(call: ApiCall, segment_id: int) -> flask.Response:
    """GET /api/segments/{id}"""
    return _json({"data": call.backend.one_of(Segment, user_id=call.user_id, record_id=segment_id).to_api()})


# --- public, unauthenticated pages -------------------------------------------------------------------


def get_upload(backend: EmulatorBackend, name: str) -> flask.Response:
    """GET /uploads/flows/{name}: an uploaded flow image."""
    content_type, data = backend.get_image(name)
    return flask.Response(data, status=200, mimetype=content_type)
