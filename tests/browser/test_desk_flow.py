"""The government's desk in a real browser: the provincial department lands on its desk,
sets this year's work plan, sees progress by city with a chart (the demo battery maker
in Suzhou, shown as demo data) and downloads the Excel export; the demo Suzhou city
department sees only Suzhou — in Chinese, then in English (screenshots of each)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import LiveServer, sign_in

from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.desk.demo import CITY_DEMO_ACCOUNT


def test_province_plans_and_exports_a_city_sees_its_own(
    page: Page, browser: Browser, live_server: LiveServer, screenshots: Path
) -> None:
    province = DEMO_ACCOUNTS[3]
    sign_in(page, province[0], province[1])
    expect(page).to_have_url(f"{live_server.url}/desk")  # the department's home
    expect(page.locator("h1")).to_contain_text("政府工作台")
    page.locator("#plan-sector-1").select_option("lithium-battery")
    page.fill("#plan-CN-JS-SZ", "3")
    page.fill("#plan-document", "示例工作计划（演示）")
    page.get_by_role("button", name="保存工作计划").click()
    expect(page.locator("#plan")).to_contain_text("锂离子电池")
    page.get_by_label("包括示范机构（仅为示例，不计入目标）").check()
    page.get_by_role("button", name="显示").click()
    suzhou = page.locator("#city-table tr", has_text="苏州市")
    expect(suzhou.locator("td").nth(5)).to_have_text("3")  # the plan's target
    assert int(suzhou.locator("td").nth(4).inner_text()) >= 2  # the demo's products
    expect(page.locator("[data-desk-chart=cities][data-drawn='1'] svg")).to_be_visible()
    page.screenshot(path=str(screenshots / "desk-province-zh.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#desk-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["按城市", "按行业", "按年份", "产品"]
    cities = {row[0]: row for row in book["按城市"].iter_rows(values_only=True)}
    assert cities["苏州市"][5] == 3

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    city = context.new_page()
    try:
        sign_in(city, CITY_DEMO_ACCOUNT[0], CITY_DEMO_ACCOUNT[1])
        city.goto(f"/desk?lang=en&demo=1&year={date.today().year}")
        expect(city.locator("h1")).to_contain_text("Government desk · Suzhou")
        rows = city.locator("#city-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Suzhou")
        expect(city.locator("#plan-form")).to_have_count(0)
        for other in ("Nanjing", "Wuxi"):
            expect(city.locator("#city-table")).not_to_contain_text(other)
        expect(city.locator("#enterprise-table")).to_contain_text("江苏示范锂电池有限公司")
        city.screenshot(path=str(screenshots / "desk-city-en.png"), full_page=True)
        assert city.request.get("/desk?city=CN-JS-NJ").status == 403
    finally:
        context.close()
