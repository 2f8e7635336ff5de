"""One key's budget shared by the processes of a machine: a locked file named by a digest, never by the key.

Two limiters on two ``SharedBudget``s of one file are what two provider processes have; the
3-stacks engine test (tests/rate_limit/test_fleet_engine.py) runs real ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import stat
import subprocess
from pathlib import Path

import pytest

from pulumi_pushsmm.session import forget_sessions, resolve_settings, session_for
from pulumi_pushsmm.shared_budget import LocalBudget, SharedBudget, budget_file, shared_budget
from pulumi_pushsmm.transport import RateLimiter
from tests.rate_limit.helpers import START, FakeTime, WindowServer, headers

pytestmark = pytest.mark.unit

KEY = "shared-budget-key-DO-NOT-LEAK"
URL = "http://127.0.0.1:7/api"


def limiters(fake: FakeTime, budgets: list[SharedBudget] | list[LocalBudget], rpm: int | None = None,
             ) -> list[RateLimiter]:
    return [RateLimiter(rpm, clock=fake.clock, sleep=fake.sleep, budget=budget) for budget in budgets]


def test_two_processes_on_one_key_never_send_more_than_the_window_allows(tmp_path: Path) -> None:
    path = tmp_path / "budget.json"
    fake = FakeTime()
    server = WindowServer(fake, latency=0.002)
    server.run(limiters(fake, [SharedBudget(path), SharedBudget(path)]), threads_each=8, requests_each=13)
    assert server.over == 0 and server.served == 208


def test_each_process_alone_would_overshoot(tmp_path: Path) -> None:
    """The control: the same two processes, each pacing on its own, send more than the window allows."""
    fake = FakeTime()
    server = WindowServer(fake, latency=0.002)
    server.run(limiters(fake, [LocalBudget(), LocalBudget()]), threads_each=8, requests_each=13)
    assert server.over > 0


def test_an_answer_one_process_got_teaches_the_other(tmp_path: Path) -> None:
    fake = FakeTime()
    first, second = limiters(fake, [SharedBudget(tmp_path / "b.json"), SharedBudget(tmp_path / "b.json")])
    first.acquire()
    first.observe(headers(0, START + 30))
    second.acquire()  # knows the window is used up although it never had an answer
    assert fake.sleeps == [pytest.approx(30.1)]


def test_requests_per_minute_counts_every_process(tmp_path: Path) -> None:
    fake = FakeTime()
    first, second = limiters(fake, [SharedBudget(tmp_path / "b.json"), SharedBudget(tmp_path / "b.json")], rpm=3)
    first.acquire()
    second.acquire()
    first.acquire()
    assert fake.sleeps == []
    second.acquire()  # the fourth request of the minute, from either process, waits for the first to age out
    assert fake.sleeps == [pytest.approx(60)]


def test_requests_in_flight_of_a_process_that_is_gone_no_longer_count(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    path = tmp_path / "b.json"
    budget = SharedBudget(path)
    with budget.transaction() as state:
        state.limit, state.lowest, state.reset = 60, 50, START + 30
        state.in_flight = {f"{gone.pid}.dead": 40, "1.init": 5}  # a killed provider's; pid 1 is alive
    fake = FakeTime()
    (limiter,) = limiters(fake, [budget])
    assert limiter.remaining() == 45
    assert json.loads(path.read_text())["in_flight"] == {"1.init": 5}


def test_a_torn_file_is_read_as_nothing_known(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"format": 1, "limit": 60, "res')  # a writer killed in the middle
    fake = FakeTime()
    (limiter,) = limiters(fake, [SharedBudget(path)])
    assert limiter.remaining() is None
    limiter.acquire()
    assert fake.sleeps == [] and json.loads(path.read_text())["format"] == 1


def test_the_file_is_named_by_a_digest_is_private_and_holds_no_key(tmp_path: Path) -> None:
    forget_sessions()
    settings = resolve_settings(base_url=URL, api_key=KEY, env={"PUSHSMM_RATE_LIMIT_DIR": str(tmp_path / "d")})
    limiter = session_for(settings).limiter
    forget_sessions()
    budget = limiter.budget
    assert isinstance(budget, SharedBudget) and budget.path == budget_file(tmp_path / "d", settings.ident)
    limiter.acquire()
    limiter.observe(headers(59, START))
    written = budget.path.read_text()
    for secret in (KEY, hashlib.sha256(KEY.encode()).hexdigest(), URL, "127.0.0.1"):
        assert secret not in budget.path.name and secret not in written
    assert stat.S_IMODE(budget.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(budget.path.parent.stat().st_mode) == 0o700
    other = budget_file(tmp_path / "d", resolve_settings(base_url=URL, api_key="another-key", env={}).ident)
    assert other != budget.path  # another account, another budget


@pytest.mark.parametrize(("env", "folder"), [
    pytest.param({"XDG_CACHE_HOME": "/c", "HOME": "/h"}, "/c/pulumi-pushsmm/rate-limit", id="xdg-cache-home"),
    pytest.param({"HOME": "/h"}, "/h/.cache/pulumi-pushsmm/rate-limit", id="home"),
    pytest.param({"PULUMI_PUSHSMM_CACHE": "/p", "XDG_CACHE_HOME": "/c"}, "/p/rate-limit", id="the-projects-cache"),
    pytest.param({"PUSHSMM_RATE_LIMIT_DIR": "/r", "HOME": "/h"}, "/r", id="the-setting"),
    pytest.param({"PUSHSMM_RATE_LIMIT_DIR": "off"}, None, id="off"),
])
def test_where_the_budgets_are_shared(env: dict[str, str], folder: str | None) -> None:
    assert resolve_settings(env=env).rate_limit_dir == folder


def test_off_paces_this_process_alone() -> None:
    assert isinstance(shared_budget(None, ("u", "k")), LocalBudget)


def test_a_folder_that_cannot_be_used_paces_this_process_alone_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a-file").write_text("")
    with caplog.at_level(logging.WARNING, logger="pulumi_pushsmm"):
        budget = shared_budget(str(tmp_path / "a-file" / "below"), ("u", "k"))
    assert isinstance(budget, LocalBudget)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "paces on the server's headers alone" in caplog.records[0].getMessage()
