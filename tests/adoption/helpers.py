"""Shared pieces of the adoption tests: making flows straight through the API, and reading what the CLI printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from pulumi import automation as auto

from pulumi_pushsmm.emulator import EmulatorServer


def make_flow(server: EmulatorServer, key: str, image: Path | None = None, **fields: Any) -> int:
    """Create a flow directly through the API, as the pushsmm dashboard would, and return its id."""
    form = {"description": "Made by hand", "wait_time": 1, "wait_time_type": "days", **fields}
    files: dict[str, Any] = {k: (None, str(v)) for k, v in form.items()}
    if image is not None:
        files["image"] = (image.name, image.read_bytes(), "image/png")
    response = requests.post(f"{server.base_url}/flows", files=files,
                             headers={"Authorization": f"Bearer {key}"}, timeout=10)
    response.raise_for_status()
    return int(response.json()["data"]["id"])


def account_config(server: EmulatorServer, key: str) -> dict[str, auto.ConfigValue]:
    """Stack config pointing the provider at one emulator account."""
    return {"pushsmm:apiKey": auto.ConfigValue(key, secret=True),
            "pushsmm:baseUrl": auto.ConfigValue(server.base_url)}


def writes(server: EmulatorServer) -> list[str]:
    """The write requests the emulator logged."""
    return [f"{r['method']} {r['path']}" for r in server.request_log() if r["method"] in ("POST", "DELETE")]


class Printed:
    """Everything the CLI printed, stdout and stderr."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @property
    def io(self) -> dict[str, Any]:
        """Callbacks for an automation API call."""
        return {"on_output": self.lines.append, "on_error": self.lines.append}

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def planned_flow_ops(stack: auto.Stack, printed: Printed) -> dict[str, str]:
    """Preview, returning each Flow's planned operation by resource name."""
    found: dict[str, str] = {}

    def on_event(event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre and pre.metadata.type.endswith("pushsmm:Flow"):
            found[pre.metadata.urn.split("::")[-1]] = pre.metadata.op.value

    stack.preview(on_event=on_event, **printed.io)
    return found
