"""Lines are checked against the factor library when saved (issue 20): an unknown factor,
a unit the factor does not count, refused where typed with a plain message; a negative
factor warned. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.web.test_workspace_api import create, current, headers

from tanji.bootstrap import App

PER_KWH = "cn-electricity:CN-ELEC-LCA-2023-CN"
PER_TJ = "ipcc2006-fuels:IPCC2006-SC-EI-NATURAL-GAS-TJ"
PER_M3 = "cn-fuels:CN-NDRC-NATURAL-GAS-M3"
TRANSPORT = {"id": "t", "stage": "production", "kind": "transport", "mode": "road",
             "mass_t": 1, "distance_km": 10, "factor": "freight-transport:NOPE"}  # fmt: skip


def _line(amount: float, unit: str, factor: str) -> dict[str, object]:
    return {"id": "x", "stage": "production", "kind": "factor", "amount": amount,
            "unit": unit, "factor": factor}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (_line(5, "kg", PER_KWH), "unit", ["in kg (mass)", "per kWh (energy)"]),
        (_line(100, "m3", PER_TJ), "unit", ["in m3 (volume)", "per TJ", "a factor per m3"]),
        (_line(5, "kg", "freight-transport:NOPE"), "factor", ["freight-transport:NOPE"]),
        (TRANSPORT, "factor", ["no factor freight-transport:NOPE"]),
        (
            {
                "id": "x",
                "stage": "production",
                "kind": "activity",
                "amount": 1,
                "unit": "kg",
                "activity": "nope-lci:NOPE",
            },
            "activity",
            ["no LCI activity nope-lci:NOPE"],
        ),
        (
            {
                "id": "x",
                "stage": "production",
                "kind": "supplier",
                "amount": 1,
                "unit": "kg",
                "supplier": "no-such-part",
            },
            "supplier",
            ["supplier product no-such-part"],
        ),
    ],
)
def test_a_line_the_library_cannot_compute_is_refused_when_saved(
    tanji_app: App, client: TestClient, line: dict[str, object], field: str, words: list[str]
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    refused = client.post(f"{base}/lines", json=line, headers=auth)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert field in error["fields"]
    for word in words:
        assert word in error["message"]
    assert "[mass]" not in error["message"]
    assert "dimensionality" not in error["message"]
    document = client.get(base, headers=auth).json()["document"]
    assert line["id"] not in {x["id"] for x in document["lines"]}


def test_a_line_in_the_factors_kind_of_unit_is_saved(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    for line in (_line(100, "m3", PER_M3), {**_line(10, "GJ", PER_TJ), "id": "y"}):
        assert client.post(f"{base}/lines", json=line, headers=auth).status_code == 201


def test_an_uploaded_model_naming_a_missing_factor_is_refused(
    tanji_app: App, client: TestClient
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    text = client.get(f"{base}/model.yaml", headers=auth).text
    assert PER_M3 in text
    refused = client.put(
        f"{base}/document",
        content=text.replace(PER_M3, "cn-fuels:NOPE"),
        headers=current(client, base, auth),
    )
    assert refused.status_code == 422
    assert "cn-fuels:NOPE" in refused.json()["error"]["message"]


def test_a_negative_factor_is_warned(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    negative = {"id": "credit", "stage": "production", "kind": "inline", "amount": 1,
                "unit": "kg", "inline": {"unit": "kg", "co2e_kg": -3, "publisher": "Test",
                                         "title": "A value"}}  # fmt: skip
    assert client.post(f"{base}/lines", json=negative, headers=auth).status_code == 201
    found = client.get(f"{base}/findings", headers=auth).json()["data"]
    [warning] = [f for f in found if f["code"] == "negative-factor"]
    assert warning["severity"] == "warning"
    assert "credit" in warning["message"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"amount": 2e9, "unit": "t"}, "implausible-amount"),  # 2 × 10¹² kg
        ({"inline": {"unit": "g", "co2e_kg": 500, "publisher": "Test", "title": "A value"}},
         "implausible-factor"),  # 500 kg CO2e per g = 5 × 10⁵ per kg
    ],
)  # fmt: skip
def test_an_implausible_amount_or_factor_is_warned(
    tanji_app: App, client: TestClient, line: dict[str, object], code: str
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    inline = {"unit": "kg", "co2e_kg": 2, "publisher": "Test", "title": "A value"}
    body = {"id": "odd", "stage": "production", "kind": "inline", "amount": 1, "unit": "kg",
            "inline": inline, **line}  # fmt: skip
    if body["inline"] is not inline:
        body["unit"] = "g"
    assert client.post(f"{base}/lines", json=body, headers=auth).status_code == 201
    found = client.get(f"{base}/findings", headers=auth).json()["data"]
    [warning] = [f for f in found if f["code"] == code]
    assert warning["severity"] == "warning"
    assert "odd" in warning["message"]
    page = client.get(f"/workspace/products/{base.rsplit('/', 1)[1]}?lang=en", headers=auth)
    assert "beyond" in page.text  # listed with the findings on the product page
