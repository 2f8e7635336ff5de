"""``Account``: the settings of one pushsmm account (API key and base URL), for programs that use several.

Pass it as ``account=`` to :class:`~pulumi_pushsmm.Flow`,
:class:`~pulumi_pushsmm.FlowSequence` and the lookups. Without it, they use the
stack config (``pushsmm:apiKey``, ``pushsmm:baseUrl``) with its environment
fallback.
"""

from __future__ import annotations

from typing import Any

import pulumi

from .names import DEFAULT_BASE_URL


class Account:
    """One pushsmm account: ``Account(api_key=config.require_secret("shopKey"), base_url=...)``.

    ``api_key`` may be a plain string or an ``Output`` (such as a secret from
    stack config); either way it is held as a Pulumi secret: a flow records it
    encrypted in the state, never in plain text. ``base_url`` defaults to the
    real service, ``https://pushsmm.com/api``.
    """

    def __init__(self, api_key: pulumi.Input[str], base_url: pulumi.Input[str] | None = None) -> None:
        if api_key is None or (isinstance(api_key, str) and not api_key.strip()):
            raise pulumi.RunError("Account: api_key must be the account's pushsmm API key; got an empty value")
        self.api_key: pulumi.Input[str] = api_key
        self.base_url: pulumi.Input[str] = base_url or DEFAULT_BASE_URL

    @property
    def secret_api_key(self) -> pulumi.Output[str]:
        """The key as a secret Output, whatever form it was given in."""
        return pulumi.Output.secret(self.api_key)

    def plain(self, what: str) -> tuple[str, str]:
        """``(base_url, api_key)`` as plain strings, for the plain (not ``_output``) lookups.

        ``what`` names the caller in the error when either is an Output.
        """
        if not isinstance(self.api_key, str) or not isinstance(self.base_url, str):
            raise pulumi.RunError(
                f"{what}: this account's api_key or base_url is an Output, which a plain lookup cannot wait for; "
                f"use {what}_output(...), which takes and returns Outputs"
            )
        return self.base_url, self.api_key

    def __repr__(self) -> str:
        return f"Account(base_url={self.base_url!r})"  # never the key

    def __getstate__(self) -> dict[str, Any]:
        # An Account is never pickled with its key (e.g. captured by a provider closure).
        return {"base_url": self.base_url if isinstance(self.base_url, str) else None}
