"""Lookups against the emulator over real HTTP: results, uniqueness errors, caching, settings, unserved lists."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from pulumi_pushsmm.account import Account
from pulumi_pushsmm.emulator import EmulatorServer
from pulumi_pushsmm.lookups import (
    LookupFailed,
    get_flow,
    get_flows,
    get_segment,
    get_segments,
    get_website,
    get_websites,
)
from pulumi_pushsmm.session import forget_sessions
from tests.support import KEY_A, make_flow

pytestmark = pytest.mark.integration

KEY = "lookup-key-A-DO-NOT-LEAK"
OTHER = "lookup-key-B-DO-NOT-LEAK"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(api_keys=[KEY, OTHER], rate_limit=0, seed=5) as server:
        site = int(server.accounts[0]["website_ids"][0])
        for name, title in [("Welcome", "Tom's \"deal\""), ("Tips", "Tips"), ("Tips", "Tips again")]:
            make_flow(server, KEY, website_id=site, name=name, title=title)
        user = int(server.accounts[0]["user_id"])
        for name in ("VIP", "Twice", "Twice"):
            server.add_segment(user, site, name=name)
        yield server


@pytest.fixture
def account(emulator: EmulatorServer) -> Account:
    forget_sessions()
    return Account(api_key=KEY, base_url=emulator.base_url)


def test_websites_and_website_by_host_and_id(emulator: EmulatorServer, account: Account) -> None:
    ids = [int(i) for i in emulator.accounts[0]["website_ids"]]
    websites = get_websites(account=account)
    assert [w.id for w in websites] == ids
    first = get_website(host=websites[0].host, account=account)
    assert first == websites[0] and first.host.endswith(".example.test")
    assert get_website(id=ids[1], account=account).id == ids[1]
    assert get_website(host=websites[0].host.upper(), account=account) == first


def test_a_unique_lookup_that_matches_nothing_lists_what_there_is(account: Account) -> None:
    with pytest.raises(LookupFailed, match=r"no website of this account has host 'nope.example'; its websites "
                                           r"are: \d+ \(site\d+\.example\.test\); \d+"):
        get_website(host="nope.example", account=account)
    with pytest.raises(LookupFailed, match="give exactly one of id= and host="):
        get_website(account=account)


def test_flows_by_website_and_name_with_quotes_read_back(emulator: EmulatorServer, account: Account) -> None:
    site = int(emulator.accounts[0]["website_ids"][0])
    flows = get_flows(website_id=site, account=account)
    assert [f.name for f in flows] == ["Welcome", "Tips", "Tips"]
    welcome = get_flow(name="Welcome", account=account)
    assert welcome.title == "Tom's \"deal\"" and welcome.inputs["title"] == "Tom's \"deal\""
    assert welcome.inputs["segment"] == "all" and welcome.wait_time_type == "days"
    assert get_flow(welcome.id, account=account) == welcome
    assert get_flows(name="Nothing", account=account) == []


def test_several_matches_are_listed(account: Account) -> None:
    with pytest.raises(LookupFailed, match=r"get_flow: 2 flows have name 'Tips': \d+ \('Tips', website \d+\); "
                                           r"\d+ .*look the flow up by id instead"):
        get_flow(name="Tips", account=account)


def test_an_unknown_flow_id_is_a_clear_error(account: Account) -> None:
    with pytest.raises(LookupFailed, match="get_flow: flow 999999 does not exist in this pushsmm account"):
        get_flow(999999, account=account)


def test_a_segment_is_found_by_name_on_its_website(emulator: EmulatorServer, account: Account) -> None:
    first, second = (int(i) for i in emulator.accounts[0]["website_ids"])
    seeded = int(emulator.accounts[0]["segment_ids"][str(first)][0])
    segments = get_segments(first, account=account)
    assert [s.name for s in segments] == [f"Engaged subscribers of website {first}", "VIP", "Twice", "Twice"]
    assert segments[0].id == seeded and {s.website_id for s in segments} == {first}
    vip = get_segment(first, name="VIP", account=account)
    assert vip == segments[1] and vip.type == "filter"
    # The other website's segments are its own: the same name there is another segment, or none.
    assert [s.website_id for s in get_segments(second, account=account)] == [second]
    with pytest.raises(LookupFailed, match=rf"get_segment: website {second} has no segment named 'VIP'; its "
                                           rf"segments are: \d+ \('Engaged subscribers of website {second}'\)$"):
        get_segment(second, name="VIP", account=account)


def test_a_segment_name_that_several_or_no_website_has_is_a_clear_error(emulator: EmulatorServer,
                                                                        account: Account) -> None:
    site = int(emulator.accounts[0]["website_ids"][0])
    with pytest.raises(LookupFailed, match=rf"get_segment: 2 segments of website {site} are named 'Twice': "
                                           r"\d+ \('Twice'\); \d+ \('Twice'\); give the flow the segment id"):
        get_segment(site, name="Twice", account=account)
    with pytest.raises(LookupFailed, match=r"get_segment: 999 is not a website of this account; its websites are: "
                                           r"\d+ \(site\d+\.example\.test\); "):
        get_segment(999, name="VIP", account=account)
    assert get_segments(999, account=account) == []


def test_segment_lookups_where_segments_are_not_served_name_the_answer(documented_server: EmulatorServer) -> None:
    forget_sessions()
    account = Account(api_key=KEY_A, base_url=documented_server.base_url)
    site = int(documented_server.accounts[0]["website_ids"][0])
    for lookup in (lambda: get_segments(site, account=account), lambda: get_segment(site, name="VIP", account=account)):
        with pytest.raises(LookupFailed, match=r"get_segments?: 127\.0\.0\.1:\d+ does not serve /segments, which is "
                                               r"not in pushsmm's published API reference \(it answered: .*HTTP 404: "
                                               r"The resource you are looking for does not exist\.\)"):
            lookup()


def test_lists_are_fetched_once_per_account(emulator: EmulatorServer, account: Account) -> None:
    emulator.clear_request_log()
    get_websites(account=account)
    get_website(host="site1.example.test", account=Account(api_key=KEY, base_url=emulator.base_url))
    get_flows(account=account)
    get_flow(name="Welcome", account=account)
    site = int(emulator.accounts[0]["website_ids"][0])
    get_segments(site, account=account)
    get_segment(site, name="VIP", account=account)
    paths = [r["path"] for r in emulator.request_log()]
    assert paths == ["/api/websites", "/api/flows", "/api/segments"]


def test_each_account_sees_its_own(emulator: EmulatorServer, account: Account) -> None:
    other = Account(api_key=OTHER, base_url=emulator.base_url)
    assert {w.id for w in get_websites(account=other)}.isdisjoint(w.id for w in get_websites(account=account))
    assert get_flows(account=other) == []


def test_settings_fall_back_to_the_environment(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch,
                                               account: Account) -> None:
    monkeypatch.setenv("PUSHSMM_API_KEY", KEY)
    monkeypatch.setenv("PUSHSMM_BASE_URL", emulator.base_url)
    assert get_websites() == get_websites(account=account)
    monkeypatch.delenv("PUSHSMM_API_KEY")
    with pytest.raises(LookupFailed, match=r"get_websites: the pushsmm API key is not set. Run `pulumi config"):
        get_websites()


def test_errors_never_show_the_key(emulator: EmulatorServer) -> None:
    forget_sessions()
    with pytest.raises(LookupFailed) as raised:
        get_websites(account=Account(api_key="wrong-key-DO-NOT-LEAK", base_url=emulator.base_url))
    assert "HTTP 401" in str(raised.value) and "DO-NOT-LEAK" not in str(raised.value)
    with pytest.raises(LookupFailed, match="plain http"):
        get_websites(account=Account(api_key=KEY, base_url="http://example.com/api"))


def test_plain_lookups_refuse_an_output_key_and_point_to_the_output_twin() -> None:
    import pulumi

    with pytest.raises(pulumi.RunError, match=r"use get_website_output\(\.\.\.\)"):
        get_website(host="x", account=Account(api_key=pulumi.Output.from_input("k")))


def test_importing_the_lookups_does_not_load_requests() -> None:
    code = "import sys, pulumi_pushsmm.lookups, pulumi_pushsmm.account; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
