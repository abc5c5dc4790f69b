"""The service hub in a real browser: a visitor finds a provider in the public directory
by category and city, the demo battery maker sends it a request, the provider answers in
its workspace; and the policy section in Chinese and English (screenshots of each)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

from tanji.services.hub.demo import DEMO_PROVIDER


def test_find_a_provider_send_a_request_and_answer_it(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    page.goto("/providers")
    page.select_option("#f-category", "consulting")
    page.select_option("#f-city", "CN-JS-SZ")
    page.click("#provider-filter button[type=submit]")
    services = page.locator("#services article")
    expect(services).to_have_count(1)
    expect(services.first).to_contain_text("低碳咨询")
    page.screenshot(path=str(screenshots / "hub-directory-zh.png"), full_page=True)
    services.first.get_by_role("link").click()
    expect(page.locator("#request")).to_contain_text("请以企业账号登录后提交需求")
    service_url = page.url

    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(service_url)
    page.fill("#rq-message", "我们的储能电池需要产品碳足迹核算咨询。")
    page.fill("#rq-contact", "王经理 0512-0000000（示范）")
    page.click("#request-form button[type=submit]")
    expect(page.locator("#request-sent")).to_contain_text("需求已发送")

    page.context.clear_cookies()
    sign_in(page, DEMO_PROVIDER[0], DEMO_PROVIDER[1])
    expect(page.locator("#unread-count")).to_be_visible()
    page.goto("/provider")
    request = page.locator("#requests article").filter(has_text="储能电池")
    expect(request).to_contain_text("江苏示范锂电池有限公司")
    request.locator("input[name=reply]").fill("可以，我们下周与您联系。")
    request.locator("button[type=submit]").click()
    expect(page.locator("#requests article").filter(has_text="储能电池")).to_contain_text("已答复")
    page.screenshot(path=str(screenshots / "hub-provider-zh.png"), full_page=True)
    page.goto("/provider?lang=en")
    expect(page.locator("#requests")).to_contain_text("Answered")


def test_policy_section_in_chinese_and_english(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    page.goto("/policy")
    page.get_by_role("link", name="江苏省产品碳足迹管理体系建设实施意见").click()
    expect(page.locator("#item-body blockquote").first).to_contain_text("400个产品碳足迹")
    expect(page.locator("#item-source")).to_contain_text("2024年2月28日")
    page.screenshot(path=str(screenshots / "hub-policy-zh.png"), full_page=True)
    page.goto(page.url + "?lang=en")
    expect(page.locator("h1")).to_contain_text("Implementation opinions")
    expect(page.locator("main")).to_contain_text("published in Chinese only")
    page.goto("/policy?kind=training")
    expect(page.locator("#items")).to_contain_text("Introduction to product footprint accounting")
    expect(page.locator("#items")).to_contain_text("illustrative")
    page.screenshot(path=str(screenshots / "hub-policy-en.png"), full_page=True)
