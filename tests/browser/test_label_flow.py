"""The label in a real browser: the demo enterprise opens its certified product,
downloads the label (PDF, checked offline), opens the label's QR address (the GS1
Digital Link) and sees the public page verified — on a 390-px phone, in Chinese and in
English."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import select
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

from tanji.db.label_tables import LabelRow
from tanji.services.labels import files, trust
from tanji.services.labels.demo import load_label_demo
from tanji.services.signing import KeyRing
from tanji.web.security import secret_key


def test_certified_product_label_to_verified_page(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path, screenshots: Path
) -> None:
    app = live_server.app
    load_label_demo(app, live_server.url, KeyRing.from_secret(secret_key(app.settings)))
    with app.unit_of_work() as uow:  # the certification demo's product (the demo ran)
        product_id = uow.session.scalar(
            select(LabelRow.product_id).order_by(LabelRow.id.desc()).limit(1)
        )
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/products/{product_id}")
    panel = page.locator("section#carbon-label")
    expect(panel.locator(".label-issued img")).to_be_visible()  # loaded by htmx
    image = panel.locator(".label-issued img").first
    image.evaluate("img => img.decode()")  # the PNG arrives and decodes
    assert image.evaluate("img => img.naturalWidth") > 0
    panel.screenshot(path=str(screenshots / "label-workspace.png"))

    with page.expect_download() as download:
        panel.locator("a.download-pdf-medium").first.click()
    pdf = tmp_path / "label.pdf"
    download.value.save_as(pdf)
    with app.unit_of_work() as uow:
        keys = trust.store_keys(uow.session)
    assert files.check_file("label.pdf", pdf.read_bytes(), keys).ok

    qr_url = panel.locator("a.qr-url").first.get_attribute("href")
    assert qr_url is not None
    assert "/01/09506000134352" in qr_url
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN",
        device_scale_factor=2, is_mobile=True, has_touch=True,
    )  # fmt: skip
    try:
        scan = phone.new_page()
        scan.goto(qr_url)  # the Digital Link resolves to the label's page
        assert "/l/" in scan.url
        expect(scan.get_by_test_id("label-status")).to_have_text("有效")
        expect(scan.locator(".label-signatures li.ok")).to_have_count(2)
        expect(scan.locator(".label-proof strong.ok")).to_have_text("已验证")
        # WebCrypto Ed25519 in the page itself, against the well-known keys
        expect(scan.locator("#browser-check.ok")).to_contain_text("所有签名均有效")
        width = scan.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        scan.screenshot(path=str(screenshots / "label-verify-zh-390.png"), full_page=True)
        # A page whose envelope was altered on its way (one digit of the value): the
        # browser's own check refuses it, whatever the page says.
        page_url = scan.url.split("?")[0]

        def altered(route: Route) -> None:
            body = route.fetch().text()
            island = re.search(r'"value": ?([0-9.]+)', body)
            assert island is not None
            digit = "1" if island.group(1)[0] != "1" else "2"
            route.fulfill(
                body=body.replace(
                    island.group(0),
                    island.group(0).replace(island.group(1), digit + island.group(1)[1:]),
                    1,
                ),
                content_type="text/html",
            )

        scan.route(page_url + "?lang=zh", altered)
        scan.goto(page_url + "?lang=zh")
        expect(scan.locator("#browser-check.bad")).to_contain_text("无效签名")
        scan.unroute(page_url + "?lang=zh")
        scan.goto(page_url + "?lang=en")
        expect(scan.get_by_test_id("label-status")).to_have_text("Valid")
        expect(scan.locator(".label-proof strong.ok")).to_have_text("verified")
        scan.screenshot(path=str(screenshots / "label-verify-en-390.png"), full_page=True)
    finally:
        phone.close()
