"""Local twin of the pushsmm web-push API: Flask app, SQLite state, faults and an admin surface.

The emulator answers like the real ``https://pushsmm.com/api`` (see
``docs/pushsmm-api.md``, which also lists where it knowingly differs): Bearer
auth, ``{"errors": [{"title", "status"}]}`` errors, multipart writes, the silent coercions and clamps, pagination,
``X-RateLimit-*`` headers and 429s, image uploads served back at
``/uploads/flows/<name>``, and a 302 to an HTML page when the API is
switched off. It shares no code with the provider's client.

Its rooms, each with one job: ``records`` (the dataclasses and their JSON
shapes), ``cleaning`` (the server's PHP-style cleaning and clamping, and its
limits), ``storage`` (SQLite tables, rows to records and back), ``backend``
(``EmulatorBackend``, the service as one object: its switches and reset, put
together from ``state`` (the store, clock and reads every part shares),
``accounts`` (keys, websites, segments), ``flows`` (flow writes, images,
counters), ``drift`` (edits behind the provider's back), ``ratelimit`` and
``request_log``), ``subscribers`` (the simulated subscribers), ``faults``
(seeded fault rules), ``app`` (the WSGI app: auth, rate-limit headers, error
shapes, fault injection), ``responses`` and ``admin`` (thin handlers),
``urls`` (routes as data), ``ui`` (the HTML view), ``server``
(``EmulatorServer``) and ``__main__`` (the command line).

Run it with ``pushsmm-emulator`` / ``python -m pulumi_pushsmm.emulator``, or
in tests::

    from pulumi_pushsmm.emulator import EmulatorServer
    with EmulatorServer(api_keys=["key-a", "key-b"], rate_limit=0) as server:
        server.base_url      # http://127.0.0.1:PORT/api
        server.accounts[0]   # {"user_id": 1, "website_ids": [1, 2], "segment_ids": {"1": [1], "2": [2]}}

Real API (``Authorization: Bearer <key>``)::

    GET    /api/flows?page=N&results_per_page=M&website_id=W
    POST   /api/flows                 multipart/form-data; 201 with the flow (or {"data": {"id": N}})
    GET    /api/flows/{id}
    POST   /api/flows/{id}            multipart/form-data; 200 with the flow
    DELETE /api/flows/{id}            200, empty body
    GET    /api/websites, /api/websites/{id}, /api/segments, /api/segments/{id}

Documented-only mode (``--documented-only`` on the command line,
``EmulatorServer(documented_only=True)`` in Python, the ``documented_server``
fixture in ``tests/emulator``) serves only what the published Flows reference
documents, in the shapes it shows, to check a client against the documented
contract alone. Fixed for the server's life (a reset keeps it):

- only ``/api/flows`` (list, create) and ``/api/flows/{id}`` (get, update,
  delete); every other /api path, ``/api/websites`` and ``/api/segments``
  included, is unknown: 404 ``{"errors": [{"title": "The resource you are
  looking for does not exist.", "status": 404}]}``, as the real server answers
  an unknown path (no auth check, no rate-limit count);
- create (201) and update (200) answer ``{"data": {"id": N}}``; the
  ``create_response`` switch is ``id`` and cannot be set to ``full``;
- a list's ``meta`` is ``{page, results_per_page, total, total_pages}`` with
  ``page`` the number of the page served (the code's ``total_results`` and
  echoed ``page`` are gone);
- everything else is as in the default mode: the coercions, errors, rate
  limit, faults, and the whole ``/_emulator`` admin surface (seed websites and
  segments there: ``POST /_emulator/websites``, ``POST /_emulator/segments``).

Admin surface (NOT part of the real API; no auth; JSON in and out; every
path also answers with a trailing slash)::

    GET    /_emulator                              {"config", "accounts", "faults"}
    POST   /_emulator/reset                        wipe data, logs, switches, faults; recreate start-up
                                                   accounts (ids restart at 1) -> {"accounts": [...]}
    GET    /_emulator/accounts                     {"accounts": [{user_id, website_ids, segment_ids}]}
    POST   /_emulator/accounts                     {"api_key", "websites"?: 2, "api_access"?: true,
                                                   "flows_limit"?: -1} -> 201 {user_id, website_ids,
                                                   segment_ids} (200 if the key already had one)
    PATCH  /_emulator/accounts/{user_id}           {"api_access"?, "flows_limit"?, "api_key"? (rotate: the old
                                                   key stops working)} -> the account
    GET    /_emulator/accounts/{user_id}/flows     {"data": [stored flow rows]}
    POST   /_emulator/websites                     {"user_id", "name"?, "scheme"?, "host"?, "path"?,
                                                   "is_enabled"?} -> 201 website object
    POST   /_emulator/segments                     {"user_id", "website_id", "name"?, "type"?,
                                                   "settings"?} -> 201 segment object
    POST   /_emulator/websites/{id}/subscribers    {"count": 0..10000, "seed"?: 0} simulated subscribers join;
                                                   matching enabled flows send to them (seeded counters,
                                                   last_sent_datetime) -> {website_id, count, seed,
                                                   segments: [{segment_id, joined}], flows: [{flow_id,
                                                   sent, displayed, clicked, closed}]}
    GET    /  and  /_emulator/ui                   the HTML view: accounts, websites, segments, flows with
                                                   counters, recent requests (?refresh=N reloads every N s)
    GET    /_emulator/flows/{id}                   {"data": stored row} (any account)
    PATCH  /_emulator/flows/{id}                   drift: stored fields as given, no cleaning, e.g.
                                                   {"title": "x", "settings": {"ttl": 0, "utm":
                                                   {"source": "y"}}} -> {"data": stored row}
    DELETE /_emulator/flows/{id}                   delete behind the provider's back -> {"deleted": id}
    GET    /_emulator/requests                     {"data": [{time, method, path, query, status, fault}]}
                                                   for /api requests, oldest first: time ISO 8601 UTC,
                                                   query as sent (key-like values redacted), status
                                                   null when dropped; never keys
    DELETE /_emulator/requests                     clear the log -> {"data": []}
    GET    /_emulator/faults                       {"seed", "rules": [rule + "remaining"]}
    PUT    /_emulator/faults                       {"rules": [rule, ...], "seed"?: int} -> as GET
    DELETE /_emulator/faults                       all faults off -> as GET
    GET    /_emulator/config                       {"rate_limit", "create_response", "api_disabled"}
    PATCH  /_emulator/config                       any of those three -> the config (create_response
                                                   stays "id" when documented-only: 400)

A fault rule is ``{"kind": "error"|"drop"|"latency"|"commit_then_fail",
"rate": 1.0, "statuses": [500] (any of 429/500/502/503), "latency_ms": 0,
"methods": [] (all) or e.g. ["POST"], "count": null (unlimited) or N}``.
``error`` answers 429/500 in the errors shape and 502/503 as a proxy's HTML
page; ``drop`` closes the socket without an answer; ``latency`` sleeps and
carries on; ``commit_then_fail`` stores a flow create/update, then answers
500. Rules are checked in order with ``random.Random(seed)``; a rule's
count drops each time it fires.
"""

from .backend import EmulatorBackend
from .exceptions import EmulatorError
from .faults import FaultRule
from .records import AccountInfo, EmulatorConfig
from .server import DEFAULT_API_KEY, EmulatorServer

__all__ = [
    "DEFAULT_API_KEY",
    "AccountInfo",
    "EmulatorBackend",
    "EmulatorConfig",
    "EmulatorError",
    "EmulatorServer",
    "FaultRule",
]
