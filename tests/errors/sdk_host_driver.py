"""Runs inside a throwaway venv holding one Pulumi SDK version: drives that SDK's real provider host.

It starts ``python -m pulumi.dynamic`` (the process the Pulumi engine starts for dynamic providers),
reads the port it prints, and calls the host's ``Delete`` over gRPC with a pickled ``FlowProvider``
whose base URL is a closed loopback port, so the delete fails as an unreachable host: an expected
failure. It prints one JSON object: the SDK version, whether the host has ``_abort_with_traceback``,
the gRPC status details the engine would show, and what the host wrote on stderr (which the engine
shows too). The test in test_sdk_versions.py asserts on it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import dill
import grpc
import pulumi.dynamic
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_pushsmm.provider import FlowProvider


def _closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def main() -> None:
    """Print what one failed Delete looks like through this SDK's provider host."""
    env = dict(os.environ, PUSHSMM_API_KEY="driver-key", PUSHSMM_RETRY_TIMEOUT="1",
               PUSHSMM_BASE_URL=f"http://127.0.0.1:{_closed_port()}")
    host = subprocess.Popen([sys.executable, "-m", "pulumi.dynamic"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout is not None
        port = int(host.stdout.readline().strip())
        # Pickled as Pulumi's Flow resource pickles it (dill, base64); the host unpickles it by reference.
        provider = base64.b64encode(dill.dumps(FlowProvider(), recurse=True)).decode()
        props = {"__provider": provider, "website_id": 3, "name": "Welcome", "title": "Hi", "is_silent": False}
        properties = asyncio.run(rpc.serialize_properties(props, {}))
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            stub.Configure(provider_pb2.ConfigureRequest(), timeout=30)
            try:
                stub.Delete(provider_pb2.DeleteRequest(id="12", properties=properties), timeout=60)
                details, code = "", "OK"
            except grpc.RpcError as exc:
                details, code = exc.details() or "", exc.code().name
    finally:
        host.terminate()
        _, stderr = host.communicate(timeout=30)
    main_py = (Path(pulumi.dynamic.__file__).parent / "__main__.py").read_text()
    print(json.dumps({
        "sdk": version("pulumi"),
        "abort_with_traceback": "def _abort_with_traceback" in main_py,
        "code": code,
        "details": details,
        "stderr": stderr,
    }))


if __name__ == "__main__":
    main()
