"""Green supply chains in a real browser, on the demo: the lead firm asks the battery
maker for its pack's footprint, the battery maker answers with its certified footprint,
the lead firm sees the footprint linked into its model line — in Chinese, then the
lead firm's pages in English."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

from tanji.db.models import OrganisationRow, ProductRow
from tanji.services import accounts
from tanji.services.supply.demo import LEAD_ACCOUNT, LEAD_PRODUCT


def test_request_answer_and_link_in_chinese_then_english(
    page: Page, browser: Browser, live_server: LiveServer, screenshots: Path
) -> None:
    with live_server.app.unit_of_work() as uow:
        lead_org = uow.session.scalar(
            select(OrganisationRow.id).where(OrganisationRow.name == "示范储能系统集成有限公司")
        )
        product_id = uow.session.scalar(
            select(ProductRow.id).where(
                ProductRow.org_id == lead_org, ProductRow.code == LEAD_PRODUCT
            )
        )
    # The lead firm asks (zh-CN).
    sign_in(page, LEAD_ACCOUNT[0], LEAD_ACCOUNT[1])
    page.get_by_role("link", name="供应链").first.click()
    expect(page.locator("h1")).to_have_text("供应链")
    form = page.locator("section#new-request form")
    form.get_by_label("供应商统一社会信用代码").fill(accounts.DEMO_USCC)
    form.get_by_label("采购的产品").fill("储能电池包（浏览器演示）")
    form.get_by_label("声明单位").fill("1 piece")
    form.get_by_label("截止日期").fill((date.today() + timedelta(days=20)).isoformat())
    form.get_by_label("答复填入您模型中的这一行").select_option(f"{product_id}:battery-packs")
    form.get_by_label("年采购质量（千克）").fill("2400")
    form.get_by_role("button", name="发送请求").click()
    expect(page.locator("#request-status")).to_have_text("已请求")
    request_url = page.url

    # The battery maker answers with its certified footprint (a second browser).
    supplier = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        tab = supplier.new_page()
        sign_in(tab, DEMO_BATTERY[0], DEMO_BATTERY[1])
        tab.goto("/notifications")
        expect(tab.get_by_text("请求 储能电池包（浏览器演示） 的碳足迹")).to_be_visible()
        tab.goto("/supply/inbox")
        tab.locator("#inbox").get_by_role("link", name="储能电池包（浏览器演示）").click()
        assert tab.url == request_url
        certified = tab.locator("#answer-platform tr", has=tab.locator("a[href^='/certificates/']"))
        certified.first.locator("input[type=radio]").check()
        tab.get_by_role("button", name="用这个碳足迹答复").click()
        expect(tab.locator("#request-status")).to_have_text("已答复 · 已认证")
        expect(tab.locator("#model-line")).to_have_count(0)  # the lead firm's model stays its own
        tab.screenshot(path=str(screenshots / "supply-answered-zh.png"), full_page=True)
    finally:
        supplier.close()

    # The lead firm sees it linked in its model.
    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("已答复 · 已认证")
    expect(page.locator("#model-line .tag")).to_have_text("已关联")
    page.goto(f"/workspace/products/{product_id}")
    line = page.locator("tr#line-battery-packs")
    expect(line.locator(".kind")).to_have_text("供应商碳足迹")
    expect(line.locator(".supply-status")).to_have_text("已答复 · 已认证")
    page.screenshot(path=str(screenshots / "supply-linked-zh.png"), full_page=True)

    # The same in English: the model line and the coverage.
    page.goto(f"/workspace/products/{product_id}?lang=en")
    expect(line.locator(".supply-status")).to_have_text("Answered · certified")
    page.goto("/supply")
    expect(page.locator("h1")).to_have_text("Supply chain")
    expect(page.locator("#missing")).to_contain_text("Overdue")  # the demo's e-mail request
    expect(page.locator("#requests")).to_contain_text("Answered · certified")
    page.screenshot(path=str(screenshots / "supply-overview-en.png"), full_page=True)
