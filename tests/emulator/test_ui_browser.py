"""The emulator's HTML view in a real headless Chromium, after a real `pulumi up` of the welcome series.

Chromium and chromedriver come from Debian's packages (`.ci/run` installs them when
missing); Selenium drives them through the system chromedriver, so nothing is
downloaded. Screenshots go to ``$PUSHSMM_TEST_ARTIFACTS`` (default ``.test-artifacts/``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pulumi import automation as auto
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ROOT, EmulatorAdmin, account_config, engine_env

pytestmark = [pytest.mark.engine, pytest.mark.browser]

API_KEY = "ui-test-key-91c2-DO-NOT-LEAK"
ARTIFACTS = Path(os.environ.get("PUSHSMM_TEST_ARTIFACTS", ROOT / ".test-artifacts"))
COUNTERS = ("sent", "displayed", "clicked", "closed")
# What examples/onboarding.py declares, as a person would read it on the page.
SCHEDULES = {
    "Welcome aboard!": "10 minutes after subscribing",
    "3 tips to get the most out of it": "1 day after subscribing",
    "We saved you a seat": "7 days after subscribing",
}
BROWSER_HELP = "Install Debian's headless browser: `apt-get update && apt-get install -y chromium chromium-driver`."


@dataclass
class Deployed:
    """The welcome series deployed to an emulator, after simulated subscribers and a refresh."""

    emulator: EmulatorServer
    admin: EmulatorAdmin
    stack: auto.Stack
    outputs: dict[str, Any]

    @property
    def page_url(self) -> str:
        return f"{self.emulator.admin_url}/ui"


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium driven through the system chromedriver; skips when missing (a failure in CI, see conftest)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.skip(f"Chromium or chromedriver is not installed. {BROWSER_HELP}")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    # Both paths are given, so Selenium Manager has nothing to look up or download.
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(30)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def deployed(pulumi_bin_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    """`pulumi up` of examples/welcome_series, 50 simulated subscribers, then `pulumi refresh`."""
    tmp = tmp_path_factory.mktemp("ui")
    with EmulatorServer(api_keys=[API_KEY], rate_limit=0, seed=5) as emulator:
        account = emulator.accounts[0]
        site = int(account["website_ids"][0])
        state = tmp / "state"
        state.mkdir()
        opts = auto.LocalWorkspaceOptions(env_vars=engine_env(state), secrets_provider="passphrase")
        stack = auto.create_stack(f"test-ui-{uuid.uuid4().hex[:8]}",
                                  work_dir=str(ROOT / "examples" / "welcome_series"), opts=opts)
        try:
            stack.set_all_config({**account_config(emulator, API_KEY), "websiteId": auto.ConfigValue(str(site))})
            stack.up()
            response = requests.post(f"{emulator.admin_url}/websites/{site}/subscribers",
                                     json={"count": 50, "seed": 1}, timeout=10)
            response.raise_for_status()
            stack.refresh(run_program=True)
            outputs = {name: value.value for name, value in stack.outputs().items()}
            yield Deployed(emulator, EmulatorAdmin.of(emulator), stack, outputs)
        finally:
            stack.workspace.remove_stack(stack.name, force=True)


def screenshot(browser: WebDriver, name: str) -> Path:
    """The whole page as a PNG in the artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.set_window_size(1100, height + 120)  # the window frame takes some of the height
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))
    browser.set_window_size(1100, 900)
    return path


def assert_page_shows(browser: WebDriver, flows: list[dict[str, Any]]) -> None:
    """Every stored flow is on the page with its title, schedule, counters and (loaded) image; no other flow is."""
    shown = {int(card.get_attribute("data-flow-id") or 0) for card in browser.find_elements(By.CSS_SELECTOR,
                                                                                               "article.flow")}
    assert shown == {flow["id"] for flow in flows}
    for flow in flows:
        card = browser.find_element(By.ID, f"flow-{flow['id']}")
        assert card.find_element(By.CLASS_NAME, "flow-title").text == flow["title"]
        assert card.find_element(By.CLASS_NAME, "schedule").text == SCHEDULES[flow["title"]]
        for name in COUNTERS:
            cell = card.find_element(By.CSS_SELECTOR, f'[data-counter="{name}"]')
            assert cell.text == str(flow[f"total_{name}_push_notifications"])
        assert card.find_element(By.CSS_SELECTOR, '[data-counter="last_sent"]').text == flow["last_sent_datetime"]
        images = card.find_elements(By.CSS_SELECTOR, "img.flow-image")
        assert len(images) == (1 if flow["image"] else 0)
        for image in images:
            assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0


def test_refresh_brings_the_simulated_counters_into_the_stack_outputs(deployed: Deployed) -> None:
    flows = {str(flow["id"]): flow for flow in deployed.admin.flows()}
    ids = deployed.outputs["flow_ids"]
    counters = deployed.outputs["counters"]
    assert set(counters) == set(ids) == {"welcome", "tips", "we-miss-you"}
    for key, flow_id in ids.items():
        stored = flows[str(flow_id)]
        assert stored["total_sent_push_notifications"] == 50  # every flow of the series goes to "all"
        assert counters[key] == {**{name: stored[f"total_{name}_push_notifications"] for name in COUNTERS},
                                 "last_sent": stored["last_sent_datetime"]}


def test_the_page_shows_every_flow_with_its_counters_and_image(deployed: Deployed, browser: WebDriver) -> None:
    browser.get(deployed.page_url)
    flows = deployed.admin.flows()
    assert len(flows) == 3
    assert_page_shows(browser, flows)
    log = browser.find_elements(By.CSS_SELECTOR, "table.log tr.request")
    assert log and any("/api/flows" in row.text for row in log)
    assert API_KEY not in browser.page_source
    assert screenshot(browser, "emulator-ui.png").stat().st_size > 10_000


def test_the_page_is_still_right_after_a_flow_is_deleted_behind_the_providers_back(
    deployed: Deployed, browser: WebDriver
) -> None:
    tips = next(flow for flow in deployed.admin.flows() if flow["title"] == "3 tips to get the most out of it")
    deployed.admin.delete(tips["id"])
    browser.get(deployed.page_url)
    flows = deployed.admin.flows()
    assert len(flows) == 2 and tips["id"] not in {flow["id"] for flow in flows}
    assert_page_shows(browser, flows)
    assert "2 flows" in browser.find_element(By.ID, f"account-{deployed.admin.user_id}").text
    screenshot(browser, "emulator-ui-after-delete.png")
