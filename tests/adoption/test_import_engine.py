"""Adopting a whole account: `pushsmm-pulumi import` writes a project whose first `pulumi up` creates nothing,
changes nothing and keeps every id, under the real engine against the emulator.

The flows are made straight through the API first, as the dashboard would: 28 of them over two websites,
with images, one or two buttons, segments, quotes and ampersands in text, every unit of wait, disabled
and silent ones, and names that several flows share.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ROOT, engine_env, make_flow, png_bytes, writes

pytestmark = pytest.mark.engine

KEY = "import-key-93be-DO-NOT-LEAK"


def varied_flows(server: EmulatorServer, image_dir: Path) -> list[int]:
    """28 flows of varied fields on the account's two websites; their ids."""
    account = server.accounts[0]
    sites = [int(w) for w in account["website_ids"]]
    segments = account["segment_ids"]
    images = []
    for n in range(3):
        path = image_dir / f"img{n}.png"
        path.write_bytes(png_bytes(2 + n, 2 + n))
        images.append(path)
    ids = []
    units = [("minutes", 30), ("hours", 5), ("days", 3)]
    for i in range(28):
        site = sites[i % 2]
        unit, amount = units[i % 3]
        fields: dict[str, Any] = {
            "website_id": site, "name": "Promo" if i % 7 == 0 else f"Flow {i}: Tom's \"deal\"",
            "title": f"Hi #{i} & \"friends\"", "description": f"It's number {i}", "wait_time": amount + i,
            "wait_time_type": unit, "url": f"https://site{site}.example/{i}",
        }
        if i % 4 == 1:
            fields |= {"button_title_1": "Open", "button_url_1": f"https://site{site}.example/b/{i}"}
        if i % 4 == 2:
            fields |= {"button_title_1": "Yes", "button_url_1": "https://e.example/y",
                       "button_title_2": "No", "button_url_2": "https://e.example/n"}
        if i % 5 == 0:
            segment_ids = segments[str(site)] if isinstance(segments, dict) else segments
            fields["segment"] = segment_ids[0]
        if i % 6 == 3:
            fields |= {"is_enabled": 0, "is_silent": 1, "is_auto_hide": 1}
        if i % 3 == 1:
            fields |= {"ttl": 86400, "urgency": "high", "utm_source": "news", "utm_medium": "push",
                       "utm_campaign": f"c{i}"}
        ids.append(make_flow(server, KEY, image=images[i % 3] if i % 3 == 0 else None, **fields))
    return ids


@pytest.fixture(scope="module")
def server(pulumi_bin_dir: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(api_keys=[KEY], rate_limit=0, seed=17) as emulator:
        yield emulator


def run_import(server: EmulatorServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PUSHSMM_API_KEY": KEY}
    return subprocess.run([sys.executable, "-m", "pulumi_pushsmm.cli", "import", "--base-url", server.base_url,
                           *args], env=env, capture_output=True, text=True, timeout=120)


def test_the_walkthrough_adopts_an_account_without_creating_or_changing_anything(server: EmulatorServer,
                                                                               tmp_path: Path) -> None:
    """examples/adopt_account/walkthrough.sh, run as its README says, against 28 hand-made flows."""
    ids = varied_flows(server, tmp_path)
    before = {f["id"]: f for f in server.flows_for(KEY)}
    assert len(before) == 28 and sum(1 for f in before.values() if f["image"]) == 10
    state = tmp_path / "state"
    state.mkdir()
    # As the walkthrough asks: the key and URL exported, and this test run's virtualenv activated.
    env = {**os.environ, **engine_env(state), "PUSHSMM_API_KEY": KEY, "PUSHSMM_BASE_URL": server.base_url,
           "VIRTUAL_ENV": sys.prefix}
    server.clear_request_log()
    done = subprocess.run([str(ROOT / "examples" / "adopt_account" / "walkthrough.sh"), "adopted"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    assert "28 flows (10 with images)" in printed and "+ 29 created" in printed  # the stack and 28 adopted
    assert "29 unchanged" in printed  # the preview after it
    assert KEY not in printed
    assert [w for w in writes(server)] == []  # nothing created, nothing changed, no image uploaded again
    assert {f["id"]: f for f in server.flows_for(KEY)} == before
    exported = json.loads(done.stdout[done.stdout.rindex("{"):])
    assert sorted(int(i) for i in exported.values()) == sorted(ids)

    out = tmp_path / "adopted"
    assert sorted(p.name for p in out.iterdir()) == ["Pulumi.adopted.yaml", "Pulumi.yaml", "__main__.py", "images",
                                                     "requirements.txt"]
    assert len(list((out / "images").iterdir())) == 10
    program = (out / "__main__.py").read_text()
    assert "flows['promo-1'] = Flow(" in program and "adopt_id=8," in program  # a shared name gets the id
    assert "flows['flow-1-tom-s-deal'] = Flow(" in program and "title='Hi #1 & \"friends\"'" in program
    assert KEY not in program + (out / "Pulumi.adopted.yaml").read_text()

    # The key is in the stack's config (a secret): a refresh from a new shell, with no PUSHSMM_* set, works.
    later = {k: v for k, v in env.items() if not k.startswith("PUSHSMM_")}
    refreshed = subprocess.run(["pulumi", "refresh", "--yes", "--skip-preview"], cwd=out, env=later,
                               capture_output=True, text=True, timeout=300)
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    assert "29 unchanged" in refreshed.stdout and writes(server) == []


def test_import_of_one_website_and_its_clear_errors(server: EmulatorServer, tmp_path: Path) -> None:
    site = int(server.accounts[0]["website_ids"][1])
    done = run_import(server, "--website-id", str(site), "--out", str(tmp_path / "one"))
    assert done.returncode == 0, done.stderr
    program = (tmp_path / "one" / "__main__.py").read_text()
    assert f"website_id={site}," in program and "website_id=1," not in program
    again = run_import(server, "--website-id", str(site), "--out", str(tmp_path / "one"))
    assert again.returncode == 1 and "is not empty; give a new or empty directory" in again.stderr
    unknown = run_import(server, "--website-id", "999", "--out", str(tmp_path / "none"))
    assert unknown.returncode == 1
    assert "pushsmm-pulumi import: --website-id 999 is not a website of this account; its websites are: 1 " \
           "(site1.example.test), 2 (site2.example.test)" in unknown.stderr
    assert "Traceback" not in unknown.stderr
