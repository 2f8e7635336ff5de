"""Thin handlers of the /_emulator admin surface (not part of the real API; no bearer auth)."""

from __future__ import annotations

from typing import Any, cast

import flask

from .backend import EmulatorBackend
from .exceptions import InvalidAdminRequest
from .faults import FaultRule
from .records import CONFIG_FIELDS, ConfigChanges
from .subscribers import MAX_SUBSCRIBERS


def _body() -> dict[str, Any]:
    """The JSON object sent, ``{}`` when nothing was sent."""
    if not flask.request.get_data():
        return {}
    body = flask.request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise InvalidAdminRequest("The body must be a JSON object.")
    return body


def _field(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """``body[name]`` checked against ``kind`` (None when absent and optional)."""
    if name not in body or body[name] is None:
        if required:
            raise InvalidAdminRequest(f"Field {name!r} is required.")
        return None
    value = body[name]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise InvalidAdminRequest(f"Field {name!r} must be of type {kind.__name__}.")
    return value


def _json(body: Any, status: int = 200) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    return response


def overview(backend: EmulatorBackend) -> flask.Response:
    """GET /_emulator: switches, accounts and faults at a glance."""
    return _json({"config": backend.config(), "accounts": backend.accounts(), "faults": backend.faults.snapshot()})


def reset(backend: EmulatorBackend) -> flask.Response:
    """POST /_emulator/reset"""
    return _json({"accounts": backend.reset()})


def list_accounts(backend: EmulatorBackend) -> flask.Response:
    """GET /_emulator/accounts"""
    return _json({"accounts": backend.accounts()})


def create_account(backend: EmulatorBackend) -> flask.Response:
    """POST /_emulator/accounts: 201 when made, 200 when the key already had an account."""
    body = _body()
    websites = _field(body, "websites", int)
    api_access = _field(body, "api_access", bool)
    flows_limit = _field(body, "flows_limit", int)
    account, created = backend.ensure_account(
        _field(body, "api_key", str, required=True),
        websites=2 if websites is None else websites,
        api_access=True if api_access is None else api_access,
        flows_limit=-1 if flows_limit is None else flows_limit,
    )
    return _json(account, 201 if created else 200)


def update_account(backend: EmulatorBackend, user_id: int) -> flask.Response:
    """PATCH /_emulator/accounts/{user_id}"""
    body = _body()
    return _json(
        backend.update_account(
            user_id, api_access=_field(body, "api_access", bool), flows_limit=_field(body, "flows_limit", int),
            api_key=_field(body, "api_key", str),
        )
    )


def account_flows(backend: EmulatorBackend, user_id: int) -> flask.Response:
    """GET /_emulator/accounts/{user_id}/flows: the account's flows as stored."""
    return _json({"data": backend.raw_flows(user_id)})


def create_website(backend: EmulatorBackend) -> flask.Response:
    """POST /_emulator/websites"""
    body = _body()
    website = backend.add_website(
        _field(body, "user_id", int, required=True),
        name=_field(body, "name", str),
        scheme=_field(body, "scheme", str) or "https://",
        host=_field(body, "host", str),
        path=_field(body, "path", str) or "/",
        is_enabled=_field(body, "is_enabled", bool) is not False,
    )
    return _json(website.to_api(), 201)


def create_segment(backend: EmulatorBackend) -> flask.Response:
    """POST /_emulator/segments"""
    body = _body()
    segment = backend.add_segment(
        _field(body, "user_id", int, required=True),
        _field(body, "website_id", int, required=True),
        name=_field(body, "name", str),
        type=_field(body, "type", str) or "filter",
        settings=_field(body, "settings", dict),
    )
    return _json(segment.to_api(), 201)


def get_flow(backend: EmulatorBackend, flow_id: int) -> flask.Response:
    """GET /_emulator/flows/{id}: one flow as stored."""
    return _json({"data": backend.raw_flow(flow_id)})


def drift_flow(backend: EmulatorBackend, flow_id: int) -> flask.Response:
    """PATCH /_emulator/flows/{id}: change stored fields behind the provider's back."""
    return _json({"data": backend.drift_flow(flow_id, _body())})


def delete_flow(backend: EmulatorBackend, flow_id: int) -> flask.Response:
    """DELETE /_emulator/flows/{id}: delete a flow behind the provider's back."""
    backend.delete_flow_raw(flow_id)
    return _json({"deleted": flow_id})


def add_subscribers(backend: EmulatorBackend, website_id: int) -> flask.Response:
    """POST /_emulator/websites/{id}/subscribers: new subscribers join; the website's flows send to them."""
    body = _body()
    count = _field(body, "count", int, required=True)
    if not 0 <= count <= MAX_SUBSCRIBERS:
        raise InvalidAdminRequest(f"Field 'count' must be from 0 to {MAX_SUBSCRIBERS}.")
    seed = _field(body, "seed", int)
    return _json(backend.add_subscribers(website_id, count=count, seed=0 if seed is None else seed).to_dict())


def request_log(backend: EmulatorBackend) -> flask.Response:
    """GET /_emulator/requests"""
    return _json({"data": backend.request_log()})


def clear_request_log(backend: EmulatorBackend) -> flask.Response:
    """DELETE /_emulator/requests"""
    backend.clear_request_log()
    return _json({"data": []})


def get_faults(backend: EmulatorBackend) -> flask.Response:
    """GET /_emulator/faults"""
    return _json(backend.faults.snapshot())


def set_faults(backend: EmulatorBackend) -> flask.Response:
    """PUT /_emulator/faults: replace the rules (and reseed when ``seed`` is given)."""
    body = _body()
    rules = _field(body, "rules", list, required=True)
    if not all(isinstance(rule, dict) for rule in rules):
        raise InvalidAdminRequest("Each fault rule must be an object.")
    backend.faults.configure([FaultRule.from_dict(rule) for rule in rules], seed=_field(body, "seed", int))
    return _json(backend.faults.snapshot())


def clear_faults(backend: EmulatorBackend) -> flask.Response:
    """DELETE /_emulator/faults"""
    backend.faults.clear()
    return _json(backend.faults.snapshot())


def get_config(backend: EmulatorBackend) -> flask.Response:
    """GET /_emulator/config"""
    return _json(backend.config())


def update_config(backend: EmulatorBackend) -> flask.Response:
    """PATCH /_emulator/config: any of rate_limit, create_response, api_disabled."""
    body = _body()
    unknown = set(body) - set(CONFIG_FIELDS)
    if unknown:
        raise InvalidAdminRequest(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    changes = {name: _field(body, name, kind) for name, kind in CONFIG_FIELDS.items()}
    # The values are type-checked above and range-checked by the backend.
    given = cast(ConfigChanges, {name: value for name, value in changes.items() if value is not None})
    return _json(backend.update_config(**given))
