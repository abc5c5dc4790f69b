"""The workspace pages in a browser's shoes: signed in through ``/login``, forms with the
session's CSRF token, htmx partials, in Chinese and English, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import PASSWORD, Member, add_member, new_enterprise

from tanji.bootstrap import App


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, member: Member) -> str:
    """Sign in with the login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": member.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/workspace").text)


def new_product(
    client: TestClient, token: str, template: str = "battery", code: str = "cell"
) -> int:
    response = client.post(
        "/workspace/products",
        data={
            "template": template,
            "code": code,
            "name_zh": "电芯",
            "name_en": "Cell",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = re.search(r"/workspace/products/(\d+)$", response.headers["location"])
    assert found
    return int(found.group(1))


def test_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/workspace", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_workspace_and_product_pages_in_chinese_and_english(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    empty = client.get("/workspace?lang=zh")
    assert "新建产品" in empty.text
    assert "锂离子电池" in empty.text
    product_id = new_product(client, token)
    zh = client.get(f"/workspace/products/{product_id}")
    assert zh.status_code == 200
    assert "生命周期" in zh.text
    assert "核查依据" in zh.text
    assert "cn-battery-declaration@" in zh.text
    assert "待选择排放因子" in zh.text  # the template's placeholders are flagged
    en = client.get(f"/workspace/products/{product_id}?lang=en")
    assert "Life cycle" in en.text
    assert "Findings" in en.text
    assert "factor-to-choose" in en.text
    assert "X-CSRF-Token" in en.text
    listing = client.get("/workspace?lang=en")
    assert f"/workspace/products/{product_id}" in listing.text
    assert "not calculated yet" in listing.text


def test_a_new_product_form_shows_its_problems(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    new_product(client, token, code="dup")
    response = client.post(
        "/workspace/products?lang=en",
        data={"template": "pv", "code": "dup", "name_zh": "组件", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "already used" in response.text
    without_csrf = client.post("/workspace/products", data={"template": "pv", "code": "x"})
    assert without_csrf.status_code == 403


def test_line_forms_through_htmx_refresh_the_findings(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token)
    base = f"/workspace/products/{product_id}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    form = client.get(f"{base}/lines/_form?fresh=true&lang=en", headers=htmx)
    assert 'name="kind"' in form.text
    assert "Add a line" in form.text
    transport = client.get(f"{base}/lines/_form?kind=transport&mode=sea-container&lang=en",
                           headers=htmx)  # fmt: skip
    assert "Mass carried (t)" in transport.text
    assert client.get("/workspace/_tkm?mass_t=2&distance_km=150", headers=htmx).text.count("300")

    # A transport leg by sea takes the shipped factor; the model and findings come back.
    added = client.post(
        f"{base}/lines",
        data={
            "kind": "transport",
            "id": "export",
            "stage": "distribution",
            "mode": "sea-container",
            "mass_t": "3",
            "distance_km": "9000",
        },
        headers=htmx,
    )
    assert added.status_code == 200
    assert "freight-transport:DESNZ2025-FREIGHT-SEA-CONTAINER-AVG-WTW" in added.text
    assert 'id="line-form" hx-swap-oob' in added.text

    # A bad number comes back in the form, next to its field, and nothing is saved.
    bad = client.post(
        f"{base}/lines",
        data={
            "kind": "factor",
            "id": "coal",
            "stage": "production",
            "amount": "lots",
            "unit": "t",
            "factor": "ipcc2006-fuels:IPCC2006-SC-EI-COKING-COAL-T",
        },
        headers=htmx,
    )
    assert bad.headers["HX-Retarget"] == "#line-form"
    assert "expected a number" in bad.text
    assert "coal" not in client.get(f"{base}/model.yaml").text

    # Edit the electricity line (a fresh form for it), then delete a placeholder line.
    edit = client.get(f"{base}/lines/_form?line_id=electricity&fresh=true", headers=htmx)
    assert 'value="electricity"' in edit.text
    saved = client.post(
        f"{base}/lines/electricity",
        data={
            "kind": "electricity",
            "id": "electricity",
            "stage": "production",
            "process": "battery-manufacturing",
            "data": "primary",
            "amount": "4000",
            "unit": "MWh",
            "geography": "CN-JS",
            "year": "2022",
            "basis": "location",  # the CO2-only factor, asked for instead of the rule's
            "market_0_instrument": "green-certificate",
            "market_0_ids": "GEC-1, GEC-2",
            "market_0_evidence": "registry record",
        },
        headers=htmx,
    )
    assert saved.status_code == 200
    text = client.get(f"{base}/model.yaml").text
    assert "4000 MWh" in text
    assert "GEC-2" in text
    assert "basis: location" in text
    again = client.get(f"{base}/lines/_form?line_id=electricity&fresh=true", headers=htmx)
    assert '<option value="location" selected>' in again.text  # kept when edited again
    deleted = client.post(f"{base}/lines/anode/delete", headers=htmx)
    assert deleted.status_code == 200
    assert "anode" not in client.get(f"{base}/model.yaml").text


def test_factor_picker_shows_source_year_and_quality(tanji_app: App, client: TestClient) -> None:
    sign_in(client, new_enterprise(tanji_app))
    page = client.get("/workspace/_factor-picker?product=1&q=natural%20gas&lang=en")
    assert "IPCC2006-SC-EI-NATURAL-GAS-TJ" in page.text
    assert "Year" in page.text
    assert "Data quality (DQR)" in page.text
    assert "Source" in page.text
    assert "/workspace/products/1/lines/_form" in page.text


def test_excel_yaml_and_calculate_from_the_page(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token, template="general", code="widget")
    base = f"/workspace/products/{product_id}"
    workbook = client.get(f"{base}/template.xlsx?lang=zh")
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book.worksheets[0]
    sheet.cell(row=2, column=1, value="no-such-line")
    bad = io.BytesIO()
    book.save(bad)
    report = client.post(
        f"{base}/activity-data?lang=en",
        data={"csrf_token": token},
        files={"file": ("filled.xlsx", bad.getvalue())},
    )
    assert report.status_code == 422
    assert "Not applied" in report.text
    assert "no-such-line" in report.text

    yaml_text = client.get(f"{base}/model.yaml").text
    refused = client.post(
        f"{base}/document?lang=en",
        data={"csrf_token": token},
        files={"file": ("mine.yaml", yaml_text.replace("id: widget", "id: other"))},
    )
    assert refused.status_code == 422
    assert "the product&#39;s code" in refused.text

    calculated = client.post(
        f"{base}/calculate", data={"csrf_token": token, "iterations": "0"}, follow_redirects=False
    )
    assert calculated.status_code == 303
    assert re.match(r"/workspace/results/\d+$", calculated.headers["location"])
    page = client.get(f"{base}?lang=en")
    assert calculated.headers["location"] in page.text  # the version list links it
    monte_carlo = client.post(
        f"{base}/calculate", data={"csrf_token": token, "iterations": "100", "seed": "3"},
        follow_redirects=False,
    )  # fmt: skip
    assert monte_carlo.status_code == 303
    assert monte_carlo.headers["location"].startswith("/jobs/")


def test_other_tenants_and_viewers(tanji_app: App, client: TestClient) -> None:
    owner = new_enterprise(tanji_app)
    token = sign_in(client, owner)
    product_id = new_product(client, token)
    viewer = add_member(tanji_app, owner.actor, "viewer")
    client.cookies.clear()
    sign_in(client, viewer)
    page = client.get(f"/workspace/products/{product_id}?lang=en")
    assert page.status_code == 200
    assert "Add a line" not in page.text
    client.cookies.clear()
    other = sign_in(client, new_enterprise(tanji_app))
    assert client.get(f"/workspace/products/{product_id}").status_code == 404
    assert client.get(f"/workspace/products/{product_id}/model.yaml").status_code == 404
    response = client.post(
        f"/workspace/products/{product_id}/lines/anode/delete", data={"csrf_token": other}
    )
    assert response.status_code == 404


def test_the_facts_form_saves_and_shows_problems_by_field(
    tanji_app: App, client: TestClient
) -> None:
    owner = new_enterprise(tanji_app)
    token = sign_in(client, owner)
    product_id = new_product(client, token)
    base = f"/workspace/products/{product_id}"
    assert f'hx-get="{base}/facts/_form"' in client.get(f"{base}?lang=en").text
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    form = client.get(f"{base}/facts/_form?lang=en", headers=htmx)
    assert "Edit the product's facts" in form.text
    assert 'name="declared_unit" type="text" value="1 kWh"' in form.text
    facts = {
        "name_zh": "磷酸铁锂电芯", "name_en": "LFP cell", "declared_unit": "1 kWh",
        "output": "80000 kWh", "company": "示例电池有限公司", "site": "江苏常州",
        "boundary": "cradle-to-grave", "period_start": "2025-01-01", "period_end": "2025-12-31",
    }  # fmt: skip

    # A bad unit and a period that ends before it starts come back next to their fields.
    bad = client.post(
        f"{base}/facts",
        data={**facts, "declared_unit": "1 zorkmid", "period_end": "2024-12-31"},
        headers=htmx,
    )
    assert bad.status_code == 200
    assert 'id="pf-declared_unit-error"' in bad.text
    assert 'id="pf-period_end-error"' in bad.text
    assert "zorkmid" in bad.text  # the form keeps what was typed
    assert "80000 kWh" not in client.get(f"{base}/model.yaml").text
    # Without htmx, the page comes back with the form open (422), in Chinese.
    page = client.post(
        f"{base}/facts?lang=zh", data={**facts, "output": "3 kg", "csrf_token": token}
    )
    assert page.status_code == 422
    assert "产品信息未保存" in page.text
    assert 'id="pf-output-error"' in page.text

    saved = client.post(f"{base}/facts", data=facts, headers=htmx)
    assert saved.status_code == 204
    assert saved.headers["HX-Redirect"] == base
    shown = client.get(f"{base}?lang=en").text
    assert "LFP cell" in shown
    assert "80000 kWh" in client.get(f"{base}/model.yaml").text
    assert "cradle to grave" in shown  # the boundary in words

    # A viewer sees no Edit button and may not save; another tenant finds nothing.
    viewer = add_member(tanji_app, owner.actor, "viewer")
    client.cookies.clear()
    viewer_token = sign_in(client, viewer)
    assert f"{base}/facts/_form" not in client.get(f"{base}?lang=en").text
    refused = client.post(f"{base}/facts", data={**facts, "csrf_token": viewer_token})
    assert refused.status_code == 403
    client.cookies.clear()
    other = sign_in(client, new_enterprise(tanji_app))
    assert client.get(f"{base}/facts/_form").status_code == 404
    assert client.post(f"{base}/facts", data={**facts, "csrf_token": other}).status_code == 404


def test_library_search_finds_freight_and_natural_gas_per_m3(
    tanji_app: App, client: TestClient
) -> None:
    sign_in(client, new_enterprise(tanji_app))
    road = client.get("/factors", params={"q": "公路货运", "lang": "zh"})
    assert "DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW" in road.text
    assert "英国数据，作中国替代值" in road.text  # marked as a UK proxy for China
    gas = client.get("/factors", params={"q": "natural gas m3", "lang": "en"})
    assert "CN-NDRC-NATURAL-GAS-M3" in gas.text
    assert "NDRC" in gas.text
    picker = client.get("/workspace/_factor-picker", params={"product": 1, "q": "天然气"})
    assert "CN-NDRC-NATURAL-GAS-NM3" in picker.text
