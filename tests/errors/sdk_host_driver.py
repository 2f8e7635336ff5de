"""Runs inside a throwaway venv holding one Pulumi SDK version: drives that SDK's program side and provider host.

It starts ``python -m pulumi.dynamic`` (the process the Pulumi engine starts for dynamic providers), reads
the port it prints, and calls the host over gRPC as the engine would. It prints one JSON object, with the SDK
version, for the tests in test_sdk_versions.py to assert on. Two jobs, the first argument picks one:

- ``delete``: the host's ``Delete`` with a pickled ``FlowProvider`` whose base URL is a closed loopback port,
  so the delete fails as an unreachable host, an expected failure. It prints whether the host has
  ``_abort_with_traceback``, the gRPC status details the engine would show, and what the host wrote on stderr
  (which the engine shows too).
- ``get BASE_URL API_KEY FLOW_ID``: ``Flow.get(..., account=Account(API_KEY, BASE_URL))`` in a program run on
  this SDK's mocks, whose read request (id and properties) is then sent to the host's ``Read``, with the
  environment holding no key, as the engine sends it. It prints the id and properties of that read request
  (the key left out) and the properties the host's Read answered.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dill
import grpc
import pulumi
import pulumi.dynamic
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_pushsmm.provider import FlowProvider

SECRET_SIG = "4dabf18193072939515e22adb298388d"
"""The key that marks a secret value in Pulumi's property encoding."""


def _closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def provider_host(env: dict[str, str], stderr: list[str]) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """This SDK's dynamic provider host, configured, as a gRPC stub; what it wrote on stderr lands in ``stderr``."""
    host = subprocess.Popen([sys.executable, "-m", "pulumi.dynamic"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout is not None
        port = int(host.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(), timeout=30)
            yield stub
    finally:
        host.terminate()
        stderr.append(host.communicate(timeout=30)[1])


def failed_delete() -> dict[str, Any]:
    """What one failed Delete looks like through this SDK's provider host."""
    env = dict(os.environ, PUSHSMM_API_KEY="driver-key", PUSHSMM_RETRY_TIMEOUT="1",
               PUSHSMM_BASE_URL=f"http://127.0.0.1:{_closed_port()}")
    # Pickled as Pulumi's Flow resource pickles it (dill, base64); the host unpickles it by reference.
    provider = base64.b64encode(dill.dumps(FlowProvider(), recurse=True)).decode()
    props = {"__provider": provider, "website_id": 3, "name": "Welcome", "title": "Hi", "is_silent": False}
    properties = asyncio.run(rpc.serialize_properties(props, {}))
    stderr: list[str] = []
    with provider_host(env, stderr) as stub:
        try:
            stub.Delete(provider_pb2.DeleteRequest(id="12", properties=properties), timeout=60)
            details, code = "", "OK"
        except grpc.RpcError as exc:
            details, code = exc.details() or "", exc.code().name
    main_py = (Path(pulumi.dynamic.__file__).parent / "__main__.py").read_text()
    return {"abort_with_traceback": "def _abort_with_traceback" in main_py, "code": code, "details": details,
            "stderr": stderr[0]}


class _ReadRecorder(pulumi.runtime.Mocks):
    """This SDK's mocks, keeping the id and properties of each read request (a ``get``) the program makes."""

    def __init__(self) -> None:
        self.reads: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.resource_id:
            self.reads[args.name] = (args.resource_id, dict(args.inputs))
        return args.resource_id or f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def flow_get(base_url: str, api_key: str, flow_id: str) -> dict[str, Any]:
    """``Flow.get(account=)`` on this SDK: the read request its program side makes, and what the host reads."""
    from pulumi_pushsmm import Account, Flow

    recorder = _ReadRecorder()
    pulumi.runtime.set_mocks(recorder, preview=False)

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        return Flow.get("theirs", flow_id, account=Account(api_key=api_key, base_url=base_url)).id

    program()
    read_id, recorded = recorder.reads["theirs"]
    # The host tells the engine it does not accept secrets, so the engine sends their plain values.
    inputs = {k: v["value"] if isinstance(v, dict) and SECRET_SIG in v else v for k, v in recorded.items()}
    properties = asyncio.run(rpc.serialize_properties(inputs, {}))
    # No key in the environment: the host can read the flow only with the account the program gave.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUSHSMM_")}
    stderr: list[str] = []
    with provider_host(env, stderr) as stub:
        answer = stub.Read(provider_pb2.ReadRequest(id=read_id, urn="urn:pulumi:s::p::pulumi-python:dynamic/"
                                                    "pushsmm:Flow::theirs", properties=properties), timeout=60)
    read = rpc.deserialize_properties(answer.properties)
    shown = {k: v for k, v in inputs.items() if k not in ("__provider", "account_api_key")}
    return {"read_id": read_id, "request": shown, "key_is_secret": SECRET_SIG in recorded["account_api_key"], "read": {
        "id": answer.id, "title": read.get("title"), "website_id": read.get("website_id")}}


def main() -> None:
    """Do the job the first argument names and print its result as one JSON line."""
    job = sys.argv[1] if len(sys.argv) > 1 else "delete"
    result = flow_get(*sys.argv[2:5]) if job == "get" else failed_delete()
    print(json.dumps({"sdk": version("pulumi"), **result}))


if __name__ == "__main__":
    main()
