"""Numbers shown right (issue 20): every factor with its own unit on the result page,
small values with their significant digits, and a model version that advances with
every saved change. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.test_workspace_api import FACTS, create, current, headers

from tanji.bootstrap import App

GAS = "ipcc2006-fuels:IPCC2006-SC-EI-NATURAL-GAS-TJ"
SOURCE = {"publisher": "Test", "title": "A value"}


def _sources(page: str) -> str:
    start = page.index('id="sources"')
    return page[start : page.index("</section>", start)]


def test_each_factor_is_shown_per_its_own_unit(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    for line in ("main-material", "inbound-road"):
        client.delete(f"{base}/lines/{line}", headers=current(client, base, auth))
    lines = {
        "electricity": {"id": "electricity", "stage": "production", "kind": "electricity",
                        "amount": 12, "unit": "MWh", "geography": "CN-JS", "year": 2022},
        "natural-gas": {"id": "natural-gas", "stage": "production", "kind": "factor",
                        "amount": 10, "unit": "GJ", "factor": GAS},
    }  # fmt: skip
    for line_id, line in lines.items():
        changed = client.put(
            f"{base}/lines/{line_id}", json=line, headers=current(client, base, auth)
        )
        assert changed.status_code == 200, changed.text
    steel = {"id": "steel", "stage": "raw_materials", "kind": "inline", "amount": 2, "unit": "t",
             "inline": {"unit": "kg", "co2e_kg": 2.4, **SOURCE}}  # fmt: skip
    assert client.post(f"{base}/lines", json=steel, headers=auth).status_code == 201
    result = client.post(f"{base}/calculate", headers=auth)
    assert result.status_code == 201, result.text
    for language in ("zh", "en"):
        page = client.get(f"{result.json()['result_url']}?lang={language}", headers=auth).text
        table = re.sub(r"\s+", " ", _sources(page))
        # Before: "0.6205 / MWh", "56,157 / GJ", "2.4 / t" — each off by 1000×.
        assert re.search(r"0\.6205 <span[^>]*>/ kWh<", table), table
        assert re.search(r"56,1[56]\d <span[^>]*>/ TJ<", table), table
        assert re.search(r"2\.4 <span[^>]*>/ kg<", table), table
        for wrong in ("/ MWh<", "/ GJ<", "/ t<"):
            assert wrong not in table


def test_every_saved_change_gives_a_new_model_version(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    first = client.post(f"{base}/calculate", headers=auth).json()["result_id"]
    line = {"id": "steel", "stage": "raw_materials", "kind": "inline", "amount": 2, "unit": "kg",
            "inline": {"unit": "kg", "co2e_kg": 2.5, **SOURCE}}  # fmt: skip
    for amount in (3, 4, 5):
        changed = {**line, "amount": amount}
        if amount == 3:
            assert client.post(f"{base}/lines", json=changed, headers=auth).status_code == 201
        else:
            at = current(client, base, auth)
            assert client.put(f"{base}/lines/steel", json=changed, headers=at).status_code == 200
    product = client.get(base, headers=auth).json()
    assert product["document"]["version"] == str(product["version"])
    second = client.post(f"{base}/calculate", headers=auth).json()["result_id"]
    compared = client.get(f"/workspace/results/compare?a={first}&b={second}", headers=auth).text
    versions = re.findall(r"(?:版本|version) <code>([^<]*)</code>", compared)
    assert len(versions) == 2
    assert versions[0] != versions[1]
    assert versions[1] == str(product["version"])


def test_a_small_functional_unit_keeps_its_digits(tanji_app: App, client: TestClient) -> None:
    auth = headers(tanji_app)
    product = create(client, auth)
    base = f"/api/v1/products/{product['id']}"
    facts = {**FACTS, "declared_unit": "1 kWh", "output": "1000 kWh",
             "functional_unit_zh": "储存 1 kWh 电能",
             "functional_unit_declared_units": 0.000206}  # fmt: skip
    changed = client.put(f"{base}/facts", json=facts, headers=current(client, base, auth))
    assert changed.status_code == 200, changed.text
    for language in ("zh", "en"):
        page = client.get(f"/workspace/products/{product['id']}?lang={language}", headers=auth)
        assert page.status_code == 200
        assert "(0.000206 × 1 kWh)" in page.text  # was "(0 × 1 kWh)"
