"""The account session: settings resolved in one function, one session per account, and nobody else doing either."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from pulumi_pushsmm.account import Account
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.errors import LookupFailed, PushsmmConfigError
from pulumi_pushsmm.lookups import get_websites
from pulumi_pushsmm.session import forget_sessions, resolve_settings, session_for
from tests.support import ROOT

pytestmark = pytest.mark.integration

PACKAGE = ROOT / "pulumi_pushsmm"
KEY = "session-key-DO-NOT-LEAK"
SETTING_NAMES = {"API_KEY_CONFIG", "BASE_URL_CONFIG", "REQUESTS_PER_MINUTE_CONFIG", "RETRY_TIMEOUT_CONFIG",
                 "API_KEY_ENV", "BASE_URL_ENV", "REQUESTS_PER_MINUTE_ENV", "RETRY_TIMEOUT_ENV", "LOG_ENV"}
"""The names of the stack config keys and environment variables of the settings (pulumi_pushsmm.names)."""


# --- resolve_settings --------------------------------------------------------------------------------


def test_explicit_values_win_then_config_then_environment_then_defaults() -> None:
    env = {"PUSHSMM_API_KEY": "env-key", "PUSHSMM_BASE_URL": "http://127.0.0.1:3/api",
           "PUSHSMM_REQUESTS_PER_MINUTE": "40", "PUSHSMM_RETRY_TIMEOUT": "9", "PUSHSMM_LOG": "debug"}
    from_env = resolve_settings(env=env)
    assert (from_env.base_url, from_env.api_key, from_env.requests_per_minute, from_env.retry_timeout,
            from_env.log_level) == ("http://127.0.0.1:3/api", "env-key", 40, 9.0, "debug")
    config = {"pushsmm:apiKey": "cfg-key", "pushsmm:baseUrl": "http://127.0.0.1:2/api/",
              "pushsmm:requestsPerMinute": "30", "pushsmm:retryTimeout": "5"}
    from_config = resolve_settings(config, env=env)
    assert (from_config.base_url, from_config.api_key, from_config.requests_per_minute,
            from_config.retry_timeout) == ("http://127.0.0.1:2/api", "cfg-key", 30, 5.0)
    # An Account's URL and key win, and its flows keep the stack's pacing and patience.
    account = resolve_settings(config, base_url="http://127.0.0.1:1/api", api_key="acct-key", env=env)
    assert (account.base_url, account.api_key, account.requests_per_minute, account.retry_timeout) == (
        "http://127.0.0.1:1/api", "acct-key", 30, 5.0)
    default = resolve_settings(env={})
    assert (default.base_url, default.api_key, default.requests_per_minute, default.retry_timeout,
            default.log_level) == ("https://pushsmm.com/api", None, None, 120.0, "")


@pytest.mark.parametrize(("env", "named"), [
    ({"PUSHSMM_BASE_URL": "http://pushsmm.com/api"}, "plain http"),
    ({"PUSHSMM_REQUESTS_PER_MINUTE": "0"}, "requestsPerMinute"),
    ({"PUSHSMM_RETRY_TIMEOUT": "forever"}, "pushsmm:retryTimeout"),
    ({"PUSHSMM_LOG": "loud"}, "PUSHSMM_LOG must be one of debug, info, warning"),
])
def test_a_bad_setting_is_refused_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(PushsmmConfigError, match=named):
        resolve_settings(env=env)


def test_settings_and_sessions_never_show_the_key() -> None:
    settings = resolve_settings(api_key=KEY, env={})
    session = session_for(settings)
    assert KEY not in repr(settings) and KEY not in repr(session)
    assert KEY not in repr(settings.ident)


def test_one_session_per_account_shared_by_every_caller() -> None:
    forget_sessions()
    env = {"PUSHSMM_RATE_LIMIT_DIR": "off"}  # no budget file in the user's cache
    a = session_for(resolve_settings(api_key="key-one", env=env))
    assert session_for(resolve_settings(api_key="key-one", env=env)) is a
    assert session_for(resolve_settings(api_key="key-two", env=env)) is not a
    assert session_for(resolve_settings(base_url="http://127.0.0.1:4/api", api_key="key-one", env=env)) is not a
    # A later configure with other pacing keeps the account's session and limiter, and paces by the new value.
    limiter = a.limiter
    again = session_for(resolve_settings({"pushsmm:requestsPerMinute": "12"}, api_key="key-one", env=env))
    assert again is a and again.limiter is limiter and limiter.requests_per_minute == 12


# --- the lookups go through the same settings and session -------------------------------------------


def test_lookups_honour_requests_per_minute_and_retry_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before the session, the lookups built their own client: no pacing budget and a 120 s retry budget.
    monkeypatch.setenv("PUSHSMM_REQUESTS_PER_MINUTE", "7")
    monkeypatch.setenv("PUSHSMM_RETRY_TIMEOUT", "1")
    forget_sessions()
    with EmulatorServer(api_keys=[KEY], rate_limit=0) as server:
        account = Account(api_key=KEY, base_url=server.base_url)
        assert len(get_websites(account=account)) >= 1
        session = session_for(resolve_settings(base_url=server.base_url, api_key=KEY))
        assert session.limiter.requests_per_minute == 7 and session.client.retry_timeout == 1.0
        forget_sessions()
        server.set_faults({"kind": "error", "rate": 1.0, "statuses": [503], "methods": ["GET"]})
        started = time.monotonic()
        with pytest.raises(LookupFailed, match="HTTP 503") as raised:
            get_websites(account=account)
        assert time.monotonic() - started < 10  # gave up within the 1 s retry budget, not 120 s
        assert KEY not in str(raised.value)
    forget_sessions()


# --- nobody else resolves settings or registers accounts --------------------------------------------


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text()) for path in PACKAGE.rglob("*.py") if "emulator" not in path.parts}


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, str]:
    """Node -> the name of the innermost function it is in (ast.walk visits outer functions first)."""
    owner: dict[ast.AST, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if inner is not node:
                    owner[inner] = node.name
    return owner


def test_settings_are_read_in_exactly_one_function() -> None:
    readers: set[str] = set()
    for path, tree in _modules().items():
        owner = _enclosing_functions(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "getenv") and node.args):
                continue
            first = node.args[0]
            names_a_setting = (isinstance(first, ast.Name) and first.id in SETTING_NAMES) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
                and first.value.startswith(("PUSHSMM_", "pushsmm:")))
            if names_a_setting:
                readers.add(f"{path.relative_to(ROOT)}:{owner.get(node, '<module>')}")
    assert readers == {"pulumi_pushsmm/session.py:resolve_settings"}, readers


def test_clients_limiters_and_sessions_are_made_in_exactly_one_place() -> None:
    makers: dict[str, set[str]] = {"PushsmmClient": set(), "RateLimiter": set(), "AccountSession": set()}
    for path, tree in _modules().items():
        owner = _enclosing_functions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in makers:
                makers[node.func.id].add(f"{path.relative_to(ROOT)}:{owner.get(node, '<module>')}")
    # (A client made on its own, as tests do, paces itself with a limiter of its own.)
    assert makers == {"PushsmmClient": {"pulumi_pushsmm/session.py:client"},
                      "RateLimiter": {"pulumi_pushsmm/session.py:limiter", "pulumi_pushsmm/client.py:__init__"},
                      "AccountSession": {"pulumi_pushsmm/session.py:session_for"}}, makers
