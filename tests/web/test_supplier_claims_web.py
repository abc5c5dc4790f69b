"""A PACT answer claiming assurance is shown as claimed by the file, not as certified,
on the request page and in the workspace's supplier picker (which links it by publisher
and product id)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, token_for
from tests.web.test_workspace_pages import sign_in

from tanji.bootstrap import App
from tanji.db.models import OrganisationRow
from tanji.web.app import create_app

PACT = Path(__file__).resolve().parents[2] / "examples" / "pv" / "supplier-wafer.pact.json"
DUE = (date.today() + timedelta(days=14)).isoformat()


def test_an_imported_assurance_is_shown_as_a_claim(tanji_app: App, client: TestClient) -> None:
    lead, supplier = new_enterprise(tanji_app, "整机厂"), new_enterprise(tanji_app, "硅片厂")
    with tanji_app.unit_of_work() as uow:
        org = uow.session.get(OrganisationRow, supplier.actor.org_id)
        assert org is not None
        uscc = org.uscc
    as_lead = {"Authorization": f"Bearer {token_for(tanji_app, lead.actor)}"}
    as_supplier = {"Authorization": f"Bearer {token_for(tanji_app, supplier.actor)}"}
    body = {"product_name": "硅片", "declared_unit": "1 kg", "due_date": DUE, "supplier_uscc": uscc}
    made = client.post("/api/v1/supply/requests", json=body, headers=as_lead)
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    data = json.loads(PACT.read_text(encoding="utf-8"))
    data["pcf"]["assurance"] = {"assurance": True, "providerName": "某认证公司"}
    files = {"file": ("wafer.json", json.dumps(data).encode(), "application/json")}
    answered = client.post(
        f"/api/v1/supply/requests/{request_id}/pact", files=files, headers=as_supplier
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "self-declared"  # not "certified"
    with TestClient(create_app(tanji_app)) as browser:
        sign_in(browser, lead)
        page = browser.get(f"/supply/requests/{request_id}")
        assert page.status_code == 200
        assert "文件自称已核查，平台未核实" in page.text
        assert "某认证公司" in page.text
        picker = browser.get("/workspace/_supplier-picker?product=1&q=")
        assert picker.status_code == 200
        assert "文件自称已核查，平台未核实" in picker.text
        assert f"org:{supplier.actor.org_id}|" in picker.text
