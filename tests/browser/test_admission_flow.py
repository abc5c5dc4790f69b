"""Shared data admission in a real browser, on the demo store: the demo battery maker
submits a dataset with three evidence files, the two demo reviewer organisations review
it, the demo provincial department verifies and admits it — version 2 of the provincial
battery database (the demo admitted version 1), downloaded as ILCD from the database page.
Screenshots in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import LiveServer, sign_in

from tanji.io.exchange import read_ilcd_factors
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.admission.demo import REVIEWER_ACCOUNTS


def test_submit_two_reviews_department_admits_a_new_version(
    page: Page, browser: Browser, live_server: LiveServer, screenshots: Path
) -> None:
    @contextmanager
    def person(email: str, password: str) -> Iterator[Page]:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})  # fmt: skip
        context.set_default_timeout(15_000)
        tab = context.new_page()
        sign_in(tab, email, password)
        yield tab
        context.close()

    _, battery, _, province = DEMO_ACCOUNTS
    sign_in(page, battery[0], battery[1])
    page.goto("/admission/submit")
    page.select_option("#database_id", label="jiangsu-battery-background")
    page.select_option("#kind", "emission_factor")
    fields = {
        "#code": "LFP-CATHODE-BROWSER", "#name_zh": "磷酸铁锂正极材料（浏览器测试）",
        "#name_en": "LFP cathode (browser test)", "#product": "lfp-cathode", "#unit": "kg",
        "#geography": "CN-JS", "#year": "2024", "#co2e": "8.2", "#gsd": "1.2",
        "#quantities": "electricity; 12000000; kWh; meter.csv\n"
                       "output; 1500000; kg; production.xlsx",
        "#confidential": "quantity:electricity",
    }  # fmt: skip
    for selector, value in fields.items():
        page.fill(selector, value)
    evidence = [
        ("meter.csv", "text/csv", b"meter,kWh\nM-01,12000000\n", "metering_point", ""),
        ("calibration.pdf", "application/pdf", b"%PDF cal", "calibration_certificate",
         "meter.csv"),
        ("production.xlsx", "application/octet-stream", b"PK ledger", "production_record", ""),
    ]  # fmt: skip
    for slot, (name, media, content, kind, calibrates) in enumerate(evidence):
        upload = {"name": name, "mimeType": media, "buffer": content}
        page.set_input_files(f"#file{slot}", files=[upload])
        page.select_option(f"#kind{slot}", kind)
        page.fill(f"#calibrates{slot}", calibrates)
    page.click("form[action='/admission/submit'] button[type=submit]")
    expect(page.locator("#state")).to_have_text("评议中")
    url = page.url
    page.screenshot(path=screenshots / "admission-submitted-zh.png", full_page=True)

    for email, password, *_ in REVIEWER_ACCOUNTS:
        with person(email, password) as reviewer:
            reviewer.goto(url)
            reviewer.fill("#summary", "计量数据可溯源，检定证书有效。")
            reviewer.click("#review-form button[type=submit]")
            expect(reviewer.locator("#problem")).to_have_count(0)
    with person(province[0], province[1]) as department:
        department.goto(url)
        expect(department.locator("#reviews article")).to_have_count(2)
        department.screenshot(path=screenshots / "admission-verify-zh.png", full_page=True)
        department.click("#admit")
        expect(department.locator("#state")).to_have_text("已入库")
        expect(department.locator("#version")).to_have_text("2")
        department.goto(url + "?lang=en")
        expect(department.locator("#state")).to_have_text("admitted")
        department.screenshot(path=screenshots / "admission-admitted-en.png", full_page=True)
    # the submitter sees anonymous reviewers; anyone sees the public record
    page.goto(url)
    expect(page.locator("#reviews h3").first).to_contain_text("Reviewer 1")
    page.goto("/admission?lang=en")
    page.screenshot(path=screenshots / "admission-index-en.png", full_page=True)
    page.goto("/admission?lang=zh")
    page.screenshot(path=screenshots / "admission-index-zh.png", full_page=True)
    # National and peer exchange: the admitted version downloads from the database page.
    page.click("a[href='/admission/databases/jiangsu-battery-background']")
    expect(page.locator("h1")).to_have_text("jiangsu-battery-background")
    page.screenshot(path=screenshots / "admission-exchange-zh.png", full_page=True)
    with page.expect_download() as download:
        page.click("a[href$='/versions/2/export?format=ilcd']")
    saved = screenshots / "jiangsu-battery-background-2-ilcd.zip"
    download.value.save_as(saved)
    assert "LFP-CATHODE-BROWSER" in {f.code for f in read_ilcd_factors(saved)}
