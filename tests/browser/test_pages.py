"""Pages in a real browser: Chinese first, the English switch, live factor search, and a
demo result drawing its charts (with screenshots of it in both languages)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

CHARTS = ("stages", "gases", "flow", "histogram")


def test_public_pages_render_in_chinese(page: Page) -> None:
    for path, heading in (
        ("/", "江苏"),
        ("/factors", "排放因子"),
        ("/rules", "核算规则"),
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator("h1")).to_contain_text(heading)


def test_language_switch_gives_english_and_persists(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Jiangsu")
    page.goto("/rules")  # no ?lang=: the cookie keeps English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Accounting rules")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_factor_search_shows_live_results(page: Page) -> None:
    page.goto("/factors")
    results = page.locator("#results")
    before = results.inner_text()
    with page.expect_response(re.compile(r"/factors/_results\?")):
        page.locator("#q").press_sequentially("江苏 电力", delay=30)
    expect(results).not_to_have_text(before)
    # Jiangsu's own factors, and East China's (its regional grid), each a hit.
    expect(results.locator(".hit", has_text="CN-JS").first).to_be_visible()
    assert page.url.endswith("/factors")  # the list changed without leaving the page


def test_result_page_draws_its_charts(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/results/{live_server.mc_result_id}")
    expect(page.locator("h1")).to_contain_text("储能电池包")
    for chart in CHARTS:
        container = page.locator(f'[data-chart="{chart}"]')
        expect(container.locator("svg, canvas").first).to_be_visible()
        assert container.bounding_box()["height"] > 200  # type: ignore[index]
    # The stage chart has a bar per stage with emissions (SVG paths inside the chart).
    assert page.locator('[data-chart="stages"] svg path').count() > 3
    page.screenshot(path=str(screenshots / "result-zh.png"), full_page=True)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("ESS battery pack")
    expect(page.locator('[data-chart="histogram"] svg')).to_be_visible()
    expect(page.locator("#chart-histogram")).to_contain_text("97.5th percentile")
    page.screenshot(path=str(screenshots / "result-en.png"), full_page=True)
    assert (screenshots / "result-zh.png").stat().st_size > 10_000
    page.locator("#versions").get_by_role("button", name="Compare").click()
    expect(page.locator("h1")).to_have_text("Compare results")
    expect(page.locator('[data-chart="compare"] svg')).to_be_visible()
    page.screenshot(path=str(screenshots / "compare-en.png"), full_page=True)


def test_result_page_names_the_grid_factor_and_the_rules_reason(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    """The demo pack's Jiangsu 2024 electricity, under the battery rule: life-cycle factor."""
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/results/{live_server.mc_result_id}?lang=zh")
    note = page.locator("#sources .grid-choice").first
    expect(note).to_contain_text("江苏 2024年：未发布省级或区域2024年电力碳足迹因子（生命周期）")
    expect(note).to_contain_text("采用全国2024年因子")
    expect(note).to_contain_text("核算规则 cn-battery-declaration@")
    expect(note).to_contain_text("供各行业产品核算电力生产和消费产生的碳足迹使用")
    expect(page.locator("#sources")).to_contain_text("2024年全国电力平均碳足迹因子")
    page.locator("#sources").screenshot(path=str(screenshots / "grid-note-zh.png"))
    page.goto(f"/workspace/results/{live_server.mc_result_id}?lang=en")
    note = page.locator("#sources .grid-choice").first
    expect(note).to_contain_text(
        "Jiangsu 2024: no provincial or regional 2024 life-cycle electricity carbon "
        "footprint factor is published; the national 2024 factor is used"
    )
    expect(note).to_contain_text("The rule cn-battery-declaration@")
    expect(note).to_contain_text("for product carbon footprint accounting")
    page.locator("#sources").screenshot(path=str(screenshots / "grid-note-en.png"))


def test_result_page_downloads_the_report_in_the_page_language(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/results/{live_server.mc_result_id}?lang=en")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith("-en.pdf")
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
