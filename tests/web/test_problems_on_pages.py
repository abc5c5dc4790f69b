"""Problems with what was typed, on the pages and in the reader's language (issue 20):
a line the factor library cannot compute is refused in the form in plain Chinese or
English; a calculation that cannot run shows the product page with a way to fix it, not
a dead-end error page. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise
from tests.web.test_workspace_pages import new_product, sign_in

from tanji.bootstrap import App
from tanji.db.models import ProductRow
from tanji.domain.problems import TEXTS
from tanji.web.i18n import LANGUAGES, catalogue_path
from tanji.web.ui.problems import KINDS

PER_KWH = "cn-electricity:CN-ELEC-LCA-2023-CN"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_problem_text_is_in_the_catalogue(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=LANGUAGES[language])
    wanted = [*TEXTS.values(), *KINDS.values()]
    missing = [m for m in wanted if m not in catalogue or not catalogue[m].string]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "words"),
    [
        # The line named by its name (issue 20), as the findings name it
        ("zh", ["条目「正极材料」", "数量的单位是 kg（质量）", "按每 kWh（能量）计"]),
        ("en", ["The line “正极材料”", "the quantity is in kg (mass)", "per kWh (energy)"]),
    ],
)
def test_a_unit_the_factor_does_not_count_is_refused_in_the_form(
    tanji_app: App, client: TestClient, language: str, words: list[str]
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base = f"/workspace/products/{new_product(client, token)}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    refused = client.post(
        f"{base}/lines?lang={language}",
        data={
            "kind": "factor",
            "id": "kwh-in-kg",
            "name": "正极材料",
            "stage": "production",
            "amount": "5",
            "unit": "kg",
            "factor": PER_KWH,
        },
        headers=htmx,
    )
    assert refused.headers["HX-Retarget"] == "#line-form"
    text = refused.text
    for word in words:
        assert word in text
    assert "[mass]" not in text
    assert "cannot convert" not in text
    assert "kwh-in-kg" not in client.get(f"{base}/model.yaml").text


def test_a_calculation_that_cannot_run_stays_on_the_product_page(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    product_id = new_product(client, token)
    base = f"/workspace/products/{product_id}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    # An activity of a database nobody imported: refused when typed (issue 20) ...
    refused = client.post(
        f"{base}/lines",
        data={
            "kind": "activity",
            "id": "ghost",
            "stage": "production",
            "amount": "1",
            "unit": "kg",
            "activity": "nowhere:ghost",
        },
        headers=htmx,
    )
    assert refused.headers["HX-Retarget"] == "#line-form"
    assert "ghost" not in client.get(f"{base}/model.yaml").text
    # ... but a store may hold one (saved before the check): the calculation cannot run.
    with tanji_app.unit_of_work() as uow:
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        document = json.loads(row.document)
        document["lines"].append({"id": "ghost", "stage": "production", "quantity": "1 kg",
                                  "activity": "nowhere:ghost"})  # fmt: skip
        row.document = json.dumps(document, ensure_ascii=False)
    failed = client.post(f"{base}/calculate", data={"iterations": "0", "csrf_token": token})
    assert failed.status_code == 422
    assert 'id="calculation-error"' in failed.text
    assert "未能计算碳足迹" in failed.text
    assert 'id="model"' in failed.text  # the lines and findings, to fix it there
    assert f'action="{base}/calculate"' in failed.text
    # Through htmx: back to the product page, which says what happened.
    again = client.post(f"{base}/calculate", data={"iterations": "0"}, headers=htmx)
    assert again.status_code == 204
    assert again.headers["HX-Redirect"] == f"{base}?calculation=failed"
    page = client.get(again.headers["HX-Redirect"] + "&lang=en").text
    assert "The footprint was not calculated" in page
    # A Monte Carlo count out of range is said on the same page, not an error page.
    wrong = client.post(f"{base}/calculate", data={"iterations": "1", "csrf_token": token})
    assert wrong.status_code == 422
    assert re.search(r'id="calculation-error"', wrong.text)
