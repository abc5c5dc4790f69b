"""Green supply chains over HTTP, on both stores: the API (a request, the supplier's
PACT answer, coverage; another supplier is told "not found") and the pages in Chinese
and English (a form error named next to its field, a supplier's answer)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, token_for
from tests.web.test_workspace_pages import csrf_of, sign_in

from tanji.bootstrap import App
from tanji.db.models import OrganisationRow
from tanji.web.app import create_app

PACT = Path(__file__).resolve().parents[2] / "examples" / "pv" / "supplier-wafer.pact.json"
DUE = (date.today() + timedelta(days=14)).isoformat()


def _uscc(app: App, org_id: int) -> str:
    with app.unit_of_work() as uow:
        org = uow.session.get(OrganisationRow, org_id)
        assert org is not None
        assert org.uscc is not None
        return org.uscc


def test_the_api_asks_answers_and_keeps_suppliers_apart(tanji_app: App, client: TestClient) -> None:
    lead, supplier, other = (new_enterprise(tanji_app, n) for n in ("整机厂", "硅片厂", "另一家"))
    as_lead = {"Authorization": f"Bearer {token_for(tanji_app, lead.actor)}"}
    as_supplier = {"Authorization": f"Bearer {token_for(tanji_app, supplier.actor)}"}
    as_other = {"Authorization": f"Bearer {token_for(tanji_app, other.actor)}"}
    body = {
        "product_name": "硅片", "declared_unit": "1 kg", "due_date": DUE,
        "supplier_uscc": _uscc(tanji_app, supplier.actor.org_id), "mass_kg": 250, "spend_cny": 8000,
    }  # fmt: skip
    made = client.post("/api/v1/supply/requests", json=body, headers=as_lead)
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert made.json()["status"] == "requested"
    bad = client.post(
        "/api/v1/supply/requests", json={**body, "supplier_uscc": ""}, headers=as_lead
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"supplier"}
    inbox = client.get("/api/v1/supply/inbox", headers=as_supplier).json()
    assert [r["id"] for r in inbox["data"]] == [request_id]
    assert inbox["data"][0]["mass_kg"] is None  # the lead firm's purchase is its own
    assert inbox["data"][0]["spend_cny"] is None
    for path in (f"/api/v1/supply/requests/{request_id}",):
        assert client.get(path, headers=as_other).status_code == 404
    refused = client.post(
        f"/api/v1/supply/requests/{request_id}/decline", json={"reason": "x"}, headers=as_other
    )
    assert refused.status_code == 404
    assert client.get("/api/v1/supply/inbox", headers=as_other).json()["count"] == 0
    files = {"file": (PACT.name, PACT.read_bytes(), "application/json")}
    answered = client.post(
        f"/api/v1/supply/requests/{request_id}/pact", files=files, headers=as_supplier
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "self-declared"
    again = client.post(
        f"/api/v1/supply/requests/{request_id}/decline",
        json={"reason": "迟了"},
        headers=as_supplier,
    )
    assert again.status_code == 409
    chain = client.get("/api/v1/supply/coverage", headers=as_lead).json()
    assert chain["with_data"] == 1
    assert chain["mass_with_data"] == 1.0
    assert chain["mass_certified"] == 0.0


def test_the_pages_in_chinese_and_english(tanji_app: App) -> None:
    lead, supplier = new_enterprise(tanji_app, "整机厂"), new_enterprise(tanji_app, "外壳厂")
    uscc = _uscc(tanji_app, supplier.actor.org_id)
    with TestClient(create_app(tanji_app)) as browser:
        token = sign_in(browser, lead)
        page = browser.get("/supply")
        assert page.status_code == 200
        assert "请求碳足迹" in page.text
        refused = browser.post(
            "/supply/requests",
            data={"csrf_token": token, "supplier_uscc": uscc, "product_name": "",
                  "declared_unit": "1 kg", "due_date": DUE},
        )  # fmt: skip
        assert refused.status_code == 422
        assert "必填：采购的产品" in refused.text
        made = browser.post(
            "/supply/requests",
            data={"csrf_token": token, "supplier_uscc": uscc, "product_name": "外壳",
                  "declared_unit": "1 kg", "due_date": DUE},
            follow_redirects=False,
        )  # fmt: skip
        assert made.status_code == 303
        request_url = made.headers["location"]
        assert "已请求" in browser.get(request_url).text
    with TestClient(create_app(tanji_app)) as browser:
        sign_in(browser, supplier)
        english = browser.get("/supply/inbox?lang=en")
        assert "Footprint requests to you" in english.text
        assert "外壳" in english.text
        page = browser.get(request_url)
        assert "Decline the request" in page.text
        declined = browser.post(
            f"{request_url}/decline",
            data={"csrf_token": csrf_of(page.text), "reason": "Not our product"},
        )
        assert declined.status_code == 200
        assert "Declined" in declined.text
        notices = browser.get("/notifications").text
        assert "asks for the carbon footprint of 外壳" in notices


def test_every_notice_kind_has_a_sentence_in_both_languages() -> None:
    from tanji.services.certification.notifications import KINDS, SUPPLY_KINDS
    from tanji.web.i18n import translations
    from tanji.web.ui.certification.text import NOTICES, notice_text

    assert set(KINDS) <= set(NOTICES)
    params = {
        "supply_request": 1,
        "lead": "甲",
        "supplier": "乙",
        "product": "丙",
        "due": "2027-01-01",
    }
    for kind in SUPPLY_KINDS:
        zh = notice_text(kind, params, translations("zh").gettext)
        en = notice_text(kind, params, translations("en").gettext)
        assert "丙" in zh
        assert "丙" in en
        assert zh != en


def test_an_email_request_shows_its_link_and_the_invited_address_claims_it(
    tanji_app: App,
) -> None:
    lead, invited = new_enterprise(tanji_app, "整机厂"), new_enterprise(tanji_app, "新供应商")
    with TestClient(create_app(tanji_app)) as browser:
        token = sign_in(browser, lead)
        made = browser.post(
            "/supply/requests",
            data={"csrf_token": token, "supplier_email": invited.email.upper(),
                  "product_name": "密封圈", "declared_unit": "1 kg", "due_date": DUE},
        )  # fmt: skip
        assert made.status_code == 200
        assert "未配置邮件服务器" in made.text  # no mail server: the link to hand over
        assert "/supply/inbox" in made.text
        request_url = str(made.url).split("?")[0].removeprefix("http://testserver")
    with TestClient(create_app(tanji_app)) as browser:
        token = sign_in(browser, invited)
        assert "密封圈" in browser.get("/supply/inbox").text
        page = browser.get(request_url)
        assert "认领到我的组织" in page.text
        claimed = browser.post(f"{request_url}/claim", data={"csrf_token": token})
        assert claimed.status_code == 200
        assert "认领到我的组织" not in claimed.text
        assert "拒绝这条请求" in claimed.text
