"""Numbers beyond every bound already in the store (written before the bounds, or by
hand) never make a page a 500 (issue 20): a covered production of 1e308 kWh, a line
factor of 1e308 — the product page shows, its delete button stays reachable, and
calculating says what is wrong on the product page. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise
from tests.web.test_workspace_pages import new_product, sign_in

from tanji.bootstrap import App
from tanji.db.models import ProductRow

HUGE_OUTPUT = {"output": "1e308 kWh", "product": {"declared_unit": "1 kWh"}}


def _store(app: App, product_id: int, change: dict[str, Any]) -> None:
    """Change the stored document behind the services' back (as an old store holds it)."""
    with app.unit_of_work() as uow:
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        document = json.loads(row.document)
        for key, value in change.items():
            if isinstance(value, dict):
                document[key] = {**document.get(key, {}), **value}
            else:
                document[key] = value
        if "lines" in change:
            document["lines"] = change["lines"]
        row.document = json.dumps(document, ensure_ascii=False)


def _huge_factor(app: App, product_id: int) -> dict[str, Any]:
    with app.unit_of_work() as uow:
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        lines = json.loads(row.document)["lines"]
    for line in lines:
        if line["id"] == "main-material":
            line["quantity"] = "2 kg"
            line["factor"] = {**line["factor"], "co2e_kg": 1e308}
    return {"lines": lines}


@pytest.mark.parametrize("kind", ["output", "factor"])
def test_a_stored_number_of_1e308_never_makes_a_500(
    tanji_app: App, client: TestClient, kind: str
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token, template="general", code=f"huge-{kind}")
    change = HUGE_OUTPUT if kind == "output" else _huge_factor(tanji_app, product_id)
    _store(tanji_app, product_id, change)
    base = f"/workspace/products/{product_id}"
    for language in ("zh", "en"):
        page = client.get(f"{base}?lang={language}")
        assert page.status_code == 200, page.text[:500]
        assert f'action="{base}/delete"' in page.text
        assert "Internal Server Error" not in page.text
    calculated = client.post(
        f"{base}/calculate?lang=zh", data={"csrf_token": token, "iterations": "0"},
        follow_redirects=False,
    )  # fmt: skip
    assert calculated.status_code in (303, 422), calculated.text[:500]
    if calculated.status_code == 303:
        assert client.get(calculated.headers["location"]).status_code == 200
    assert client.get(f"{base}/model.yaml").status_code == 200  # to correct it
    deleted = client.post(f"{base}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert deleted.status_code == 303, deleted.text[:500]


def test_a_line_factor_of_1e308_typed_in_the_form_is_named_not_a_500(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token, template="general", code="huge-line")
    line = {"csrf_token": token, "id": "steel", "stage": "raw_materials", "kind": "inline",
            "amount": "2", "unit": "kg", "inline_unit": "kg", "inline_co2e": "1e308",
            "inline_publisher": "Test", "inline_title": "A value"}  # fmt: skip
    url = f"/workspace/products/{product_id}/lines?lang=zh"
    htmx = client.post(url, data=line, headers={"HX-Request": "true"})
    assert htmx.status_code == 200  # htmx swaps it: the form with the field's problem
    assert htmx.headers["HX-Retarget"] == "#line-form"
    assert "has-error" in htmx.text
    page = client.post(url, data=line)
    assert page.status_code == 422
    assert "has-error" in page.text
