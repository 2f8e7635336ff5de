"""`make demo`'s table of flows: printed by rich from the emulator's list, one row per flow, waits in words."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from scripts import demo
from tests.support import make_flow, table_rows

pytestmark = pytest.mark.integration


def test_the_table_shows_each_flow_with_its_wait_in_correct_words(capsys: pytest.CaptureFixture[str]) -> None:
    with EmulatorServer(api_keys=[demo.DEMO_API_KEY], rate_limit=0, seed=31) as server:
        waits = [(1, "days"), (7, "days"), (1, "hours"), (10, "minutes"), (1, "minutes"), (36, "hours")]
        ids = [make_flow(server, demo.DEMO_API_KEY, website_id=1, name=f"Flow {n}", title=f"Title {n}", wait_time=w,
                         wait_time_type=u, ttl=86400, is_enabled=int(n != 2)) for n, (w, u) in enumerate(waits)]
        demo.show(demo.flows_table(demo.account_flows(server.base_url)))
    rows = table_rows(capsys.readouterr().out, demo.COLUMNS)
    assert [row[:8] for row in rows] == [
        [str(i), "1", f"Flow {n}", f"Title {n}", wait, "86400", "no" if n == 2 else "yes", "no"]
        for n, (i, wait) in enumerate(zip(ids, ["1 day", "7 days", "1 hour", "10 minutes", "1 minute", "36 hours"],
                                              strict=True))]
    assert {tuple(row[8:]) for row in rows} == {("0", "0", "0", "0")}  # no subscriber has joined yet


@pytest.mark.parametrize(("count", "unit", "words"), [
    (1, "days", "1 day"), (2, "days", "2 days"), (1, "hours", "1 hour"), (0, "minutes", "0 minutes"),
])
def test_plurals(count: int, unit: str, words: str) -> None:
    assert demo.plural(count, unit) == words
