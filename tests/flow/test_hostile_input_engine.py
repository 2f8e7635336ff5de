"""Hostile input is refused at preview, naming the field, with no traceback and no write: real CLI, 48 cases."""

from __future__ import annotations

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.cli_stack import HOSTILE_PROGRAM, Account, Admin, CliStack

pytestmark = pytest.mark.engine


def hostile_cases(folder: Path, site: int, other_site: int, other_segment: int) -> list[tuple[str, dict[str, Any]]]:
    """(field that must be named, the inputs that differ from a valid flow): at least 40 cases."""
    fifo, big = folder / "pipe.png", folder / "big.png"
    os.mkfifo(fifo)
    with big.open("wb") as handle:  # sparse: 3 MB on paper, nothing on disk
        handle.truncate(3 * 1024 * 1024)
    (folder / "folder.png").mkdir()
    (folder / "fake.png").write_bytes(b"GIF89a not a png at all")
    (folder / "link.png").symlink_to(fifo)
    (folder / "biglink.jpg").symlink_to(big)
    (folder / "device.png").symlink_to("/dev/zero")
    (folder / "loop.png").symlink_to(folder / "loop.png")
    images = ("pipe.png", "link.png", "folder.png", "device.png", "big.png", "biglink.jpg", "fake.png", "loop.png",
              "missing.png", "notes.txt")
    # One field at a time: each value must be refused, naming that field.
    refused: dict[str, list[Any]] = {
        "title": ["Null\x00byte", "Bell\x07", "\x1b[31mred\x1b[0m", "Evil\u202etxt.exe", "Lone \ud800 surrogate",
                  "<b>bold</b>", " padded", "x" * 65, ""],
        "description": ["Line\nbreak", "Isolate\u2066here\u2069", "\udfff", "Next line\x85C1"],
        "name": ["\u202aEmbedded", "Tab\there", "Surrogate \udbff name", "Delete\x7f"],
        "url": ["https://example.com/\u202e", "javascript:alert(1)", "https://example.com/a b"],
        "utm_source": ["src\x1b"],
        "utm_medium": ["med\u2069"],
        "utm_campaign": ["camp\x00"],
        "image": [str(folder / name) for name in images],
        "ttl": [1234],
        "urgency": ["urgent"],
        "wait_time": [0],
        "wait_time_type": ["weeks"],
        "website_id": [0, "1", other_site],
        "segment": [other_segment, 999999, "some"],
        "is_silent": ["yes"],
    }
    together = [  # fields that are only wrong together with another
        ("button_title_1", {"button_title_1": "Go\u202d", "button_url_1": "https://example.com/b"}),
        ("button_title_1", {"button_url_1": "https://example.com/b"}),
        ("button_url_1", {"button_title_1": "Go", "button_url_1": "https://example.com/\x00"}),
        ("wait_time", {"wait_time": 91, "wait_time_type": "days"}),
    ]
    return [(field, {field: value}) for field, values in refused.items() for value in values] + together


def test_hostile_input_is_refused_at_preview_with_no_write(tmp_path: Path, admin: Admin) -> None:
    account, other = Account(admin), Account(admin)
    info = admin.call("GET", "/accounts")["accounts"]
    segments = {int(a["user_id"]): a["segment_ids"] for a in info}
    other_segment = int(segments[other.user_id][str(other.site)][0])
    folder = tmp_path / "files"
    folder.mkdir()
    cases = hostile_cases(folder, account.site, other.site, other_segment)
    assert len(cases) >= 40
    valid = {"website_id": account.site, "name": "Hostile", "title": "Hi", "description": "Hello", "wait_time": 5,
             "wait_time_type": "minutes"}
    stack = CliStack(tmp_path / "stack", program=HOSTILE_PROGRAM,
                     config={"pushsmm:baseUrl": admin.base_url}, secrets={"pushsmm:apiKey": account.key})
    (stack.project / "cases.json").write_text(json.dumps([{"inputs": {**valid, **changes}} for _, changes in cases]))
    admin.clear_requests()

    def preview(index: int) -> tuple[int, float, subprocess.CompletedProcess[str]]:
        started = time.monotonic()
        done = stack.run("preview", check=False, timeout=90, env={"HOSTILE_CASE": str(index)})
        return index, time.monotonic() - started, done

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(preview, range(len(cases))))
    problems = []
    for index, seconds, done in results:
        field, changes = cases[index]
        printed = done.stdout + done.stderr
        if done.returncode == 0 or field not in printed or "Traceback" in printed or seconds > 60:
            problems.append(f"case {index} ({field}: {changes!r}) rc={done.returncode} {seconds:.0f}s:\n{printed}")
    assert problems == [], "\n\n".join(problems)
    assert [r for r in admin.requests() if r["method"] not in ("GET", "HEAD")] == []
    assert all(account.key not in text for text in stack.output)
