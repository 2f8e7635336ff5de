"""How many API requests, and how long, deploying N flows takes: this provider against a naive baseline.

pushsmm allows 60 requests a minute, so each request saved is a second a user
gets back on a real deployment. Every run uses the same provider code against
the local emulator over loopback, and each comparison changes one thing only:

1. the lookup cache: a baseline that looks up the account's websites for
   every flow (a fresh provider per flow) against this provider's one cached
   lookup per process; both get the whole flow back from create, as the real
   server answers;
2. the create answer: this provider when the answer holds the whole flow
   against when it holds only ``{"id"}`` (as the API reference documents),
   which costs one read-back per flow.

Prints requests and seconds for each pair, side by side, and their ratio.
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


def deploy(flows: int, *, cached_lookups: bool = True, create_response: str = "full") -> tuple[int, float]:
    """Create ``flows`` flows; return (API requests, seconds)."""
    server = EmulatorServer(api_keys=[KEY], rate_limit=0, create_response=create_response)
    server.start()
    try:
        website_id = int(server.accounts[0]["website_ids"][0])
        shared = provider_for(server)
        start = time.perf_counter()
        for index in range(flows):
            provider = shared if cached_lookups else provider_for(server)
            provider.create(inputs(provider, website_id, index))
        elapsed = time.perf_counter() - start
        return len(server.request_log()), elapsed
    finally:
        server.stop()


def compare(title: str, before: str, after: str, base: tuple[int, float], ours: tuple[int, float]) -> None:
    """Print one comparison: requests, seconds and minutes at the rate limit, with their ratio."""
    (base_requests, base_seconds), (our_requests, our_seconds) = base, ours
    print(f"\n{title}")
    print(f"{'':29}{before:>11}   {after:>13}   ratio")
    print(f"API requests                 {base_requests:>11}   {our_requests:>13}   "
          f"{our_requests / base_requests:5.2f}")
    print(f"seconds on loopback          {base_seconds:>11.2f}   {our_seconds:>13.2f}   "
          f"{our_seconds / base_seconds:5.2f}")
    print(f"minutes at pushsmm's 60/min  {base_requests / 60:>11.1f}   {our_requests / 60:>13.1f}")


def main() -> None:
    flows = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    ours = deploy(flows)
    compare(f"deploying {flows} flows: the website lookup cache (create answers with the whole flow)",
            "no cache", "this provider", deploy(flows, cached_lookups=False), ours)
    compare(f"deploying {flows} flows: the create answer (this provider, cached lookups)",
            "id only", "whole flow", deploy(flows, create_response="id"), ours)


if __name__ == "__main__":
    main()
