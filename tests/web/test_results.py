"""Result pages and the results API: what a result shows, who may read it, reports,
comparisons. Results are computed from the battery example and saved for a fresh
enterprise of each test (or with no organisation: operator data)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import EXAMPLES, Member, new_enterprise, token_for

from tanji.bootstrap import App
from tanji.db.models import FootprintResultRow
from tanji.services.footprints import calculate, save_result
from tanji.services.rules import run_under_rules

PACK = EXAMPLES / "battery" / "lfp-pack.yaml"
RULE = "cn-battery-declaration"


def save_example(
    app: App, org_id: int | None, *, mc: int = 0, seed: int | None = None, rule: bool = False
) -> int:
    """The battery pack's footprint saved as ``org_id``'s result (None: operator data)."""
    with app.unit_of_work() as uow:
        if rule:
            [run] = run_under_rules(
                uow.session, app.backgrounds, PACK, [RULE], iterations=mc, seed=seed
            )
            assert run.calculation is not None
            calculation = run.calculation
        else:
            calculation = calculate(uow.session, app.backgrounds, PACK, iterations=mc, seed=seed)
        result_id = save_result(uow.session, calculation)
        row = uow.session.get(FootprintResultRow, result_id)
        assert row is not None
        row.org_id = org_id
    return result_id


def bearer(app: App, member: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(app, member.actor)}"}


@dataclass(frozen=True)
class Owner:
    org_id: int
    headers: dict[str, str]


@pytest.fixture
def owner(tanji_app: App) -> Owner:
    """A new enterprise of the test's own, and its admin's API token."""
    member = new_enterprise(tanji_app)
    return Owner(member.actor.org_id, bearer(tanji_app, member))


def test_result_page_shows_total_charts_data_and_sources(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    result_id = save_example(tanji_app, owner.org_id, mc=200, seed=1, rule=True)
    page = client.get(f"/workspace/results/{result_id}", headers=owner.headers)
    assert page.status_code == 200
    html = page.text
    assert "储能电池包" in html  # the product's Chinese name on the Chinese page
    assert "kg CO₂e / 1 kWh" in html
    assert "IPCC AR6 GWP100" in html
    assert "cn-battery-declaration@" in html  # the rule, with its version
    assert '<span class="tag">已应用</span>' in html  # applied (the cell names it too)
    assert "banner-illustrative" in html  # the example's factors are illustrative
    for chart in ("stages", "gases", "flow", "histogram"):
        assert f'data-chart="{chart}"' in html
    island = html.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0]
    data = json.loads(island)
    assert data["data"]["histogram"]["counts"]
    assert sum(data["data"]["histogram"]["counts"]) == 200
    assert data["labels"]["mean"] == "均值"
    assert {n["name"] for n in data["data"]["flow"]["nodes"]} >= {"total", "line:cells"}
    assert "cn-electricity:CN-ELEC-LCA-2024-CN@1" in html  # a pinned factor, linked
    # Which grid factor the pack's Jiangsu 2024 electricity took, and the rule's reason.
    assert (
        "江苏 2024年：未发布省级或区域2024年电力碳足迹因子（生命周期），采用全国2024年因子" in html
    )
    assert "核算规则 cn-battery-declaration@" in html
    assert "供各行业产品核算电力生产和消费产生的碳足迹使用" in html
    assert f"/workspace/results/{result_id}/report.pdf?lang=zh" in html


def test_result_page_in_english_and_without_monte_carlo(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    result_id = save_example(tanji_app, owner.org_id)
    page = client.get(f"/workspace/results/{result_id}?lang=en", headers=owner.headers)
    assert page.status_code == 200
    assert "ESS battery pack" in page.text
    assert "No Monte Carlo analysis was run" in page.text
    assert "--mc 1000" in page.text
    assert 'data-chart="histogram"' not in page.text
    # No rule applied: the life-cycle default, said in English.
    assert (
        "Jiangsu 2024: no provincial or regional 2024 life-cycle electricity carbon footprint "
        "factor is published; the national 2024 factor is used"
    ) in page.text
    assert "Neither the model nor a rule states a basis" in page.text


def test_other_tenants_get_not_found_and_operator_results_are_readable(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    theirs = save_example(tanji_app, owner.org_id)
    operator = save_example(tanji_app, None)
    stranger = new_enterprise(tanji_app, "别家企业")
    headers = bearer(tanji_app, stranger)
    assert client.get(f"/workspace/results/{theirs}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/results/{theirs}", headers=headers).status_code == 404
    missing = client.get("/api/v1/results/999999", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no footprint result #999999"
    refused = client.get(f"/api/v1/results/{theirs}", headers=headers).json()
    assert refused["error"]["message"] == f"no footprint result #{theirs}"  # no leak
    assert client.get(f"/api/v1/results/{operator}", headers=headers).status_code == 200
    compare = client.get(f"/api/v1/results/compare?a={operator}&b={theirs}", headers=headers)
    assert compare.status_code == 404


def test_pages_need_a_login(tanji_app: App, client: TestClient) -> None:
    result_id = save_example(tanji_app, None)
    page = client.get(f"/workspace/results/{result_id}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    assert client.get(f"/api/v1/results/{result_id}").status_code == 401


def test_api_result_and_versions_newest_first(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    org = owner.org_id
    first = save_example(tanji_app, org)
    second = save_example(tanji_app, org, mc=50, seed=3)
    body = client.get(f"/api/v1/results/{first}", headers=owner.headers).json()
    assert body["summary"]["id"] == first
    assert body["summary"]["per"] == "1 kWh"
    assert body["result"]["tanji"] == "footprint-result/1"
    assert [v["id"] for v in body["versions"]] == [second, first]
    assert body["versions"][0]["iterations"] == 50


def test_compare_page_and_api_show_differences(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    org = owner.org_id
    plain = save_example(tanji_app, org)
    ruled = save_example(tanji_app, org, rule=True)
    headers = owner.headers
    body = client.get(f"/api/v1/results/compare?a={plain}&b={ruled}", headers=headers).json()
    assert body["a"]["id"] == plain
    assert body["total"][0]["difference"] == pytest.approx(body["b"]["total"] - body["a"]["total"])
    assert {row["key"] for row in body["stages"]} >= {"raw_materials", "production"}
    page = client.get(f"/workspace/results/compare?a={plain}&b={ruled}", headers=headers)
    assert page.status_code == 200
    assert "原材料获取" in page.text  # stage names from the model, in Chinese
    assert 'data-chart="compare"' in page.text


@pytest.mark.parametrize(
    ("fmt", "lang", "media", "magic"),
    [
        ("pdf", "zh", "application/pdf", b"%PDF"),
        ("xlsx", "en", "application/vnd.openxmlformats", b"PK"),
        ("html", "en", "text/html", b"<!doctype html"),
    ],
)
def test_report_downloads(
    tanji_app: App,
    client: TestClient,
    owner: Owner,
    fmt: str,
    lang: str,
    media: str,
    magic: bytes,
) -> None:
    result_id = save_example(tanji_app, owner.org_id)
    headers = owner.headers
    page = client.get(f"/workspace/results/{result_id}/report.{fmt}?lang={lang}", headers=headers)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith(media)
    assert page.content[:20].lower().startswith(magic.lower())
    assert f"result-{result_id}-{lang}.{fmt}" in page.headers["content-disposition"]
    api = client.get(
        f"/api/v1/results/{result_id}/report?format={fmt}&lang={lang}",
        headers=headers,
    )
    assert api.status_code == 200
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(api.content))
        assert workbook.sheetnames
    if fmt == "html":
        assert api.text.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_report_rejects_an_unknown_format(tanji_app: App, client: TestClient, owner: Owner) -> None:
    result_id = save_example(tanji_app, owner.org_id)
    headers = owner.headers
    api = client.get(f"/api/v1/results/{result_id}/report?format=docx", headers=headers)
    assert api.status_code == 422
    page = client.get(f"/workspace/results/{result_id}/report.docx", headers=headers)
    assert page.status_code == 404


def test_openapi_describes_the_results_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/results/{result_id}" in paths
    assert "/api/v1/results/compare" in paths
    report = paths["/api/v1/results/{result_id}/report"]["get"]
    assert "application/pdf" in report["responses"]["200"]["content"]
    assert "/api/v1/jobs/{job_id}" in paths


def test_report_of_a_result_computed_under_a_rule(
    tanji_app: App, client: TestClient, owner: Owner
) -> None:
    """The report recomputes from the pins: the rule the root applied is applied again
    (the sub-model naming the same rule does not hide it)."""
    result_id = save_example(tanji_app, owner.org_id, mc=20, seed=2, rule=True)
    report = client.get(f"/api/v1/results/{result_id}/report?format=html", headers=owner.headers)
    assert report.status_code == 200
    assert "cn-battery-declaration" in report.text
