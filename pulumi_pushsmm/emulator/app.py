"""The WSGI app: one dispatcher for auth, rate limits and error shapes, wrapped in fault injection."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import flask
from flask.json.provider import DefaultJSONProvider
from waitress.channel import ClientDisconnected
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser
from werkzeug.wrappers import Response

from .backend import EmulatorBackend
from .exceptions import (
    EmulatorError,
    ImageUploadFailed,
    InjectedServerError,
    MalformedRequestBody,
    MissingBearerHeader,
    PayloadTooLarge,
    RateLimited,
    ResourceNotFound,
    UpstreamUnavailable,
)
from .records import RateState
from .responses import ApiCall
from .ui import ui_blueprint
from .urls import ADMIN_URLS, API_URLS, DOCUMENTED_API_URLS, PUBLIC_URLS, Handler

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

MAX_BODY_BYTES = 8 * 1024 * 1024
API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_FLOW_WRITE_PATH = re.compile(r"^/api/flows(/\d+)?/?$")
_logger = logging.getLogger(__name__)


class ConnectionDropped(ClientDisconnected, ConnectionAbortedError):
    """Raised by the app to close the connection without an answer (the ``drop`` fault)."""


def to_wire(error: EmulatorError) -> Response:
    """The one place an error becomes what the real server would send."""
    if isinstance(error, ImageUploadFailed):
        body: Any = {"message": [error.message], "status": "error", "details": []}
        return Response(json.dumps(body, separators=(",", ":")), status=200, mimetype="application/json")
    if isinstance(error, UpstreamUnavailable):
        page = f"<html><head><title>{error.status} {error.message}</title></head><body>"
        page += f"<center><h1>{error.status} {error.message}</h1></center></body></html>"
        return Response(page, status=error.status, mimetype="text/html")
    body = {"errors": [{"title": error.message, "status": error.wire_status}]}
    return Response(json.dumps(body, separators=(",", ":")), status=error.status, mimetype="application/json")


def _from_http_exception(exc: HTTPException) -> EmulatorError:
    if exc.code in (404, 405):
        return ResourceNotFound()
    if exc.code == 413:
        return PayloadTooLarge()
    if exc.code == 400:
        return MalformedRequestBody()
    error = EmulatorError(exc.name)
    error.status = exc.code or 500
    return error


def _bearer_token(header: str | None) -> str | None:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class _EmulatorRequest(flask.Request):
    """A request whose form parser reports broken bodies instead of silently reading nothing."""

    def make_form_data_parser(self) -> FormDataParser:
        """Like Flask's, but not silent."""
        parser = super().make_form_data_parser()
        parser.silent = False
        return parser


class _JSONProvider(DefaultJSONProvider):
    sort_keys = False


class _Flask(flask.Flask):
    request_class = _EmulatorRequest
    json_provider_class = _JSONProvider


def _api_view(backend: EmulatorBackend, handlers: Mapping[str, Handler]) -> Callable[..., Response]:
    def dispatch(**path_args: Any) -> Response:
        request = flask.request
        if (request.content_length or 0) > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        api_key = _bearer_token(request.headers.get("Authorization"))
        if api_key is None:
            raise MissingBearerHeader()
        user_id = backend.authenticate(api_key)
        flask.g.rate_state = backend.hit_rate_limit(api_key)
        if flask.g.rate_state is not None and not flask.g.rate_state.allowed:
            raise RateLimited()
        handler = handlers.get(request.method)
        if handler is None:
            raise ResourceNotFound()
        return handler(ApiCall(backend=backend, user_id=user_id, request=request), **path_args)

    return dispatch


def _plain_view(backend: EmulatorBackend, handler: Handler) -> Callable[..., Response]:
    def view(**path_args: Any) -> Response:
        return handler(backend, **path_args)

    return view


def create_flask_app(backend: EmulatorBackend) -> flask.Flask:
    """The Flask app with every route, the auth/rate-limit dispatcher and the error handlers."""
    app = _Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY_BYTES
    # Documented-only: the paths the reference does not document are unknown, so they answer as any unknown path.
    api_urls = DOCUMENTED_API_URLS if backend.documented_only else API_URLS
    for path, handlers in api_urls.items():
        app.add_url_rule(
            f"{path}/",
            endpoint=f"api {path}",
            view_func=_api_view(backend, handlers),
            methods=API_METHODS,
            strict_slashes=False,
            provide_automatic_options=False,
        )
    for method, path, handler in PUBLIC_URLS:
        app.add_url_rule(path, endpoint=f"{method} {path}", view_func=_plain_view(backend, handler), methods=[method])
    for method, path, handler in ADMIN_URLS:
        # Like the API, every admin path answers with and without a trailing slash.
        app.add_url_rule(
            f"{path}/",
            endpoint=f"{method} {path}",
            view_func=_plain_view(backend, handler),
            methods=[method],
            strict_slashes=False,
        )
    app.register_blueprint(ui_blueprint(backend))

    @app.before_request
    def api_switched_off() -> Response | None:
        if backend.api_disabled and _is_api_path(flask.request.path):
            return flask.redirect("/?api=disabled", code=302)
        return None

    @app.after_request
    def rate_limit_headers(response: Response) -> Response:
        if not _is_api_path(flask.request.path) or response.status_code == 302:
            return response
        state: RateState | None = flask.g.get("rate_state") or backend.idle_rate_state()
        if state is not None:
            response.headers["X-RateLimit-Limit"] = str(state.limit)
            response.headers["X-RateLimit-Remaining"] = str(state.remaining)
            response.headers["X-RateLimit-Reset"] = str(state.reset)
        return response

    @app.errorhandler(EmulatorError)
    def emulator_error(error: EmulatorError) -> Response:
        return to_wire(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return to_wire(_from_http_exception(error))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        _logger.error("Unexpected error on %s %s", flask.request.method, flask.request.path, exc_info=error)
        return to_wire(EmulatorError())

    return app


class EmulatorApp:
    """WSGI entry point: logs /api requests and applies injected faults around the Flask app."""

    def __init__(self, backend: EmulatorBackend) -> None:
        self.backend = backend
        self.flask = create_flask_app(backend)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request."""
        # Waitress reads a whole request before calling the app, and gives a chunked body its
        # CONTENT_LENGTH, so MAX_BODY_BYTES holds for every request.
        path: str = environ.get("PATH_INFO", "")
        if not _is_api_path(path):
            return self.flask(environ, start_response)
        method: str = environ.get("REQUEST_METHOD", "GET")
        query: str = environ.get("QUERY_STRING", "")
        decision = self.backend.faults.decide(method, method == "POST" and bool(_FLOW_WRITE_PATH.match(path)))
        fault = ",".join(decision.fired) or None
        status: list[int | None] = [None]
        logged = False

        def recording_start_response(status_line: str, headers: Any, exc_info: Any = None) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        try:
            if decision.latency_ms:
                time.sleep(decision.latency_ms / 1000)
            if decision.action == "drop":
                # Log before the socket closes: the client may look at the log as soon as it sees the drop.
                self.backend.log_request(method=method, path=path, query=query, status=None, fault=fault)
                logged = True
                self._drop(environ)
            if decision.action == "error":
                error: EmulatorError = (
                    RateLimited()
                    if decision.status == 429
                    else UpstreamUnavailable(decision.status)
                    if decision.status in (502, 503)
                    else InjectedServerError(decision.status)
                )
                return to_wire(error)(environ, recording_start_response)
            if decision.action == "commit_then_fail":
                return self._commit_then_fail(environ, recording_start_response)
            return self.flask(environ, recording_start_response)
        finally:
            if not logged:
                self.backend.log_request(method=method, path=path, query=query, status=status[0], fault=fault)

    def _drop(self, environ: WSGIEnvironment) -> None:
        """Close the connection without answering.

        Waitress closes a connection, writing nothing, when the app raises its
        ``ClientDisconnected``; the class is also a ``ConnectionAbortedError``,
        which other servers read the same way.
        """
        raise ConnectionDropped("injected fault: connection dropped")

    def _commit_then_fail(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Run the request for real; if it succeeded, throw the answer away and say 500."""
        captured: list[Any] = []

        def capture(status_line: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], object]:
            captured[:] = [status_line, headers]
            return lambda _data: None

        body_iter = self.flask(environ, capture)
        try:
            body = b"".join(body_iter)
        finally:
            close = getattr(body_iter, "close", None)
            if close is not None:
                close()
        if captured and str(captured[0]).startswith("2"):
            return to_wire(InjectedServerError(500))(environ, start_response)
        start_response(captured[0], captured[1])
        return [body]
