"""The emulator rotates an account's key like the dashboard does: the old key stops working, the data stays."""

from __future__ import annotations

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer

pytestmark = pytest.mark.integration


def test_a_rotated_key_replaces_the_old_one_and_keeps_the_account() -> None:
    with EmulatorServer(api_keys=["old-key"], rate_limit=0) as server:
        user_id = server.accounts[0]["user_id"]
        response = requests.patch(f"{server.admin_url}/accounts/{user_id}", json={"api_key": "new-key"}, timeout=10)
        assert response.status_code == 200 and response.json()["user_id"] == user_id
        assert "new-key" not in response.text

        def status(key: str) -> int:
            return requests.get(f"{server.base_url}/websites", headers={"Authorization": f"Bearer {key}"},
                                timeout=10).status_code

        assert (status("old-key"), status("new-key")) == (401, 200)
        empty = requests.patch(f"{server.admin_url}/accounts/{user_id}", json={"api_key": ""}, timeout=10)
        assert empty.status_code == 400 and status("new-key") == 200
