"""The validators that refuse hostile text and files, without the engine (the engine test covers 48 cases)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pulumi_pushsmm.validation import validate_inputs
from pulumi_pushsmm.validators import encodable, no_control_characters, read_image_file
from tests.support import VALID, png_bytes

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\t", "\n", "\x7f", "\x85", "\x9f", "\u202a", "\u202e",
                                  "\u2066", "\u2069"])
def test_control_and_bidi_characters_are_refused_in_every_text_field(char: str) -> None:
    text_fields = ["name", "title", "description", "utm_source", "utm_medium", "utm_campaign"]
    failures = dict(validate_inputs({**VALID, **{f: f"a{char}b" for f in text_fields}}).failures)
    assert sorted(failures) == sorted(text_fields)
    assert all(f"U+{ord(char):04X}" in reason for reason in failures.values())


def test_plain_unicode_is_fine() -> None:
    assert no_control_characters("Grüße, 你好, emoji 🎉, RTL שלום") is None
    assert encodable("🎉") is None


def test_a_lone_surrogate_is_named() -> None:
    assert "lone surrogate U+D800 at position 2" in (encodable("ab\ud800") or "")


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    started = time.monotonic()
    problem, _ = read_image_file(str(fifo))
    assert time.monotonic() - started < 1
    assert problem and "FIFO" in problem


def test_a_symlink_is_resolved_before_the_checks(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    link = tmp_path / "small-looking.png"
    link.symlink_to(big)
    problem, data = read_image_file(str(link))
    assert problem and "big.png" in problem and "3145728 bytes" in problem and data == b""
    good = tmp_path / "good.png"
    good.write_bytes(png_bytes())
    (tmp_path / "good-link.png").symlink_to(good)
    assert read_image_file(str(tmp_path / "good-link.png")) == (None, png_bytes())


def test_directories_and_devices_are_not_regular_files(tmp_path: Path) -> None:
    (tmp_path / "dir.png").mkdir()
    (tmp_path / "dev.png").symlink_to("/dev/zero")
    assert "a directory" in (read_image_file(str(tmp_path / "dir.png"))[0] or "")
    assert "a device" in (read_image_file(str(tmp_path / "dev.png"))[0] or "")
