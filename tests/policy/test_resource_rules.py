"""Each resource rule as a pure function: violating and passing flows, settings, and unknown values."""

from __future__ import annotations

import pytest

from pulumi_pushsmm.policies import (
    UNKNOWN,
    check_buttons_complete,
    check_default_utm_tags,
    check_enabled_has_landing_url,
    check_https_urls,
    check_ttl_window,
    check_utm_tags,
    check_wait_time_window,
    default_utm_tags,
    send_minutes,
)
from pulumi_pushsmm.policies.resource_rules import campaign_slug
from tests.policy.helpers import flow

pytestmark = pytest.mark.unit

# --- https ---------------------------------------------------------------------------------------


def test_https_urls_pass() -> None:
    props = flow(button_title_1="Go", button_url_1="https://example.com/go")
    assert check_https_urls("welcome", props) == []


def test_empty_urls_are_no_urls_and_pass() -> None:
    assert check_https_urls("welcome", flow(url="", button_url_1="", button_url_2="")) == []


@pytest.mark.parametrize("field", ["url", "button_url_1", "button_url_2"])
def test_http_url_is_flagged_naming_resource_and_field(field: str) -> None:
    messages = check_https_urls("welcome", flow(**{field: "http://example.com/x"}))
    assert messages == [f"Flow \"welcome\": {field} must be an https:// URL, got 'http://example.com/x'"]


def test_https_scheme_is_case_insensitive() -> None:
    assert check_https_urls("welcome", flow(url="HTTPS://example.com")) == []


def test_https_fields_and_allowed_http_hosts_are_settings() -> None:
    props = flow(url="http://localhost:8000/welcome", button_url_1="http://example.com")
    assert len(check_https_urls("w", props)) == 2
    assert check_https_urls("w", props, {"allowHttpHosts": ["LOCALHOST"], "fields": ["url"]}) == []
    assert len(check_https_urls("w", props, {"allowHttpHosts": ["localhost"]})) == 1


def test_unknown_url_is_skipped() -> None:
    assert check_https_urls("welcome", flow(url=UNKNOWN)) == []


# --- buttons -------------------------------------------------------------------------------------


def test_complete_buttons_pass() -> None:
    props = flow(button_title_1="One", button_url_1="https://e.com/1", button_title_2="Two",
                 button_url_2="https://e.com/2")
    assert check_buttons_complete("w", props) == []
    assert check_buttons_complete("w", flow()) == []


def test_title_without_url_and_url_without_title() -> None:
    assert check_buttons_complete("w", flow(button_title_1="Go")) == [
        "Flow \"w\": button_url_1 is empty but button_title_1 is 'Go'; a button needs both a title and a URL"]
    messages = check_buttons_complete("w", flow(button_url_1="https://e.com"))
    assert messages == ["Flow \"w\": button_title_1 is empty but button_url_1 is 'https://e.com'; "
                        "a button needs both a title and a URL"]


def test_button_2_needs_button_1() -> None:
    messages = check_buttons_complete("w", flow(button_title_2="Two", button_url_2="https://e.com/2"))
    assert messages == ["Flow \"w\": button_title_2 and button_url_2 set but button 1 (button_title_1, button_url_1) "
                        "is empty; fill in button 1 first"]


def test_unknown_button_values_are_skipped() -> None:
    assert check_buttons_complete("w", flow(button_title_1="Go", button_url_1=UNKNOWN)) == []
    assert check_buttons_complete("w", flow(button_title_1=UNKNOWN, button_url_2="https://e.com/2",
                                            button_title_2="Two")) == []


# --- ttl -----------------------------------------------------------------------------------------


def test_ttl_at_or_above_an_hour_passes_by_default() -> None:
    assert check_ttl_window("w", flow(ttl=3600)) == []
    assert check_ttl_window("w", flow(ttl=2419200)) == []


def test_absent_ttl_is_pushsmms_default_and_passes() -> None:
    props = flow()
    del props["ttl"]
    assert check_ttl_window("w", props) == []


def test_short_ttl_is_flagged() -> None:
    assert check_ttl_window("w", flow(ttl=900)) == [
        'Flow "w": ttl is 900 seconds (15 minutes), below the minimum of 3600 seconds (1 hour)']


def test_ttl_zero_is_a_value_not_a_missing_one() -> None:
    messages = check_ttl_window("w", flow(ttl=0))
    assert len(messages) == 1
    assert "ttl is 0 (deliver now or never)" in messages[0] and "3600 seconds" in messages[0]
    assert check_ttl_window("w", flow(ttl=0), {"allowNowOrNever": True}) == []
    assert check_ttl_window("w", flow(ttl=0), {"minSeconds": 0}) == []


def test_ttl_window_is_configurable() -> None:
    assert len(check_ttl_window("w", flow(ttl=3600), {"minSeconds": 86400.0})) == 1
    messages = check_ttl_window("w", flow(ttl=2419200), {"maxSeconds": 604800})
    assert messages == ['Flow "w": ttl is 2419200 seconds (28 days), above the maximum of 604800 seconds (7 days)']
    assert check_ttl_window("w", flow(ttl=900), {"minSeconds": 900}) == []


def test_unknown_ttl_is_skipped() -> None:
    assert check_ttl_window("w", flow(ttl=UNKNOWN)) == []


# --- wait time -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("wait_time", "unit", "minutes"), [(10, "minutes", 10), (2, "hours", 120),
                                                            (3, "days", 4320)])
def test_send_minutes_converts_units(wait_time: int, unit: str, minutes: int) -> None:
    assert send_minutes(flow(wait_time=wait_time, wait_time_type=unit)) == minutes


def test_send_minutes_is_none_when_not_known() -> None:
    assert send_minutes(flow(wait_time=UNKNOWN)) is None
    assert send_minutes(flow(wait_time_type=UNKNOWN)) is None


def test_wait_of_five_minutes_or_more_passes() -> None:
    assert check_wait_time_window("w", flow(wait_time=5)) == []
    assert check_wait_time_window("w", flow(wait_time=1, wait_time_type="hours")) == []


def test_short_wait_is_flagged_in_minutes() -> None:
    assert check_wait_time_window("w", flow(wait_time=2)) == [
        'Flow "w": wait_time 2 minutes is below the minimum of 5 minutes after subscribing']


def test_wait_window_is_configurable_and_converts_units() -> None:
    props = flow(wait_time=1, wait_time_type="hours")
    assert check_wait_time_window("w", props, {"minMinutes": 120}) == [
        'Flow "w": wait_time 1 hours (60 minutes) is below the minimum of 120 minutes after subscribing']
    long_wait = flow(wait_time=30, wait_time_type="days")
    assert check_wait_time_window("w", long_wait, {"maxMinutes": 14 * 1440}) == [
        'Flow "w": wait_time 30 days (43200 minutes) is above the maximum of 20160 minutes after subscribing']


def test_unknown_wait_is_skipped() -> None:
    assert check_wait_time_window("w", flow(wait_time=UNKNOWN)) == []


# --- UTM tags ------------------------------------------------------------------------------------


def test_all_tags_set_passes() -> None:
    assert check_utm_tags("w", flow()) == []


def test_missing_tags_are_named() -> None:
    assert check_utm_tags("w", flow(utm_medium="", utm_campaign="  ")) == [
        'Flow "w": utm_medium, utm_campaign are empty; the required UTM tags are utm_source, utm_medium, utm_campaign']
    props = flow()
    del props["utm_source"]
    assert check_utm_tags("w", props) == [
        'Flow "w": utm_source is empty; the required UTM tags are utm_source, utm_medium, utm_campaign']


def test_required_tags_are_configurable() -> None:
    props = flow(utm_medium="", utm_campaign="")
    assert check_utm_tags("w", props, {"required": ["utm_source"]}) == []
    assert len(check_utm_tags("w", props, {"required": ["utm_campaign"]})) == 1


def test_utm_tags_do_not_apply_without_a_landing_url() -> None:
    assert check_utm_tags("w", flow(url="", utm_source="", utm_medium="", utm_campaign="")) == []


def test_unknown_tags_are_skipped() -> None:
    assert check_utm_tags("w", flow(utm_campaign=UNKNOWN)) == []
    assert len(check_utm_tags("w", flow(url=UNKNOWN, utm_campaign=""))) == 1


# --- enabled flow needs a landing URL -----------------------------------------------------------


def test_enabled_flow_with_url_passes() -> None:
    assert check_enabled_has_landing_url("w", flow()) == []


def test_enabled_flow_without_url_is_flagged() -> None:
    assert check_enabled_has_landing_url("w", flow(url="")) == [
        'Flow "w": is_enabled is true but url is empty; set the landing URL a click opens (or is_enabled=False)']
    props = flow()
    del props["url"], props["is_enabled"]  # both default: enabled, no URL
    assert len(check_enabled_has_landing_url("w", props)) == 1


def test_disabled_or_unknown_is_skipped() -> None:
    assert check_enabled_has_landing_url("w", flow(url="", is_enabled=False)) == []
    assert check_enabled_has_landing_url("w", flow(url="", is_enabled=UNKNOWN)) == []
    assert check_enabled_has_landing_url("w", flow(url=UNKNOWN)) == []


# --- default UTM tags (remediation) -------------------------------------------------------------


def test_remediation_fills_empty_tags_with_defaults() -> None:
    props = flow(name="Getting started: tips & tricks!", utm_source="", utm_medium="", utm_campaign="")
    assert default_utm_tags("tips", props) == {"utm_source": "pushsmm", "utm_medium": "push",
                                               "utm_campaign": "getting-started-tips-tricks"}


def test_remediation_keeps_tags_that_are_set() -> None:
    assert default_utm_tags("w", flow()) == {}
    assert default_utm_tags("w", flow(utm_medium="")) == {"utm_medium": "push"}


def test_remediation_defaults_come_from_config() -> None:
    props = flow(utm_source="", utm_medium="", utm_campaign="")
    config = {"utmSource": "newsletter", "utmMedium": "webpush", "utmCampaign": "onboarding"}
    assert default_utm_tags("w", props, config) == {"utm_source": "newsletter", "utm_medium": "webpush",
                                                    "utm_campaign": "onboarding"}


def test_campaign_falls_back_to_resource_name_and_respects_the_length_limit() -> None:
    assert default_utm_tags("we-miss-you", flow(name="!!!", utm_campaign="")) == {"utm_campaign": "we-miss-you"}
    assert campaign_slug("A" * 300) == "a" * 128
    assert campaign_slug("  Spaces  and CAPS ") == "spaces-and-caps"


def test_remediation_skips_unknown_values_and_flows_without_a_landing_url() -> None:
    assert default_utm_tags("w", flow(utm_campaign="", name=UNKNOWN)) == {}
    assert default_utm_tags("w", flow(utm_source=UNKNOWN)) == {}
    assert default_utm_tags("w", flow(url="", utm_source="")) == {}
    assert default_utm_tags("w", flow(url=UNKNOWN, utm_source="")) == {"utm_source": "pushsmm"}


def test_remediation_never_writes_a_value_pushsmm_would_refuse() -> None:
    props = flow(utm_source="", utm_medium="")
    assert default_utm_tags("w", props, {"utmSource": " padded ", "utmMedium": "<b>bold</b>"}) == {}


def test_the_remediation_policy_reports_what_it_would_fill_when_not_remediating() -> None:
    assert check_default_utm_tags("w", flow()) == []
    assert check_default_utm_tags("w", flow(utm_medium="", utm_campaign="")) == [
        "Flow \"w\": utm_medium, utm_campaign are empty; the default would be utm_medium='push', "
        "utm_campaign='welcome'"]
