"""The product and result pages of the demo, in Chinese and English (issue 20): numbers
with their significant digits and each factor per its own unit. Screenshots for review."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in


def test_product_and_result_pages_show_numbers_right(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/results/{live_server.mc_result_id}")
    for language in ("zh", "en"):
        page.goto(f"/workspace/results/{live_server.mc_result_id}?lang={language}")
        expect(page.locator("#sources")).to_be_visible()
        text = page.locator("main").inner_text()
        assert not re.search(r"\(0 × ", text)  # the functional unit kept its digits
        assert "e+" not in page.locator("#sources").inner_text()
        page.screenshot(path=str(screenshots / f"numbers-result-{language}.png"), full_page=True)
        product = page.locator("a[href^='/workspace/products/']").first.get_attribute("href")
        assert product
        page.goto(f"{product}?lang={language}")
        expect(page.locator("#facts")).to_be_visible()
        assert not re.search(r"\(0 × ", page.locator("#facts").inner_text())
        page.screenshot(path=str(screenshots / f"numbers-product-{language}.png"), full_page=True)
