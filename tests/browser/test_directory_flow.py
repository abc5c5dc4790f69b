"""The public directory in a real browser: anyone (no sign-in) opens the directory from
the navigation, finds the demo's certified, labelled product by its name, opens its page
and downloads its evidence pack, which checks against the platform's published keys — in
Chinese, then in English."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.browser.conftest import LiveServer

from tanji.db.label_tables import LabelRow
from tanji.db.models import CertificateRow
from tanji.services.directory.evidence import check_pack
from tanji.services.labels import trust
from tanji.services.labels.demo import load_label_demo
from tanji.services.signing import KeyRing
from tanji.web.security import secret_key


def test_anyone_finds_the_certified_product_and_downloads_its_evidence_pack(
    page: Page, live_server: LiveServer, tmp_path: Path, screenshots: Path
) -> None:
    app = live_server.app
    load_label_demo(app, live_server.url, KeyRing.from_secret(secret_key(app.settings)))
    with app.unit_of_work() as uow:  # the demo's labelled certificate
        number, name = uow.session.execute(
            select(CertificateRow.number, CertificateRow.product_name)
            .join(LabelRow, LabelRow.certificate_id == CertificateRow.id)
            .where(LabelRow.revoked_at.is_(None), CertificateRow.status == "valid")
            .order_by(LabelRow.id.desc())
        ).first()  # type: ignore[misc]
        keys = trust.store_keys(uow.session)

    for language, heading, download_text, report in [
        ("zh", "认证产品目录", "下载证据包", "report-zh.pdf"),
        ("en", "Certified products", "Download the evidence pack", "report-en.pdf"),
    ]:
        page.goto(f"/?lang={language}")
        page.locator("#nav-directory").click()
        expect(page.locator("h1")).to_have_text(heading)
        page.fill("#f-q", name[:6])
        page.locator("#filters button[type=submit]").click()
        row = page.locator(f"tr[data-certificate='{number}']")
        expect(row).to_have_count(1)
        row.locator("a").first.click()
        image = page.locator("#label img")
        expect(image).to_be_visible()
        image.evaluate("img => img.decode()")  # the label's PNG arrives and decodes
        page.screenshot(path=str(screenshots / f"directory-product-{language}.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_text(download_text).click()
        saved = tmp_path / f"pack-{language}.zip"
        download.value.save_as(saved)
        data = saved.read_bytes()
        assert report in zipfile.ZipFile(io.BytesIO(data)).namelist()
        checked = check_pack(data, keys)
        assert checked.ok, checked.problems
        assert checked.subject["certificate"] == number
