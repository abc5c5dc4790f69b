"""``/api/v1/products``: the workspace over JSON, on SQLite and PostgreSQL.

Each test makes its own enterprise (and API token), so tests do not see each other's
products.
"""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import PASSWORD, add_member, new_enterprise, token_for

from tanji.bootstrap import App

#: Jiangsu 2022, life-cycle basis (the default): no life-cycle factor of 2022 or earlier is
#: published, so the earliest later one, national 2023 (CN-ELEC-LCA-2023-CN), kg CO2e/kWh.
#: It was 0.5978 (CN-ELEC-LOC-2022-CN-JS, CO2 only) before the life-cycle default.
JS_GRID_2022 = 0.6205
# ipcc2006-fuels IPCC2006-SC-EI-NATURAL-GAS-TJ: kg CO2, CH4, N2O per TJ × AR6 GWP100
NG_PER_TJ = 56100.0 + 1.0 * 29.8 + 0.1 * 273.0


def headers(app: App) -> dict[str, str]:
    member = new_enterprise(app)
    return {"Authorization": f"Bearer {token_for(app, member.actor)}"}


def current(client: TestClient, base: str, auth: dict[str, str]) -> dict[str, str]:
    """``auth`` with ``If-Match``: the product's ETag as it is now (a change needs it)."""
    response = client.get(base, headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    return {**auth, "If-Match": response.headers["ETag"]}


def create(client: TestClient, auth: dict[str, str], template: str = "general") -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/products",
        json={"template": template, "code": f"p-{template}", "name_zh": "测试产品"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_from_each_template_list_and_get(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    templates = client.get("/api/v1/products/templates", headers=auth).json()
    assert {t["key"] for t in templates["data"]} == {"battery", "pv", "steel", "general"}
    for template in ("battery", "pv", "steel", "general"):
        created = create(client, auth, template)
        assert created["document"]["id"] == f"p-{template}"
        assert created["rule_ref"].split("@")[0] == created["document"]["rule"].split("@")[0]
    listed = client.get("/api/v1/products", headers=auth).json()
    assert listed["count"] == 4
    assert all(p["latest"] is None for p in listed["data"])
    detail = client.get(f"/api/v1/products/{created['id']}", headers=auth).json()
    assert detail["code"] == "p-general"


def test_a_code_is_unique_and_bad_input_names_the_field(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    create(client, auth)
    again = client.post(
        "/api/v1/products",
        json={"template": "general", "code": "p-general", "name_zh": "x"},
        headers=auth,
    )
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/products",
        json={"template": "general", "code": "bad code!", "name_zh": "x"},
        headers=auth,
    )
    assert bad.status_code == 422
    assert "code" in bad.json()["error"]["message"]


def test_lines_findings_calculate_and_versions(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    product = create(client, auth)
    base = f"/api/v1/products/{product['id']}"
    findings = client.get(f"{base}/findings", headers=auth).json()
    codes = {f["code"] for f in findings["data"]}
    assert findings["rule"].startswith("general-gbt24067@")
    assert {"factor-to-choose", "quantity-to-fill"} <= codes

    # Fill the electricity and the natural gas; replace the placeholders by real lines.
    electricity = {"id": "electricity", "stage": "production", "kind": "electricity",
                   "amount": 1000, "unit": "kWh", "geography": "CN-JS", "year": 2022,
                   "data": "primary"}  # fmt: skip
    assert (
        client.put(
            f"{base}/lines/electricity", json=electricity, headers=current(client, base, auth)
        ).status_code
        == 200
    )
    gas = {"id": "natural-gas", "stage": "production", "kind": "factor", "amount": 10,
           "unit": "GJ", "factor": "ipcc2006-fuels:IPCC2006-SC-EI-NATURAL-GAS-TJ"}  # fmt: skip
    at = current(client, base, auth)
    assert client.put(f"{base}/lines/natural-gas", json=gas, headers=at).status_code == 200
    for line in ("main-material", "inbound-road"):
        deleted = client.delete(f"{base}/lines/{line}", headers=current(client, base, auth))
        assert deleted.status_code == 204
    steel = {"id": "steel", "stage": "raw_materials", "kind": "inline", "amount": 2,
             "unit": "kg", "inline": {"unit": "kg", "co2e_kg": 2.5, "publisher": "Test",
                                      "title": "A test value"}}  # fmt: skip
    assert client.post(f"{base}/lines", json=steel, headers=auth).status_code == 201
    truck = {"id": "truck", "stage": "raw_materials", "kind": "transport", "mode": "sea-bulk",
             "mass_t": 0.002, "distance_km": 1000}  # fmt: skip
    added = client.post(f"{base}/lines", json=truck, headers=auth)
    assert added.status_code == 201
    [leg] = [x for x in added.json()["document"]["lines"] if x["id"] == "truck"]
    assert leg["factor"] == "freight-transport:DESNZ2025-FREIGHT-SEA-BULK-AVG-WTW"

    findings = client.get(f"{base}/findings", headers=auth).json()
    assert findings["errors"] == 0, findings

    first = client.post(f"{base}/calculate", headers=auth)
    assert first.status_code == 201, first.text
    # Worked by hand: 1000 kWh × 0.6205 (Jiangsu 2022, life-cycle) + 0.010 TJ of natural gas
    # × (56100 CO2 + 1 CH4 × 29.8 + 0.1 N2O × 273) + 2 kg × 2.5 + 2 t·km × (0.00353 + 0.0008)
    # (DESNZ sea bulk, well-to-wheel: tank-to-wheel plus well-to-tank).
    expected = 1000 * JS_GRID_2022 + 0.010 * NG_PER_TJ + 2 * 2.5 + 2 * (0.00353 + 0.0008)
    assert first.json()["total"] == pytest.approx(expected, rel=1e-9)
    assert first.json()["result_url"] == f"/workspace/results/{first.json()['result_id']}"
    second = client.post(
        f"{base}/calculate", json={"iterations": 200, "seed": 7}, headers=auth
    ).json()
    versions = client.get(f"{base}/versions", headers=auth).json()
    assert [v["result_id"] for v in versions["data"]] == [
        second["result_id"],
        first.json()["result_id"],
    ]
    assert versions["data"][0]["iterations"] == 200
    listed = client.get("/api/v1/products", headers=auth).json()
    assert listed["data"][0]["latest"]["result_id"] == second["result_id"]


def test_a_bad_line_is_refused_with_its_field(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    gas_factor = "ipcc2006-fuels:IPCC2006-SC-EI-NATURAL-GAS-TJ"
    wrong_unit = {"id": "x", "stage": "production", "kind": "factor", "amount": 5,
                  "unit": "kg", "factor": gas_factor}  # fmt: skip
    # Refused when saved (units are checked against the factor's), naming the unit field …
    refused = client.post(f"{base}/lines", json=wrong_unit, headers=auth)
    assert refused.status_code == 422
    assert "unit" in refused.json()["error"]["fields"]
    assert "per TJ (energy)" in refused.json()["error"]["message"]
    # … as is a line without its factor, or in an unknown stage.
    no_factor = {"id": "y", "stage": "production", "kind": "factor", "amount": 1, "unit": "kg"}
    refused = client.post(f"{base}/lines", json=no_factor, headers=auth)
    assert refused.status_code == 422
    assert "factor" in refused.json()["error"]["message"]
    stage = {**no_factor, "stage": "nowhere", "factor": "a:b"}
    refused = client.post(f"{base}/lines", json=stage, headers=auth)
    assert refused.status_code == 422
    assert "nowhere" in refused.json()["error"]["message"]


def test_document_upload_yaml_download_and_excel_round_trip(
    tanji_app: App, client: TestClient
) -> None:
    auth = headers(tanji_app)
    product = create(client, auth)
    base = f"/api/v1/products/{product['id']}"
    text = client.get(f"{base}/model.yaml", headers=auth).text
    assert text.startswith("tanji: product-model/1")
    broken = text.replace("quantity: 0 kWh", "quantity: lots")
    at = current(client, base, auth)
    refused = client.put(f"{base}/document?filename=mine.yaml", content=broken, headers=at)
    assert refused.status_code == 422
    assert "mine.yaml:" in refused.json()["error"]["message"]
    changed = text.replace("quantity: 0 kWh", "quantity: 250 kWh")
    assert client.put(f"{base}/document", content=changed, headers=at).status_code == 200

    workbook = client.get(f"{base}/template.xlsx?lang=en", headers=auth)
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    amount = next(i for i, h in enumerate(header, 1) if h and "Amount" in str(h))
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["natural-gas"], column=amount, value="ten")  # a bad cell
    bad = io.BytesIO()
    book.save(bad)
    upload = client.post(
        f"{base}/activity-data",
        files={"file": ("data.xlsx", bad.getvalue(), "application/octet-stream")},
        headers=auth,
    )
    assert upload.status_code == 422
    report = upload.json()
    assert report["applied"] is False
    assert any(f"row {rows['natural-gas']}" in p for p in report["problems"])
    assert "250 kWh" in client.get(f"{base}/model.yaml", headers=auth).text  # unchanged

    sheet.cell(row=rows["natural-gas"], column=amount, value=12)
    good = io.BytesIO()
    book.save(good)
    upload = client.post(
        f"{base}/activity-data",
        files={"file": ("data.xlsx", good.getvalue(), "application/octet-stream")},
        headers=auth,
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["applied"] is True
    assert any("natural-gas" in c for c in upload.json()["changes"])
    assert "12 m3" in client.get(f"{base}/model.yaml", headers=auth).text


def test_other_tenants_get_not_found(tanji_app: App, client: TestClient) -> None:
    mine = headers(tanji_app)
    product = create(client, mine)
    theirs = headers(tanji_app)
    base = f"/api/v1/products/{product['id']}"
    for method, path in (
        ("get", base),
        ("get", f"{base}/findings"),
        ("get", f"{base}/model.yaml"),
        ("get", f"{base}/versions"),
        ("post", f"{base}/calculate"),
        ("delete", f"{base}/lines/electricity"),
        ("delete", base),
    ):
        response = client.request(method.upper(), path, headers=theirs)
        assert response.status_code == 404, (method, path, response.text)
    assert client.get("/api/v1/products", headers=theirs).json()["count"] == 0


def test_only_admins_delete_a_product(tanji_app: App, client: TestClient) -> None:
    admin = new_enterprise(tanji_app)
    auth = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor)}"}
    product = create(client, auth)
    base = f"/api/v1/products/{product['id']}"
    editor = add_member(tanji_app, admin.actor, "editor")
    editor_auth = {"Authorization": f"Bearer {token_for(tanji_app, editor.actor)}"}
    at = current(client, base, editor_auth)
    assert client.delete(f"{base}/lines/electricity", headers=at).status_code == 204
    at = current(client, base, editor_auth)
    assert client.delete(base, headers=at).status_code == 403
    assert client.delete(base, headers=auth).status_code == 428  # If-Match required
    assert client.delete(base, headers=current(client, base, auth)).status_code == 204
    assert client.get(base, headers=auth).status_code == 404


def test_openapi_describes_the_workspace(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/products",
        "/api/v1/products/{product_id}",
        "/api/v1/products/{product_id}/document",
        "/api/v1/products/{product_id}/lines/{line_id}",
        "/api/v1/products/{product_id}/findings",
        "/api/v1/products/{product_id}/template.xlsx",
        "/api/v1/products/{product_id}/activity-data",
        "/api/v1/products/{product_id}/calculate",
        "/api/v1/products/{product_id}/versions",
    ):
        assert path in paths, path


FACTS = {
    "name_zh": "小部件", "name_en": "Widget", "declared_unit": "1 piece",
    "output": "2000 piece", "company": "测试企业", "site": "江苏苏州",
    "boundary": "cradle-to-gate", "period_start": "2025-01-01", "period_end": "2025-12-31",
    "company_code": "W-1",
}  # fmt: skip


def test_facts_are_changed_and_bad_ones_named_by_field(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    product = create(client, auth)
    base = f"/api/v1/products/{product['id']}"
    changed = client.put(f"{base}/facts", json=FACTS, headers=current(client, base, auth))
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["name_zh"], body["name_en"]) == ("小部件", "Widget")
    assert body["document"]["output"] == "2000 piece"
    assert body["document"]["product"]["reference_period"] == {
        "start": "2025-01-01", "end": "2025-12-31",
    }  # fmt: skip
    assert body["document"]["product"]["identifiers"] == {"company_code": "W-1"}
    assert client.get("/api/v1/products", headers=auth).json()["data"][0]["name_en"] == "Widget"

    bad = client.put(
        f"{base}/facts",
        json={**FACTS, "declared_unit": "one", "period_start": "2025-13-01"},
        headers=current(client, base, auth),
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"declared_unit", "period_start"}
    assert client.get(base, headers=auth).json()["document"]["product"]["declared_unit"] == (
        "1 piece"
    )


def test_facts_need_product_write_in_ones_own_workspace(tanji_app: App, client: TestClient) -> None:
    admin = new_enterprise(tanji_app)
    auth = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor)}"}
    base = f"/api/v1/products/{create(client, auth)['id']}"
    # A viewer (signed in; viewers hold no API token) and a read-only token: 403.
    viewer = add_member(tanji_app, admin.actor, "viewer")
    login = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf
    form = {"email": viewer.email, "password": PASSWORD, "csrf_token": csrf.group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    as_viewer = {"X-CSRF-Token": csrf.group(1)}
    assert client.get(base, headers=as_viewer).status_code == 200
    assert client.put(f"{base}/facts", json=FACTS, headers=as_viewer).status_code == 403
    client.cookies.clear()
    read_only = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor, ['product.read'])}"}
    assert client.put(f"{base}/facts", json=FACTS, headers=read_only).status_code == 403
    assert client.put(f"{base}/facts", json=FACTS, headers=headers(tanji_app)).status_code == 404
    assert client.get(base, headers=auth).json()["name_en"] == ""
