"""The benchmarks flow in a real browser: the demo battery maker sees its cell's grade on
the product page (loaded by htmx), opens the diagnosis with at least five ranked levers
and their intervals, and its 碳效码; then the same in English (screenshots of each)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

from tanji.db.models import ProductRow


def test_grade_diagnosis_and_efficiency_code(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    with live_server.app.unit_of_work() as uow:
        cell = uow.session.query(ProductRow).filter_by(code="lfp-cell").one().id
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/products/{cell}")
    grade = page.locator("#grade")
    expect(grade.locator("#grade-name")).to_have_text("优于基准")
    expect(grade.locator("#p-baseline")).to_contain_text("%")
    page.screenshot(path=str(screenshots / "benchmarks-product-zh.png"), full_page=True)
    grade.get_by_role("link", name="降碳诊断").click()
    levers = page.locator("#levers tr.lever")
    expect(levers.nth(4)).to_be_visible()
    assert levers.count() >= 5
    expect(levers.first).to_contain_text("增加绿电")
    expect(levers.first.locator("td.num").nth(1)).to_contain_text("–")  # the 95 % interval
    page.screenshot(path=str(screenshots / "benchmarks-diagnosis-zh.png"), full_page=True)
    page.goto("/workspace/efficiency")
    expect(page.locator("#efficiency-grade")).to_contain_text("级")
    expect(page.locator("#code")).to_contain_text("示例输入")
    page.screenshot(path=str(screenshots / "benchmarks-efficiency-zh.png"), full_page=True)
    page.goto(f"/workspace/products/{cell}/diagnosis?lang=en")
    expect(page.locator("h1")).to_contain_text("Reduction diagnosis")
    expect(page.locator("#grade-name")).to_have_text("Better than baseline")
    page.screenshot(path=str(screenshots / "benchmarks-diagnosis-en.png"), full_page=True)
    page.goto("/benchmarks/values?category=lithium-battery&declared_unit=1%20kWh")
    expect(page.locator("#value-limit")).to_contain_text("Official")
    expect(page.locator("#more-needed")).to_contain_text("more certified footprints needed")
