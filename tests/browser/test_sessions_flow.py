"""A session ends for good at sign-out: login → my sessions → sign out → replay refused."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def test_login_sessions_page_logout_and_the_copied_cookie_is_refused(
    page: Page, browser: Browser, live_server: LiveServer, screenshots: Path
) -> None:
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto("/account")
    page.click("a[href='/account/security']")
    page.wait_for_load_state()
    assert page.url.endswith("/account/security")
    assert page.locator("h1").inner_text() == "登录与安全"
    current = page.locator("#sessions tr", has_text="当前浏览器")
    assert current.count() == 1
    page.screenshot(path=str(screenshots / "account-security.png"), full_page=True)

    (cookie,) = [c for c in page.context.cookies() if c["name"] == "tanji_session"]
    assert cookie["httpOnly"]
    page.click("form[action='/logout'] button[type=submit]")
    page.wait_for_load_state()

    # Someone who copied the cookie before the sign-out gets nowhere with it.
    thief = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        thief.add_cookies([cookie])
        stolen = thief.new_page()
        stolen.goto("/account/security")
        assert "/login" in stolen.url
        assert stolen.locator("form[action='/login']").count() == 1
    finally:
        thief.close()
