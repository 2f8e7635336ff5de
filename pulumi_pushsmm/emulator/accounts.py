"""Accounts of the emulated service: API keys (kept only as hashes), API access, plan limits, websites, segments.

The backend part that answers "whose key is this?" and seeds what an account
owns before any flow exists; websites and segments cannot be created through
the real API, so tests make them here, through the admin surface.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .exceptions import InvalidAdminRequest, NoApiAccess
from .records import Account, AccountInfo, Segment, Website
from .shared import BackendState


def key_hash(api_key: str) -> str:
    """How a key is kept and looked up: its SHA-256, never the key itself."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


class AccountRules(BackendState):
    """Accounts, their keys and their websites and segments (a part of ``EmulatorBackend``)."""

    def ensure_account(
        self, api_key: str, *, websites: int = 2, api_access: bool = True, flows_limit: int = -1
    ) -> tuple[AccountInfo, bool]:
        """The account of ``api_key``, made and seeded when new; the flag says whether it was made."""
        if not api_key:
            raise InvalidAdminRequest("api_key must not be empty.")
        if websites < 1:
            raise InvalidAdminRequest("An account needs at least one website.")
        hashed = key_hash(api_key)
        with self._store.writing():
            account = self._store.account_by_key_hash(hashed)
            if account is not None:
                return self.account_info(account.id), False
            user_id = self._store.insert(
                Account,
                {"key_hash": hashed, "api_access": api_access, "flows_limit": flows_limit, "datetime": self._now()},
            )
            for number in range(1, websites + 1):
                website = self.add_website(user_id, name=f"Website {number}")
                self.add_segment(user_id, website.id, name=f"Engaged subscribers of website {number}")
            return self.account_info(user_id), True

    def find_account(self, api_key: str) -> AccountInfo | None:
        """The account of a key, or None when the key has none (nothing is created)."""
        with self._lock:
            account = self._store.account_by_key_hash(key_hash(api_key))
            return self.account_info(account.id) if account is not None else None

    def accounts(self) -> list[AccountInfo]:
        """Every account."""
        with self._lock:
            return [self.account_info(user_id) for user_id in self._store.account_ids()]

    def account_info(self, user_id: int) -> AccountInfo:
        """User id, website ids and segment ids (by website id, as a string) of one account."""
        with self._lock:
            self._account(user_id)
            website_ids = self._store.website_ids(user_id)
            segment_ids: dict[str, list[int]] = {str(w): [] for w in website_ids}
            for segment in self._store.all_of(Segment, user_id):
                segment_ids.setdefault(str(segment.website_id), []).append(segment.id)
            return {"user_id": user_id, "website_ids": website_ids, "segment_ids": segment_ids}

    def update_account(
        self, user_id: int, *, api_access: bool | None = None, flows_limit: int | None = None,
        api_key: str | None = None,
    ) -> dict[str, Any]:
        """Switch an account's API access, set its plan's flow limit (-1 = unlimited), or rotate its key.

        A new ``api_key`` replaces the old one, which stops working, as regenerating a key in the
        dashboard does; the account and its data stay.
        """
        if api_key is not None and not api_key:
            raise InvalidAdminRequest("api_key must not be empty.")
        given = {"api_access": api_access, "flows_limit": flows_limit,
                 "key_hash": key_hash(api_key) if api_key else None}
        with self._store.writing():
            self._account(user_id)
            changes = {name: value for name, value in given.items() if value is not None}
            if changes:
                self._store.update(Account, user_id, changes)
            account = self._account(user_id)
            return {**self.account_info(user_id), "api_access": account.api_access, "flows_limit": account.flows_limit}

    def authenticate(self, api_key: str) -> int:
        """The user id of an active key with API access; anything else is ``NoApiAccess``."""
        with self._lock:
            account = self._store.account_by_key_hash(key_hash(api_key))
        if account is None or not account.api_access:
            raise NoApiAccess()
        return account.id

    # --- websites and segments ----------------------------------------------------------------------

    def add_website(
        self,
        user_id: int,
        *,
        name: str | None = None,
        scheme: str = "https://",
        host: str | None = None,
        path: str = "/",
        is_enabled: bool = True,
    ) -> Website:
        """Add a website to an account (websites cannot be created through the API)."""
        with self._store.writing():
            self._account(user_id)
            # The id is known only after the insert; the pixel key and the default name and host derive from it.
            website_id = self._store.insert(
                Website,
                {
                    "user_id": user_id,
                    "pixel_key": "",
                    "name": "",
                    "scheme": scheme,
                    "host": "",
                    "path": path,
                    "is_enabled": is_enabled,
                    "datetime": self._now(),
                },
            )
            self._store.update(
                Website,
                website_id,
                {
                    "pixel_key": hashlib.sha256(f"pixel-{website_id}".encode()).hexdigest()[:32],
                    "name": name or f"Website {website_id}",
                    "host": host or f"site{website_id}.example.test",
                },
            )
            return self.one_of(Website, user_id=user_id, record_id=website_id)

    def add_segment(
        self,
        user_id: int,
        website_id: int,
        *,
        name: str | None = None,
        type: str = "filter",
        settings: Mapping[str, Any] | None = None,
    ) -> Segment:
        """Add a segment to one of the account's websites."""
        with self._store.writing():
            if website_id not in self._store.website_ids(user_id):
                raise InvalidAdminRequest(f"Website {website_id} does not belong to user {user_id}.")
            segment_id = self._store.insert(
                Segment,
                {
                    "user_id": user_id,
                    "website_id": website_id,
                    "name": name or "Segment",
                    "type": type,
                    "settings": dict(settings) if settings is not None else {"filters": []},
                    "datetime": self._now(),
                },
            )
            return self.one_of(Segment, user_id=user_id, record_id=segment_id)
