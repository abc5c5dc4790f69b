"""Certification in a real browser, both sides, in Chinese and in English: the demo
battery maker applies from its product page (body, documents) → the body's team lead
accepts, plans, raises a nonconformity → the enterprise sees what is asked on its
product page and answers → the team closes it, inspects, recomputes the footprint under
its pins (same number) → the decision-maker grants → the public certificate page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

from tanji.db.models import ProductRow
from tanji.services.certification.demo import DEMO_STAFF_PASSWORD, staff_email

KINDS = ("power-of-attorney", "business-licence", "process-flow", "materials-list",
         "management-system")  # fmt: skip


def _shot(page: Page, screenshots: Path, language: str, name: str) -> None:
    page.screenshot(path=str(screenshots / f"certification-{language}-{name}.png"), full_page=True)


def _step(page: Page, action: str) -> None:
    page.click(f"#step-{action} button[type=submit]")
    page.wait_for_load_state()


def _as(page: Page, email: str, password: str, language: str) -> None:
    sign_in(page, email, password)
    page.goto(f"/certification?lang={language}")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_from_application_to_certificate(
    page: Page, live_server: LiveServer, screenshots: Path, language: str
) -> None:
    with live_server.app.unit_of_work() as uow:
        product = uow.session.scalar(
            select(ProductRow.id).where(ProductRow.code == "demo-cert-cell")
        )
    assert product is not None, "the certification demo makes this product"

    # The enterprise applies from its product page.
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/products/{product}?lang={language}")
    page.click("#apply-link")
    page.select_option("#body_org_id", index=0)
    page.fill("#management_system_since", str(date.today() - timedelta(days=200)))
    for kind in KINDS:
        page.set_input_files(
            f"#doc-{kind}", files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                    "buffer": f"%PDF {kind}".encode()}],
        )  # fmt: skip
    _shot(page, screenshots, language, "apply")
    page.click("#apply-form button[type=submit]")
    page.wait_for_load_state()
    _shot(page, screenshots, language, "applied")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "applied")
    case_url = page.url.split("#")[0].split("?")[0]

    # The team lead: the body's workspace is home; accept, plan, raise a nonconformity.
    _as(page, staff_email(0), DEMO_STAFF_PASSWORD, language)
    page.goto("/workspace")
    expect(page).to_have_url(f"{live_server.url}/certification")
    _shot(page, screenshots, language, "body-workspace")
    page.goto(case_url)
    _step(page, "accept")
    page.check("#step-plan label:has-text('示范认证员01') input")
    page.check("#step-plan label:has-text('示范认证员02') input")
    page.select_option("#decision_maker", label="示范认证员03")
    _step(page, "plan")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "document-review")
    page.fill("#finding-text", "原辅材料清单缺少供应商信息")
    page.fill("#finding-deadline", str(date.today() + timedelta(days=14)))
    _step(page, "raise-finding")
    _step(page, "complete-document-review")  # refused: the nonconformity is open
    expect(page.locator("#refused")).to_be_visible()

    # The enterprise sees what is asked on its product page, and answers.
    _as(page, DEMO_BATTERY[0], DEMO_BATTERY[1], language)
    page.goto(f"/workspace/products/{product}")
    expect(page.locator("#asked")).to_be_visible()
    _shot(page, screenshots, language, "product-asked")
    page.goto(case_url)
    page.fill("#answer-text", "已补充供应商清单")
    _step(page, "answer-finding")

    # The team closes it, inspects and verifies the footprint under its pins.
    _as(page, staff_email(0), DEMO_STAFF_PASSWORD, language)
    page.goto(case_url)
    _step(page, "close-finding")
    _step(page, "complete-document-review")
    _step(page, "complete-inspection")
    _step(page, "record-recomputation")
    expect(page.locator("#recompute-match")).to_have_class("status status-active")
    _shot(page, screenshots, language, "verification")
    _step(page, "complete-verification")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "evaluation")

    # The decision-maker (not on the team) grants; the certificate is public.
    _as(page, staff_email(2), DEMO_STAFF_PASSWORD, language)
    expect(page.locator("#unread-count")).to_be_visible()  # the decision waits on them
    page.goto(case_url)
    _step(page, "grant")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "certified")
    _shot(page, screenshots, language, "case-certified")
    page.click("#certificate-link")
    expect(page.locator("#certificate-status")).to_be_visible()
    _shot(page, screenshots, language, "certificate")

    # The department's overview.
    _as(page, "province@tanji.example", "tanji-demo-province-1", language)
    _shot(page, screenshots, language, "oversight")
