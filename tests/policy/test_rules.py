"""Each flow rule as a pure function: a violating and a passing case, and its thresholds."""

from __future__ import annotations

from typing import Any

from pulumi_pushsmm import policies as p

GOOD: dict[str, Any] = {
    "website_id": 1, "name": "Welcome", "title": "Hi", "description": "d", "wait_time": 10,
    "wait_time_type": "minutes", "url": "https://example.com", "ttl": 86400, "segment": "all", "is_enabled": True,
    "utm_source": "pushsmm", "utm_medium": "push", "utm_campaign": "welcome",
    "button_title_1": "", "button_url_1": "", "button_title_2": "", "button_url_2": "",
}


def conf(name: str, **overrides: Any) -> dict[str, Any]:
    return p._config(name, overrides)


def flow(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


def test_https_urls() -> None:
    assert p.https_urls("w", flow(), {}) == []
    assert p.https_urls("w", flow(url="http://example.com", button_url_1="http://b.io"), {}) == [
        'Flow "w": url "http://example.com" must use https://',
        'Flow "w": button_url_1 "http://b.io" must use https://',
    ]


def test_buttons_complete() -> None:
    assert p.buttons_complete("w", flow(button_title_1="Go", button_url_1="https://x.io"), {}) == []
    assert p.buttons_complete("w", flow(button_title_1="Go"), {}) == [
        'Flow "w": button_title_1 is set but button_url_1 is empty']
    assert p.buttons_complete("w", flow(button_url_2="https://x.io", button_title_2="Two"), {}) == [
        'Flow "w": button_title_2 is set without button 1; use button 1 first']


def test_ttl_window_default_and_configured() -> None:
    assert p.ttl_window("w", flow(), conf("flow-ttl-window")) == []
    assert p.ttl_window("w", flow(ttl=900), conf("flow-ttl-window")) == [
        'Flow "w": ttl 900 seconds is outside the allowed window 3600-2419200 seconds']
    assert p.ttl_window("w", flow(ttl=0), conf("flow-ttl-window"))  # "now or never" is below an hour
    assert p.ttl_window("w", flow(), conf("flow-ttl-window", minSeconds=172800))


def test_wait_time_window_converts_units() -> None:
    assert p.wait_time_window("w", flow(wait_time=1, wait_time_type="days"), conf("flow-wait-time-window")) == []
    assert p.wait_time_window("w", flow(wait_time=2), conf("flow-wait-time-window")) == [
        'Flow "w": wait_time 2 minutes (2 minutes) is outside the allowed window 5-129600 minutes']
    assert p.wait_time_window("w", flow(wait_time=3, wait_time_type="hours"),
                              conf("flow-wait-time-window", maxMinutes=120))


def test_required_utm_tags() -> None:
    assert p.required_utm_tags("w", flow(), conf("flow-required-utm-tags")) == []
    assert p.required_utm_tags("w", flow(utm_campaign=""), conf("flow-required-utm-tags")) == [
        'Flow "w": utm_campaign is required but empty']
    assert p.required_utm_tags("w", flow(utm_campaign=""), conf("flow-required-utm-tags", tags=["utm_source"])) == []


def test_enabled_needs_landing_url() -> None:
    assert p.enabled_needs_landing_url("w", flow(), {}) == []
    assert p.enabled_needs_landing_url("w", flow(url="", is_enabled=False), {}) == []
    assert p.enabled_needs_landing_url("w", flow(url=""), {}) == [
        'Flow "w": url is empty but the flow is enabled; a click would lead nowhere']


def test_default_utm_tags_fill_only_what_is_missing() -> None:
    config = conf("flow-default-utm-tags")
    assert p.default_utm_tags("w", flow(), config) == {}
    assert p.default_utm_tags("w", flow(utm_source="", utm_campaign="", name="Tips & Tricks!"), config) == {
        "utm_source": "pushsmm", "utm_campaign": "tips-tricks"}
    assert p.default_utm_tags("w", flow(utm_medium=""), conf("flow-default-utm-tags", utm_medium="web-push")) == {
        "utm_medium": "web-push"}


def views(*flows: dict[str, Any]) -> list[p.FlowView]:
    return [p.FlowView(f"urn:{i}", f"f{i}", props) for i, props in enumerate(flows)]


def test_names_unique_per_website() -> None:
    assert p.names_unique_per_website(views(flow(), flow(name="Other"), flow(website_id=2)), {}) == []
    assert p.names_unique_per_website(views(flow(), flow()), {}) == [
        ("urn:1", 'Flow "f1": name "Welcome" is already used by Flow "f0" on website 1')]


def test_send_spacing() -> None:
    config = conf("flow-send-spacing")
    spaced = views(flow(), flow(wait_time=1, wait_time_type="hours"), flow(wait_time=12, segment=3))
    assert p.send_spacing(spaced, config) == []
    crowded = views(flow(), flow(name="Soon after", wait_time=12))
    assert p.send_spacing(crowded, config) == [(
        "urn:1", 'Flow "f1": wait_time sends it 2 minutes after Flow "f0" on website 1, segment all; '
                 "keep at least 5 minutes between pushes")]
    assert p.send_spacing(views(flow(), flow(wait_time=12, is_enabled=False)), config) == []
    assert p.send_spacing(spaced, conf("flow-send-spacing", minGapMinutes=120))


def test_max_per_website() -> None:
    three = views(flow(), flow(name="b"), flow(name="c"))
    assert p.max_per_website(three, conf("flow-max-per-website")) == []
    assert p.max_per_website(three, conf("flow-max-per-website", maxFlows=2)) == [
        ("urn:2", "website 1 has 3 flows (website_id); the limit is 2")]


def test_every_rule_is_in_the_pack_with_its_default_level() -> None:
    levels = {policy.name: policy.enforcement_level.value for policy in p.flow_policies()}
    assert levels == {
        "flow-default-utm-tags": "remediate", "flow-https-urls": "mandatory", "flow-buttons-complete": "mandatory",
        "flow-ttl-window": "advisory", "flow-wait-time-window": "advisory", "flow-required-utm-tags": "advisory",
        "flow-enabled-needs-landing-url": "advisory", "flow-names-unique-per-website": "mandatory",
        "flow-send-spacing": "advisory", "flow-max-per-website": "mandatory",
    }
