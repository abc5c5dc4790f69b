"""The README's tour in a real browser: an enterprise registers, creates a battery
product from the rule's template, fills the Excel activity data, calculates with a Monte
Carlo (watching the progress), sees the charts, switches to English and downloads the
PDF report. Every page on the way, in Chinese, says nothing in English outside product
data and shows no raw code (:mod:`tests.web.untranslated`)."""

from __future__ import annotations

import secrets
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from tests.web.conftest import random_uscc
from tests.web.untranslated import untranslated

PASSWORD = "tour-password-2026"


def fill_activity_data(template: Path, filled: Path) -> None:
    """Fill the workbook as the enterprise would: an amount on every line, mass and
    distance on the transport lines (their "current unit" reads "t, km")."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    header = {str(cell.value): cell.column for cell in sheet[1] if cell.value}
    column = {
        key: next(number for text, number in header.items() if text.endswith(key))
        for key in ("Current unit", "Amount", "Transport mass", "Transport distance")
    }
    for row in range(2, sheet.max_row + 1):
        unit = sheet.cell(row=row, column=column["Current unit"]).value
        if not unit:
            continue
        if "," in str(unit):
            sheet.cell(row=row, column=column["Transport mass"]).value = 12
            sheet.cell(row=row, column=column["Transport distance"]).value = 150
        else:
            sheet.cell(row=row, column=column["Amount"]).value = 40
    book.save(filled)


def in_chinese(page: Page) -> None:
    """The page as rendered (after its scripts ran) has no untranslated text."""
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert untranslated(page.content()) == [], page.url


def test_tour(page: Page, tmp_path: Path, screenshots: Path) -> None:
    email = f"tour-{secrets.token_hex(4)}@example.com"
    page.goto("/")
    in_chinese(page)
    page.goto("/register")
    in_chinese(page)
    page.fill("input[name=name]", f"江苏导览电池有限公司 {email}")
    page.fill("input[name=uscc]", random_uscc("320100"))
    page.select_option("select[name=region]", index=1)
    page.fill("input[name=display_name]", "导览管理员")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.click("form[action='/register'] button[type=submit]")
    page.goto("/workspace")
    expect(page.locator("#new-product")).to_be_visible()
    in_chinese(page)

    page.check("input[name=template][value=battery]")
    page.fill("input[name=code]", "tour-cell")
    page.fill("input[name=name_zh]", "导览电芯")
    page.click("#new-product button[type=submit]")
    expect(page.locator("#activity-file")).to_be_attached()
    in_chinese(page)  # the product page, its findings naming the lines to fix
    expect(page.locator('.finding a[href="#line-cathode"]').first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "filled.xlsx"
    fill_activity_data(template, filled)
    page.set_input_files("#activity-file", str(filled))
    page.click("form[action$='/activity-data'] button[type=submit]")
    page.wait_for_load_state()
    in_chinese(page)

    page.fill("#iterations", "500")
    page.fill("#seed", "1")
    page.click("form.calculate button[type=submit]")
    page.wait_for_url("**/workspace/results/*", timeout=60_000)
    # No line of the template declares an uncertainty, so the Monte Carlo draws are all
    # equal and the page says so instead of drawing a histogram.
    for chart in ("stages", "gases", "flow"):
        expect(page.locator(f'[data-chart="{chart}"] svg')).to_be_visible()
    expect(page.locator(".total-number")).not_to_have_text("0")
    in_chinese(page)
    page.goto("/account")
    in_chinese(page)  # the audit log, in words
    page.go_back()
    page.screenshot(path=str(screenshots / "tour-result-zh.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_download() as report:
        page.get_by_role("link", name="Download PDF").click()
    assert report.value.suggested_filename.endswith("-en.pdf")
    assert Path(report.value.path()).read_bytes()[:4] == b"%PDF"
