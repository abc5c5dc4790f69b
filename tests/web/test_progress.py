"""The province's progress counts products (not versions), by sector and by city."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise

from tanji.bootstrap import App
from tanji.services import product_calculation, products
from tanji.services.progress import footprint_progress

MODEL = """
tanji: product-model/1
id: coil
version: "{version}"
product: {{name: {{zh: 热轧卷, en: coil}}, category: steel, declared_unit: 1 t}}
lines:
  - {{id: gas, stage: production, quantity: {kg} kg, gas: CO2}}
"""


def test_a_product_counts_once_under_its_sector_and_city(
    tanji_app: App, client: TestClient
) -> None:
    with tanji_app.unit_of_work() as uow:
        before = footprint_progress(uow.session)
    maker = new_enterprise(tanji_app, "进度钢铁")  # registered in CN-JS (the province)
    with tanji_app.unit_of_work() as uow:
        made = products.create_product(
            uow.session, maker.actor, template="general", code="coil", name_zh="热轧卷"
        )
    for version, kg in (("1", 1000), ("2", 990)):  # two versions of one product
        with tanji_app.unit_of_work() as uow:
            products.update_document(
                uow.session, maker.actor, made.id, MODEL.format(version=version, kg=kg), "m.yaml"
            )
            product_calculation.calculate_product(
                uow.session, tanji_app.backgrounds, maker.actor, made.id
            )
    with tanji_app.unit_of_work() as uow:
        after = footprint_progress(uow.session)
    assert after.results == before.results + 2
    assert after.products == before.products + 1

    def count(rows: object, key: str, value: str) -> int:
        return next((r.products for r in rows if getattr(r, key) == value), 0)  # type: ignore[attr-defined]

    assert count(after.by_category, "category", "steel") == (
        count(before.by_category, "category", "steel") + 1
    )
    assert count(after.by_city, "region", "CN-JS") == count(before.by_city, "region", "CN-JS") + 1
    api = client.get("/api/v1/progress").json()
    assert api["products"] == after.products
    assert api["targets"][0] == {"year": 2025, "products": 400, "share": after.products / 400}
    province = next(c for c in api["by_city"] if c["region"] == "CN-JS")
    assert (province["name_zh"], province["name_en"]) == ("江苏省", "Jiangsu Province")
    page = client.get("/?lang=zh").text
    for shown in ("按行业", "按城市", "钢铁", "江苏省"):
        assert shown in page
    assert "By city" in client.get("/?lang=en").text
