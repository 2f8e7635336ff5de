"""How many API requests, and how long, deploying N flows takes: this provider against a naive baseline.

pushsmm allows 60 requests a minute, so each request saved is a second a user
gets back on a real deployment. Both runs use the same provider code against
the local emulator over loopback:

- baseline: what a straightforward provider does: it looks up the account's
  websites for every flow (no per-process cache), and reads every flow back
  after creating it (as the reference's id-only create answer forces).
- this provider: one cached website lookup per process, and no read-back
  when pushsmm answers with the whole flow (as the real server does).

Prints requests and seconds for each, side by side, and their ratio.
Run: .venv/bin/python benchmarks/requests_per_deploy.py [N]
"""

from __future__ import annotations

import sys
import time
from typing import Any

from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import ConfigureRequest

from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.provider import FlowProvider

KEY = "benchmark-key"


def provider_for(server: EmulatorServer) -> FlowProvider:
    provider = FlowProvider()
    provider.configure(ConfigureRequest(Config({"pushsmm:apiKey": KEY, "pushsmm:baseUrl": server.base_url}, "b")))
    return provider


def inputs(provider: FlowProvider, website_id: int, index: int) -> dict[str, Any]:
    news = {"website_id": website_id, "name": f"Flow {index}", "title": f"Message {index}",
            "description": "Benchmark", "wait_time": index + 1, "wait_time_type": "hours"}
    return provider.check({}, news).inputs


def deploy(flows: int, *, naive: bool) -> tuple[int, float]:
    """Create ``flows`` flows; return (API requests, seconds)."""
    server = EmulatorServer(api_keys=[KEY], rate_limit=0, create_response="id" if naive else "full")
    server.start()
    try:
        website_id = int(server.accounts[0]["website_ids"][0])
        shared = provider_for(server)
        start = time.perf_counter()
        for index in range(flows):
            provider = provider_for(server) if naive else shared
            provider.create(inputs(provider, website_id, index))
        elapsed = time.perf_counter() - start
        return len(server.request_log()), elapsed
    finally:
        server.stop()


def main() -> None:
    flows = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    base_requests, base_seconds = deploy(flows, naive=True)
    our_requests, our_seconds = deploy(flows, naive=False)
    print(f"deploying {flows} flows            baseline   this provider   ratio")
    print(f"API requests                 {base_requests:>9}   {our_requests:>13}   {our_requests / base_requests:5.2f}")
    print(f"seconds on loopback          {base_seconds:>9.2f}   {our_seconds:>13.2f}   "
          f"{our_seconds / base_seconds:5.2f}")
    print(f"minutes at pushsmm's 60/min  {base_requests / 60:>9.1f}   {our_requests / 60:>13.1f}")


if __name__ == "__main__":
    main()
