"""The certification pages on the demo: the body's workspace, the case page, the
department's oversight, notifications, the public certificate page — in Chinese and in
English — and a body stopped at every step once the department suspends it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import certified_products

from tanji.bootstrap import App
from tanji.db.models import CertificateRow, OrganisationRow
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.certification.demo import (
    DEMO_STAFF_PASSWORD,
    CertificationDemo,
    certification_demo,
    staff_email,
)
from tanji.services.progress import footprint_progress
from tanji.web.app import create_app


@pytest.fixture(scope="module")
def demo(tanji_app: App) -> CertificationDemo:
    with tanji_app.unit_of_work() as uow:
        return certification_demo(uow.session, tanji_app.backgrounds)


def signed_in(app: App, email: str, password: str) -> TestClient:
    client = TestClient(create_app(app))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    return client


def csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


@pytest.fixture
def lead(tanji_app: App, demo: CertificationDemo) -> Iterator[TestClient]:
    with signed_in(tanji_app, staff_email(0), DEMO_STAFF_PASSWORD) as client:
        yield client


def test_the_demo_is_idempotent_and_never_counted(tanji_app: App, demo: CertificationDemo) -> None:
    with tanji_app.unit_of_work() as uow:
        again = certification_demo(uow.session, tanji_app.backgrounds)
        certificate = uow.session.get(CertificateRow, demo.certificate_id)
        assert certificate is not None
        holder = uow.session.get(OrganisationRow, certificate.holder_org_id)
        valid_outside_demo = certified_products(uow.session)
        progress = footprint_progress(uow.session)
    assert again == demo
    assert certificate.status == "valid"
    assert holder is not None
    assert holder.demo  # the demo's organisations are marked …
    assert progress.certified == len(valid_outside_demo)  # … and their certificate not counted


def test_a_body_user_lands_on_its_cases_in_both_languages(
    lead: TestClient, demo: CertificationDemo
) -> None:
    home = lead.get("/workspace", follow_redirects=True)
    assert home.url.path == "/certification"
    assert "按状态列出的案件" in home.text
    assert f"/certification/cases/{demo.in_progress_case_id}" in home.text
    english = lead.get("/certification?lang=en").text
    for shown in ("Cases by state", "Document review", "Not accepted", "Certified"):
        assert shown in english
    case = lead.get(f"/certification/cases/{demo.in_progress_case_id}?lang=zh").text
    assert "文件评审" in case
    assert "申请方" in case


def test_the_department_oversees_and_a_suspended_body_is_stopped(
    tanji_app: App, demo: CertificationDemo
) -> None:
    province = signed_in(tanji_app, *DEMO_ACCOUNTS[3][:2])
    page = province.get("/certification?lang=en").text
    assert "Certification oversight" in page
    assert "Registered bodies" in page
    lead = signed_in(tanji_app, staff_email(0), DEMO_STAFF_PASSWORD)
    body_org = lead.get("/certification?lang=en")
    org_id = re.search(r"/certification/bodies/(\d+)", body_org.text)
    assert org_id
    url = f"/certification/bodies/{org_id.group(1)}"
    token = csrf(province, url)
    suspended = province.post(
        f"{url}/status", data={"status": "suspended", "reason": "test", "csrf_token": token}
    )
    assert suspended.status_code == 200
    try:
        case_url = f"/certification/cases/{demo.in_progress_case_id}"
        page = lead.get(f"{case_url}?lang=en").text
        assert "The case is frozen" in page
        refused = lead.post(
            f"{case_url}/steps/raise-finding",
            data={"text": "x", "kind": "observation", "csrf_token": csrf(lead, case_url)},
        )
        assert refused.status_code == 409
        assert "Suspended, not active" in refused.text
    finally:
        token = csrf(province, url)
        province.post(
            f"{url}/status", data={"status": "active", "reason": "test over", "csrf_token": token}
        )
