"""SQLite storage of the emulator: the tables, and rows to records and back; no rules live here."""

from __future__ import annotations

import json
import sqlite3
import threading
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, Final, TypeVar

from .cleaning import storable_id
from .exceptions import ResourceNotFound
from .records import Account, Flow, Segment, StoredImage, Website

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash TEXT NOT NULL UNIQUE,
    api_access INTEGER NOT NULL DEFAULT 1,
    flows_limit INTEGER NOT NULL DEFAULT -1,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS websites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    pixel_key TEXT NOT NULL,
    name TEXT NOT NULL,
    scheme TEXT NOT NULL,
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    is_enabled INTEGER NOT NULL,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    website_id INTEGER NOT NULL REFERENCES websites(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    settings TEXT NOT NULL,
    total_subscribers INTEGER NOT NULL DEFAULT 0,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES accounts(id),
    website_id INTEGER NOT NULL,
    segment TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT NOT NULL,
    image TEXT,
    settings TEXT NOT NULL,
    wait_time INTEGER NOT NULL,
    wait_time_type TEXT NOT NULL,
    is_enabled INTEGER NOT NULL,
    total_sent_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_displayed_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_clicked_push_notifications INTEGER NOT NULL DEFAULT 0,
    total_closed_push_notifications INTEGER NOT NULL DEFAULT 0,
    last_sent_datetime TEXT,
    last_datetime TEXT,
    datetime TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS images (
    name TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
"""

# Each table's rows are one record type; the columns are the record's fields.
RECORDS: Final[Mapping[str, type[Any]]] = {
    "accounts": Account,
    "websites": Website,
    "segments": Segment,
    "flows": Flow,
    "images": StoredImage,
}
TABLES: Final[Mapping[type[Any], str]] = {record: table for table, record in RECORDS.items()}
Owned = TypeVar("Owned", Website, Segment, Flow)  # the records an account owns, by ``user_id``
# Children first, so a wipe never breaks a reference.
_WIPE_ORDER: Final = ("images", "flows", "segments", "websites", "accounts")

R = TypeVar("R")


def _kinds(record: type[Any]) -> dict[str, Any]:
    """Each field's base type, which says how it is stored: ``dict`` as JSON text, ``bool`` as 0/1."""
    hints = typing.get_type_hints(record)
    return {name: typing.get_origin(hint) or hint for name, hint in hints.items()}


_KINDS: Final = {record: _kinds(record) for record in RECORDS.values()}


def from_row(record: type[R], row: sqlite3.Row) -> R:
    """The record a row holds, its fields read back from their stored form."""
    kinds = _KINDS[record]
    values: dict[str, Any] = {}
    for name in row.keys():  # noqa: SIM118 - sqlite3.Row is not a mapping
        value = row[name]
        if kinds[name] is dict:
            value = json.loads(value)
        elif kinds[name] is bool:
            value = bool(value)
        elif kinds[name] is bytes:
            value = bytes(value)
        values[name] = value
    return record(**values)


def to_columns(record: type[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Field values in their stored form (JSON text for objects, 0/1 for booleans)."""
    kinds = _KINDS[record]
    return {
        name: json.dumps(value) if kinds[name] is dict else int(value) if kinds[name] is bool else value
        for name, value in values.items()
    }


class Store:
    """The SQLite database and the one lock every reader and writer holds.

    ``db_path=None`` keeps the data in a private in-memory database; a path
    makes it survive restarts. Reads hold ``lock``; writes use ``writing()``.
    """

    def __init__(self, db_path: str | None) -> None:
        self.lock = threading.RLock()
        self._write_depth = 0
        self._db = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)
        for table, record in RECORDS.items():
            columns = [row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")]
            if columns != [item.name for item in fields(record)]:
                self._db.close()
                raise RuntimeError(f"table {table} does not hold {record.__name__} records: {columns}")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock for a write: commit when the outermost write ends, roll back if it fails."""
        with self.lock:
            self._write_depth += 1
            try:
                yield
            except BaseException:
                if self._write_depth == 1:
                    self._db.rollback()
                raise
            else:
                if self._write_depth == 1:
                    self._db.commit()
            finally:
                self._write_depth -= 1

    def close(self) -> None:
        """Close the database."""
        with self.lock:
            self._db.close()

    def wipe(self) -> None:
        """Delete every row; ids start again at 1."""
        for table in _WIPE_ORDER:
            self._db.execute(f"DELETE FROM {table}")
        self._db.execute("DELETE FROM sqlite_sequence")

    # --- rows as records ----------------------------------------------------------------------------

    def one(self, record: type[R], row_id: int, user_id: int | None = None) -> R:
        """A record by id (and owner, unless ``user_id`` is None); anything else is ``ResourceNotFound``."""
        if storable_id(row_id) is None:
            raise ResourceNotFound()
        where = "id = ?"
        params = [row_id]
        if user_id is not None:
            where += " AND user_id = ?"
            params.append(user_id)
        with self.lock:
            row = self._db.execute(f"SELECT * FROM {TABLES[record]} WHERE {where}", params).fetchone()
        if row is None:
            raise ResourceNotFound()
        return from_row(record, row)

    def insert(self, record: type[Any], values: Mapping[str, Any]) -> int:
        """Add a row from field values; its new id."""
        columns = to_columns(record, values)
        marks = ", ".join("?" for _ in columns)
        cursor = self._db.execute(
            f"INSERT INTO {TABLES[record]} ({', '.join(columns)}) VALUES ({marks})", tuple(columns.values())
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update(self, record: type[Any], row_id: int, values: Mapping[str, Any]) -> None:
        """Overwrite some fields of one row."""
        columns = to_columns(record, values)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        self._db.execute(f"UPDATE {TABLES[record]} SET {assignments} WHERE id = ?", (*columns.values(), row_id))

    def delete(self, record: type[Any], row_id: int) -> None:
        """Delete one row."""
        self._db.execute(f"DELETE FROM {TABLES[record]} WHERE id = ?", (row_id,))

    def page(
        self, record: type[Owned], user_id: int, website_id: int | None, size: int, number: int
    ) -> tuple[int, list[Owned]]:
        """The account's row count and one page of its records, in id order (optionally of one website)."""
        where: str = "user_id = ?"
        params: list[int] = [user_id]
        if website_id is not None:
            where += " AND website_id = ?"
            params.append(website_id)
        table = TABLES[record]
        with self.lock:
            (total,) = self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()
            rows = self._db.execute(
                f"SELECT * FROM {table} WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
                (*params, size, (number - 1) * size),
            ).fetchall()
        return int(total), [from_row(record, row) for row in rows]

    def count(self, record: type[Owned], user_id: int) -> int:
        """How many records an account has."""
        return self.page(record, user_id, None, 0, 1)[0]

    def all_of(self, record: type[Owned], user_id: int) -> list[Owned]:
        """Every record of an account, in id order."""
        return self.page(record, user_id, None, -1, 1)[1]  # LIMIT -1: no limit

    # --- lookups ----------------------------------------------------------------------------------

    def account_by_key_hash(self, key_hash: str) -> Account | None:
        """The account of a hashed key, or None."""
        row = self._db.execute("SELECT * FROM accounts WHERE key_hash = ?", (key_hash,)).fetchone()
        return from_row(Account, row) if row is not None else None

    def account_ids(self) -> list[int]:
        """Every account id, in order."""
        return [int(row["id"]) for row in self._db.execute("SELECT id FROM accounts ORDER BY id")]

    def website_ids(self, user_id: int) -> list[int]:
        """The account's website ids, in order."""
        rows = self._db.execute("SELECT id FROM websites WHERE user_id = ? ORDER BY id", (user_id,))
        return [int(row["id"]) for row in rows]

    def segment_in_website(self, segment_id: int, website_id: int) -> bool:
        """Whether the segment exists and belongs to the website."""
        row = self._db.execute(
            "SELECT id FROM segments WHERE id = ? AND website_id = ?", (segment_id, website_id)
        ).fetchone()
        return row is not None

    # --- images -------------------------------------------------------------------------------------

    def put_image(self, image: StoredImage) -> None:
        """Store an accepted upload."""
        self._db.execute(
            "INSERT INTO images (name, content_type, data) VALUES (?, ?, ?)",
            (image.name, image.content_type, image.data),
        )

    def image(self, name: str) -> StoredImage:
        """An uploaded image by name; ``ResourceNotFound`` when there is none."""
        with self.lock:
            row = self._db.execute("SELECT * FROM images WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ResourceNotFound()
        return from_row(StoredImage, row)

    def delete_image(self, name: str) -> None:
        """Forget an uploaded image."""
        self._db.execute("DELETE FROM images WHERE name = ?", (name,))
