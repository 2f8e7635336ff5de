"""Data survives a restart on the same database file; without a file, nothing is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import requests

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A, KEY_B, TIMEOUT, created, get, png_bytes

pytestmark = pytest.mark.integration


def test_a_new_server_on_the_same_db_file_has_the_same_data(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with EmulatorServer(api_keys=[KEY_A, KEY_B], db_path=db, rate_limit=0) as first:
        accounts = first.accounts
        flow = created(first, title="Keep me", files={"image": ("a.png", png_bytes())})
        image_path = flow["image_url"].split("/", 3)[3]
        extra = first.add_account("later-key")
    assert db.is_file() and KEY_A.encode() not in db.read_bytes()  # keys are stored hashed

    with EmulatorServer(api_keys=[KEY_A, KEY_B], db_path=db, rate_limit=0) as second:
        assert second.accounts == accounts
        again = get(second, f"/flows/{flow['id']}").json()["data"]
        assert again == {**flow, "image_url": again["image_url"]}
        assert again["image_url"].endswith(image_path)
        assert requests.get(again["image_url"], timeout=TIMEOUT).content == png_bytes()
        assert get(second, "/websites", "later-key").json()["data"][0]["id"] == extra["website_ids"][0]
        assert created(second)["id"] == flow["id"] + 1


def test_keys_added_on_restart_get_new_accounts_and_old_ones_are_not_reseeded(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with EmulatorServer(api_keys=[KEY_A], db_path=db, rate_limit=0) as first:
        a = first.accounts[0]
    with EmulatorServer(api_keys=[KEY_B, KEY_A], db_path=db, rate_limit=0) as second:
        assert second.accounts[1] == a
        assert second.accounts[0]["user_id"] == a["user_id"] + 1
        assert len(get(second, "/websites").json()["data"]) == 2


def test_without_a_db_file_each_server_starts_empty() -> None:
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0) as first:
        created(first)
    with EmulatorServer(api_keys=[KEY_A], rate_limit=0) as second:
        assert get(second, "/flows").json()["data"] == []


def test_stop_and_start_again_on_a_file(tmp_path: Path) -> None:
    server = EmulatorServer(api_keys=[KEY_A], db_path=tmp_path / "x.db", rate_limit=0)
    server.start()
    flow_id = created(server)["id"]
    server.stop()
    server.start()
    try:
        assert get(server, f"/flows/{flow_id}").status_code == 200
    finally:
        server.stop()


def test_a_db_file_whose_tables_do_not_hold_the_records_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE flows (id INTEGER PRIMARY KEY, title TEXT)")
    connection.close()
    with pytest.raises(RuntimeError, match="table flows does not hold Flow records"):
        EmulatorServer(api_keys=[KEY_A], db_path=db).start()
