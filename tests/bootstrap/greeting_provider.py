"""A tiny dynamic provider in an importable module, used to prove the engine works offline."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider


class GreetingProvider(ResourceProvider):
    """Creates a 'greeting' whose id and message are derived from its inputs."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Make the greeting."""
        return CreateResult(f"greeting-{props['who']}", {"who": props["who"], "message": f"hello, {props['who']}"})
