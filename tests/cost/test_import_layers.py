"""Imports follow the layers: each entry point loads only what its layer needs.

Each case runs a fresh interpreter, because this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import VALID

pytestmark = pytest.mark.unit

HEAVY = ("pulumi", "grpc", "requests", "pulumi_pushsmm.provider", "pulumi_pushsmm.client", "pulumi_pushsmm.transport",
         "pulumi_pushsmm.flow")


def loaded_after(statement: str) -> set[str]:
    """The HEAVY modules present in ``sys.modules`` after running ``statement`` in a new interpreter."""
    code = f"import json, sys\n{statement}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        ("import pulumi_pushsmm.emulator", HEAVY),
        ("import pulumi_pushsmm", HEAVY),
        ("import pulumi_pushsmm.names, pulumi_pushsmm.errors", HEAVY),
        ("import pulumi_pushsmm.policies", ("requests", "pulumi_pushsmm.provider", "pulumi_pushsmm.client")),
        ("from pulumi_pushsmm import Flow, FlowArgs", ("requests", "pulumi_pushsmm.client")),
        ("import pulumi_pushsmm.schema", HEAVY),
        # `pushsmm-pulumi --help` (and each subcommand's parsing) loads no SDK: deploy imports the Automation
        # API only when a command runs.
        ("import pulumi_pushsmm.cli; pulumi_pushsmm.cli.parser()", HEAVY),
    ],
)
def test_import_loads_only_its_layer(statement: str, forbidden: tuple[str, ...]) -> None:
    assert loaded_after(statement) & set(forbidden) == set()


def test_the_lazy_package_still_offers_flow() -> None:
    import pulumi_pushsmm
    from pulumi_pushsmm import flow

    assert pulumi_pushsmm.Flow is flow.Flow
    assert pulumi_pushsmm.FlowArgs is flow.FlowArgs
    assert "Flow" in dir(pulumi_pushsmm)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = pulumi_pushsmm.Nope  # type: ignore[attr-defined]


def test_errors_are_one_hierarchy_reexported_where_they_used_to_be() -> None:
    from pulumi_pushsmm import client, errors, provider

    assert client.PushsmmApiError is errors.PushsmmApiError
    assert provider.FlowError is errors.FlowError
    assert issubclass(errors.FlowError, errors.PushsmmError)
    assert all(issubclass(getattr(errors, name), errors.PushsmmError) for name in errors.__all__)


def test_a_no_change_preview_in_the_provider_process_loads_no_http_stack() -> None:
    # configure, check and diff are all a no-change preview asks of the provider process: none sends a
    # request, so none may pay for importing requests (about 6 MiB and 50 ms in every such process).
    # (tests.support is not imported here: it imports requests itself.)
    statement = f"""
from types import SimpleNamespace
from pulumi_pushsmm.provider import FlowProvider
provider = FlowProvider()
provider.configure(SimpleNamespace(config={{"pushsmm:apiKey": "k", "pushsmm:baseUrl": "http://127.0.0.1:9/api"}}))
inputs = {VALID!r}
checked = provider.check(inputs, {{**inputs, "__provider": "p"}})  # the targets were checked when they were set
assert not checked.failures, checked.failures
assert provider.diff("1", {{**checked.inputs, "user_id": 1}}, checked.inputs).changes is False
"""
    assert loaded_after(statement) & {"requests", "pulumi_pushsmm.client", "pulumi_pushsmm.transport"} == set()
