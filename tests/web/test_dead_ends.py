"""No dead ends (issue 20): a failed calculation job says so and leads back to the
product; a product's company is its organisation's name, not free text; the operator's
product list names each product's organisation. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import secrets
import time

from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, new_enterprise, token_for
from tests.web.test_workspace_api import FACTS, current
from tests.web.test_workspace_pages import new_product, sign_in

from tanji.bootstrap import App
from tanji.db.models import ProductRow
from tanji.services import accounts


def test_a_failed_calculation_job_is_titled_failed_and_leads_back(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token, template="general", code="fails")
    with tanji_app.unit_of_work() as uow:  # a factor gone from the library since it was saved
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        row.document = row.document.replace("cn-fuels:CN-NDRC-NATURAL-GAS-M3", "cn-fuels:GONE")
    submitted = client.post(
        f"/workspace/products/{product_id}/calculate",
        data={"csrf_token": token, "iterations": "100", "seed": "1"},
        follow_redirects=False,
    )
    assert submitted.headers["location"].startswith("/jobs/")
    job_url = submitted.headers["location"]
    deadline = time.monotonic() + 30
    while client.get(f"/api/v1{job_url}").json()["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for language, title in (
        ("zh", "无法计算碳足迹"),
        ("en", "The footprint could not be calculated"),
    ):
        page = client.get(f"{job_url}?lang={language}")
        assert page.status_code == 200
        assert re.search(rf"<h1>\s*{title}\s*</h1>", page.text), page.text
        assert "正在计算碳足迹" not in page.text
        assert f'href="/workspace/products/{product_id}"' in page.text
        assert 'id="job-back"' in page.text


def test_the_company_is_the_organisations_name(tanji_app: App, client: TestClient) -> None:
    member = new_enterprise(tanji_app, "苏州示例电池")
    auth = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    created = client.post(
        "/api/v1/products",
        json={"template": "general", "code": "c1", "name_zh": "电芯", "company": "别的公司"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    base = f"/api/v1/products/{created.json()['id']}"
    organisation = f"苏州示例电池 {member.email}"
    assert created.json()["document"]["product"]["company"] == organisation
    facts = {**FACTS, "company": "另一家公司"}
    changed = client.put(f"{base}/facts", json=facts, headers=current(client, base, auth))
    assert changed.status_code == 200, changed.text
    assert changed.json()["document"]["product"]["company"] == organisation
    text = client.get(f"{base}/model.yaml", headers=auth).text
    uploaded = client.put(
        f"{base}/document",
        content=re.sub(r"company: .*", "company: 冒名公司", text)
        if "company:" in text
        else text.replace("product:\n", "product:\n  company: 冒名公司\n", 1),
        headers=current(client, base, auth),
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["document"]["product"]["company"] == organisation
    page = client.get(f"/workspace/products/{created.json()['id']}", headers=auth)
    assert f'<dd translate="no">{organisation}</dd>' in page.text


def test_the_operators_product_list_names_the_organisation(
    tanji_app: App, client: TestClient
) -> None:
    first, second = new_enterprise(tanji_app, "甲企业"), new_enterprise(tanji_app, "乙企业")
    for member, code in ((first, "p-a"), (second, "p-b")):
        auth = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
        body = {"template": "general", "code": code, "name_zh": f"产品{code}"}
        assert client.post("/api/v1/products", json=body, headers=auth).status_code == 201
    with tanji_app.unit_of_work() as uow:
        operator = accounts.ensure_platform_admin(
            uow.session, f"op-{secrets.token_hex(3)}@example.com", PASSWORD
        )
    auth = {"Authorization": f"Bearer {token_for(tanji_app, operator)}"}
    # The operator lands on the organisations; the product list is one click away.
    page = client.get("/workspace?view=products&lang=zh", headers=auth)
    assert page.status_code == 200
    table = page.text[page.text.index('id="products"') :]
    assert "<th>所属机构</th>" in table
    assert f"甲企业 {first.email}" in table
    assert f"乙企业 {second.email}" in table
    # An enterprise sees only its own products: no organisation column.
    own = client.get(
        "/workspace?lang=zh",
        headers={"Authorization": f"Bearer {token_for(tanji_app, first.actor)}"},
    )
    assert f"甲企业 {first.email}" not in own.text[own.text.index('id="products"') :]
