"""Garbage is refused where it is typed (issue 20): amounts finite and bounded, factors
bounded, names of a documented length — by the forms, the API, YAML and the Excel upload,
each problem named by its field. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web.test_workspace_api import FACTS, create, current, headers

from tanji.bootstrap import App
from tanji.domain.bounds import MAX_AMOUNT, MAX_NAME

INLINE = {"unit": "kg", "co2e_kg": 2.5, "publisher": "Test", "title": "A test value"}
LINE = {"id": "steel", "stage": "raw_materials", "kind": "inline", "amount": 2, "unit": "kg",
        "inline": INLINE}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 1e308}, "amount"),
        ({"amount": MAX_AMOUNT * 10}, "amount"),
        ({"inline": {**INLINE, "co2e_kg": 1e308}}, "inline_co2e"),
        ({"name": "长" * 6000}, "name"),
    ],
)
def test_a_line_out_of_bounds_is_refused_by_field(
    tanji_app: App, client: TestClient, change: dict[str, object], field: str
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    refused = client.post(f"{base}/lines", json={**LINE, **change}, headers=auth)
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["error"]["fields"]
    assert client.post(f"{base}/lines", json=LINE, headers=auth).status_code == 201


def test_transport_out_of_bounds_is_refused(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    leg = {"id": "t", "stage": "raw_materials", "kind": "transport", "mode": "road",
           "mass_t": 1e308, "distance_km": 1e308}  # fmt: skip
    refused = client.post(f"{base}/lines", json=leg, headers=auth)
    assert refused.status_code == 422
    assert {"mass_t", "distance_km"} <= set(refused.json()["error"]["fields"])


def test_an_output_of_1e308_and_a_long_name_are_refused(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    facts = {**FACTS, "declared_unit": "1 kWh", "output": "1e308 kWh", "name_en": "x" * 6000}
    refused = client.put(f"{base}/facts", json=facts, headers=current(client, base, auth))
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"output", "name_en"}
    long_name = client.post(
        "/api/v1/products",
        json={"template": "general", "code": "long", "name_zh": "长" * (MAX_NAME + 1)},
        headers=auth,
    )
    assert long_name.status_code == 422
    assert "name_zh" in long_name.json()["error"]["fields"]


def test_an_uploaded_model_out_of_bounds_is_refused(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    text = client.get(f"{base}/model.yaml", headers=auth).text
    huge = text.replace("\nproduct:\n", "\noutput: 1e999 piece\nproduct:\n", 1)
    assert huge != text
    refused = client.put(f"{base}/document", content=huge, headers=current(client, base, auth))
    assert refused.status_code == 422, refused.text
    assert "output" in refused.json()["error"]["message"]
    assert "finite" in refused.json()["error"]["message"]
