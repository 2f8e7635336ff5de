"""Manage pushsmm web push automation flows as infrastructure as code with Pulumi.

``from pulumi_pushsmm import Flow`` in a Pulumi program manages one pushsmm flow;
the errors of its client and provider are in :mod:`pulumi_pushsmm.errors`.

The package loads lazily (PEP 562): ``Flow`` and ``FlowArgs`` bring in the
Pulumi SDK only when first asked for, so ``pulumi_pushsmm.emulator`` and
``pulumi_pushsmm.policies`` load without the Pulumi SDK, grpc, requests or the
provider.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .names import TYPE_TOKEN

if TYPE_CHECKING:
    from .account import Account
    from .errors import LookupFailed
    from .flow import Flow, FlowArgs
    from .lookups import (
        GetFlowResult,
        GetSegmentResult,
        GetWebsiteResult,
        get_flow,
        get_flow_output,
        get_flows,
        get_flows_output,
        get_segment,
        get_segment_output,
        get_segments,
        get_segments_output,
        get_website,
        get_website_output,
        get_websites,
        get_websites_output,
    )
    from .sequence import FlowSequence, FlowStep
    from .sequence_args import FlowSequenceArgs, FlowStepFields

# Public name -> the submodule that defines it, imported on first access.
_LAZY = {
    "Flow": "flow",
    "FlowArgs": "flow",
    "Account": "account",
    "FlowSequence": "sequence",
    "FlowSequenceArgs": "sequence_args",
    "FlowStep": "sequence",
    "FlowStepFields": "sequence_args",
    "GetFlowResult": "lookups",
    "GetSegmentResult": "lookups",
    "GetWebsiteResult": "lookups",
    "LookupFailed": "errors",
    "get_flow": "lookups",
    "get_flow_output": "lookups",
    "get_flows": "lookups",
    "get_flows_output": "lookups",
    "get_segment": "lookups",
    "get_segment_output": "lookups",
    "get_segments": "lookups",
    "get_segments_output": "lookups",
    "get_website": "lookups",
    "get_website_output": "lookups",
    "get_websites": "lookups",
    "get_websites_output": "lookups",
}

__all__ = [
    "TYPE_TOKEN",
    "Account",
    "Flow",
    "FlowArgs",
    "FlowSequence",
    "FlowSequenceArgs",
    "FlowStep",
    "FlowStepFields",
    "GetFlowResult",
    "GetSegmentResult",
    "GetWebsiteResult",
    "LookupFailed",
    "__version__",
    "get_flow",
    "get_flow_output",
    "get_flows",
    "get_flows_output",
    "get_segment",
    "get_segment_output",
    "get_segments",
    "get_segments_output",
    "get_website",
    "get_website_output",
    "get_websites",
    "get_websites_output",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
