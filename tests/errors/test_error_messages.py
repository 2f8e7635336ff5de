"""Expected failures reach the user as one message, through the Pulumi SDK's own provider host code."""

from __future__ import annotations

import ast
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

import grpc
import pulumi.dynamic
import pytest

from pulumi_pushsmm.errors import PushsmmApiError
from pulumi_pushsmm.reporting import FlowOperationError, install_error_formatting, user_facing

pytestmark = pytest.mark.unit


class _Provider:
    @user_facing("updating")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> None:
        try:
            raise ConnectionError("socket closed")
        except ConnectionError as exc:
            raise PushsmmApiError("POST", f"/flows/{id_}", 500, "server error; run again later") from exc

    @user_facing("creating")
    def create(self, props: dict[str, Any]) -> None:
        raise KeyError("a bug")


class _Context:
    """Stands in for grpc's ServicerContext: keeps what abort() was given."""

    def __init__(self) -> None:
        self.details = ""

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        self.details = details


def _host_wrapper() -> Any:
    """The installed SDK's ``_abort_with_traceback``, compiled from its source (importing the host module runs it)."""
    source = (Path(pulumi.dynamic.__file__).parent / "__main__.py").read_text()
    tree = ast.parse(source)
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_abort_with_traceback"]
    if not found:
        pytest.skip("this Pulumi SDK has no _abort_with_traceback: grpc formats the error (see test below)")
    namespace: dict[str, Any] = {"grpc": grpc, "traceback": traceback}
    exec(compile(ast.Module(body=found, type_ignores=[]), "pulumi/dynamic/__main__.py", "exec"), namespace)
    return namespace["_abort_with_traceback"]


def test_the_message_names_the_action_the_flow_and_the_apis_words() -> None:
    with pytest.raises(FlowOperationError) as raised:
        _Provider().update("12", {}, {"website_id": 3.0})
    message = str(raised.value)
    assert message.startswith("pushsmm: updating flow 12 (website 3) failed: pushsmm API POST /flows/12 failed")
    assert "run again later" in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_the_installed_sdk_host_shows_one_line_for_an_expected_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    wrapper = _host_wrapper()
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)  # restored after the test
    install_error_formatting(force=True)
    provider = _Provider()
    update = wrapper(lambda self, request, context: provider.update("12", {}, {"website_id": 3}))
    context = _Context()
    update(None, None, context)
    assert "Traceback" not in context.details and "File " not in context.details
    assert context.details.strip().splitlines() == [context.details.strip()]
    assert context.details.startswith("FlowOperationError: pushsmm: updating flow 12 (website 3) failed")


def test_an_unexpected_error_keeps_its_traceback_for_a_bug_report(monkeypatch: pytest.MonkeyPatch) -> None:
    wrapper = _host_wrapper()
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)
    install_error_formatting(force=True)
    provider = _Provider()
    create = wrapper(lambda self, request, context: provider.create({"name": "Welcome", "website_id": 1}))
    context = _Context()
    create(None, None, context)
    assert "a bug in pulumi-pushsmm" in context.details and "KeyError: 'a bug'" in context.details
    assert "test_error_messages.py" in context.details  # the frames are there to report


def test_older_sdks_grpc_log_drops_the_traceback_of_expected_failures_only(monkeypatch: pytest.MonkeyPatch,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)
    install_error_formatting(force=True)
    grpc_log = logging.getLogger("grpc._server")
    with caplog.at_level(logging.ERROR, logger="grpc._server"):
        for failing in (lambda: _Provider().update("1", {}, {}), lambda: (_ for _ in ()).throw(ValueError("x"))):
            try:
                failing()
            except Exception:
                grpc_log.exception("Exception calling application")  # what grpc does for an uncaught error
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ValueError]


def test_nothing_changes_outside_the_provider_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)
    install_error_formatting()
    assert sys.tracebacklimit == 1000
