"""The label on the web: the demo's certified product carries a label; its public page
(no login) in both languages and as JSON by content negotiation, never cached; the GS1
Digital Link and identifier resolvers with their linkset; the label's files; a fake
report; withdrawing the certificate turns the page to "withdrawn" at the next request."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tanji.bootstrap import App
from tanji.db.models import CertificateRow, CertificationCaseRow
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.certification import cases
from tanji.services.labels import files, trust
from tanji.services.labels.demo import DEMO_GTIN, load_label_demo
from tanji.services.labels.reports import fake_reports
from tanji.services.signing import KeyRing
from tanji.web.security import secret_key

LINKSET = "application/linkset+json"


@pytest.fixture
def label(tanji_app: App) -> str:
    """The demo label's public id (made once per store)."""
    keys = KeyRing.from_secret(secret_key(tanji_app.settings))
    url = load_label_demo(tanji_app, "http://testserver", keys)
    return url.rsplit("/", 1)[1]


def test_the_public_page_in_both_languages_and_as_json(client: TestClient, label: str) -> None:
    page = client.get(f"/l/{label}?lang=zh")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert 'data-status="valid"' in page.text
    assert "有效" in page.text
    assert "CFP-" in page.text
    english = client.get(f"/l/{label}?lang=en")
    assert "This label is genuine and its certificate is in force." in english.text

    answer = client.get(f"/l/{label}", headers={"Accept": "application/json"})
    assert answer.headers["content-type"] == "application/json"
    assert "Accept" in answer.headers["vary"]
    body = answer.json()
    assert body["status"] == "valid"
    assert body["signatures_ok"] is True
    assert {s["signer"] for s in body["signatures"]} >= {"platform"}
    assert body["ledger"]["verified"] is True
    assert body["claim"]["identifiers"]["gtin"] == "0" + DEMO_GTIN

    unknown = client.get("/l/not-issued", headers={"Accept": "application/json"})
    assert (unknown.status_code, unknown.json()["status"]) == (404, "unknown")
    assert client.get("/l/not-issued").status_code == 404


def test_digital_link_and_identifier_resolution(client: TestClient, label: str) -> None:
    scan = client.get(f"/01/0{DEMO_GTIN}", follow_redirects=False)
    assert scan.status_code == 307
    assert scan.headers["location"] == f"/l/{label}"
    assert 'rel="linkset"' in scan.headers["link"]
    linkset = client.get(f"/01/0{DEMO_GTIN}?linkType=linkset")
    assert linkset.headers["content-type"] == LINKSET
    links = linkset.json()["linkset"][0]
    assert links["anchor"] == f"http://testserver/01/0{DEMO_GTIN}"
    assert links["https://gs1.org/voc/certificationInfo"][0]["href"].endswith(f"/l/{label}")
    by_accept = client.get(f"/01/{DEMO_GTIN}", headers={"Accept": LINKSET})
    assert by_accept.headers["content-type"] == LINKSET
    assert client.get(f"/01/0{DEMO_GTIN}/10/ANY", follow_redirects=False).status_code == 307
    assert client.get("/01/09506000134353").status_code == 404  # wrong check digit
    assert client.get("/id/88.100.1/NOBODY").status_code == 404


def test_files_and_a_fake_report(client: TestClient, tanji_app: App, label: str) -> None:
    for fmt, media in (("svg", "image/svg+xml"), ("pdf", "application/pdf"), ("png", "image/png")):
        answer = client.get(f"/l/{label}/label.{fmt}?size=large")
        assert answer.headers["content-type"].startswith(media)
        with tanji_app.unit_of_work() as uow:
            keys = trust.store_keys(uow.session)
        assert files.check_file(f"label.{fmt}", answer.content, keys).ok
    assert client.get(f"/l/{label}/label.svg?size=huge").status_code == 422
    page = client.get(f"/l/{label}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    sent = client.post(
        f"/l/{label}/report",
        data={"description": "超市货架上的标签数值不同", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with tanji_app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
        found = [r for r in fake_reports(uow.session, operator) if r.label == label]
    assert found[0].known_label


def test_withdrawing_the_certificate_shows_at_once(
    client: TestClient, tanji_app: App, label: str
) -> None:
    with tanji_app.unit_of_work() as uow:
        session = uow.session
        certifier = logins.authenticate(session, *DEMO_ACCOUNTS[2][:2])
        case_id = session.scalar(
            select(CertificationCaseRow.id)
            .join(CertificateRow, CertificateRow.case_id == CertificationCaseRow.id)
            .where(
                CertificateRow.status == "valid",
                CertificationCaseRow.body_org_id == certifier.org_id,
            )
        )
        assert case_id is not None
        before = client.get(f"/l/{label}", headers={"Accept": "application/json"}).json()
        assert before["status"] == "valid"
        cases.withdraw(session, certifier, case_id, reason="演示：撤销证书")
    after = client.get(f"/l/{label}", headers={"Accept": "application/json"})
    assert after.json()["status"] == "withdrawn"
    assert 'data-status="withdrawn"' in client.get(f"/l/{label}?lang=en").text
