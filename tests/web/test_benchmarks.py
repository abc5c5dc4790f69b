"""Benchmarks over a real store: category values from certified footprints, official
values winning, the 碳效码 report, the diagnosis of the demo's battery cell, and the pages
in both languages."""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise

from tanji.bootstrap import App, build_app
from tanji.db.migrate import upgrade
from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
    ProductModelRow,
    ProductRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.benchmarks import Grade, Kind, percentile
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.benchmarks import diagnosis, efficiency, grades, references
from tanji.services.benchmarks.demo import load_benchmark_demo
from tanji.services.demo import load_demo
from tanji.services.errors import InvalidInputError, PermissionDeniedError
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.settings import Settings
from tanji.web.app import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _certify(app: App, category: str, values: list[tuple[float, float | None]], year: int) -> None:
    """Certificates of ``category`` (per 1 kg), each on a result with the given DQR."""
    holder = new_enterprise(app).actor
    with app.unit_of_work() as uow:
        s = uow.session
        model = ProductModelRow(code=f"m-{secrets.token_hex(3)}", digest="0" * 64, document="{}")
        s.add(model)
        s.flush()
        for value, dqr in values:
            result = FootprintResultRow(
                model_id=model.id, product_code=model.code, total=value, unit="kg CO2e",
                per="1 kg", method="ipcc-ar6-gwp100", fingerprint="0" * 64, pins="[]",
                result=json.dumps({"data_quality": {"dqr": dqr}}), org_id=holder.org_id,
            )  # fmt: skip
            s.add(result)
            s.flush()
            case = CertificationCaseRow(
                applicant_org_id=holder.org_id, body_org_id=holder.org_id, result_id=result.id,
                category=category, certification_type="footprint", declared_value=value,
                state="certified", applied_on=date(year, 1, 2),
            )  # fmt: skip
            s.add(case)
            s.flush()
            s.add(
                CertificateRow(
                    number=f"C-{secrets.token_hex(6)}", case_id=case.id,
                    certification_type="footprint", category=category, product_name="测试",
                    holder_org_id=holder.org_id, body_org_id=holder.org_id,
                    result_id=result.id, declared_unit="1 kg", declared_value=value,
                    unit="kg CO2e", rule_ref="general-gbt24067@1", standard="GB/T 24067",
                    issued_on=date(year, 3, 1), expires_on=date(year + 3, 3, 1),
                )
            )  # fmt: skip


def _province(app: App) -> Actor:
    email, password, _ = DEMO_ACCOUNTS[3]
    with app.unit_of_work() as uow:
        return logins.authenticate(uow.session, email, password)


def test_values_from_certified_footprints_then_an_official_value_wins(tanji_app: App) -> None:
    category = f"cat-{secrets.token_hex(3)}"
    rng = np.random.default_rng(4)
    good = [float(v) for v in rng.lognormal(2.0, 0.3, size=9)]
    _certify(tanji_app, category, [(v, 2.0) for v in good] + [(99.0, 4.5)], 2025)
    with tanji_app.unit_of_work() as uow:
        few = references.category_values(uow.session, category, "1 kg", 2025)
    assert (few.current.computed.used, few.current.computed.excluded) == (9, 1)
    assert few.current.computed.needed == 1
    assert few.current.values == {}
    _certify(tanji_app, category, [(12.0, 1.5)], 2025)
    with tanji_app.unit_of_work() as uow:
        enough = references.category_values(uow.session, category, "1 kg", 2025)
    values = enough.current.values
    assert values[Kind.BASELINE].basis == "computed"
    assert values[Kind.BASELINE].value == pytest.approx(percentile([*good, 12.0], 50))
    computed = values[Kind.LIMIT].computed
    assert computed is not None
    assert computed.low <= computed.value <= computed.high
    with tanji_app.unit_of_work() as uow:
        references.set_official_value(
            uow.session, _province(tanji_app), category=category, declared_unit="1 kg",
            year=2025, kind="limit", value=9.5, document="苏环发〔2025〕测试号",
        )  # fmt: skip
    with tanji_app.unit_of_work() as uow:
        after = references.category_values(uow.session, category, "1 kg", 2026)
    limit = after.current.values[Kind.LIMIT]
    assert (limit.value, limit.basis) == (9.5, "official")
    assert after.current.computed.needed == 10  # none certified in 2026 yet
    assert [y.year for y in after.history] == [2026, 2025]
    assert after.history[1].values[Kind.BASELINE].basis == "computed"


def test_only_the_department_sets_values_and_documents_are_required(tanji_app: App) -> None:
    enterprise = new_enterprise(tanji_app).actor
    with tanji_app.unit_of_work() as uow, pytest.raises(PermissionDeniedError):
        references.set_official_value(
            uow.session, enterprise, category="x", declared_unit="1 kg", year=2025,
            kind="limit", value=1.0, document="自定",
        )  # fmt: skip
    with tanji_app.unit_of_work() as uow, pytest.raises(InvalidInputError) as error:
        references.set_official_value(
            uow.session, _province(tanji_app), category="x", declared_unit="1 kg", year=2025,
            kind="limit", value=1.0, document=" ",
        )  # fmt: skip
    assert "document" in error.value.fields


def test_efficiency_report_checks_its_factors_and_grades(tanji_app: App) -> None:
    member = new_enterprise(tanji_app)
    energy = [{"carrier": "电", "amount": 1_000_000, "unit": "MWh",
               "factor": "cn-electricity:CN-ELEC-LOC-2022-CN-JS"}]  # fmt: skip
    with tanji_app.unit_of_work() as uow, pytest.raises(InvalidInputError) as error:
        efficiency.report_energy(
            uow.session, member.actor, year=2024, industry="C1", value_added=100.0,
            energy=[{**energy[0], "unit": "kg"}],
        )  # fmt: skip
    assert "energy[0].unit" in error.value.fields
    with tanji_app.unit_of_work() as uow:
        efficiency.set_industry_average(
            uow.session, _province(tanji_app), industry="C-TEST-1", name="测试", year=2024,
            value=5.0, source="测试统计",
        )  # fmt: skip
        view = efficiency.report_energy(
            uow.session, member.actor, year=2024, industry="C-TEST-1", value_added=100_000.0,
            energy=[{**energy[0], "amount": 1000}],  # 1,000 MWh
        )  # fmt: skip
    factor = view.uses[0].kg_co2_per_unit  # the shipped Jiangsu 2022 factor, kg CO2/kWh
    assert view.result.emissions == pytest.approx(1_000_000 * factor / 1000)
    assert view.result.k == pytest.approx(view.result.intensity / 5.0)
    assert view.result.grade == 1
    other = new_enterprise(tanji_app).actor
    with tanji_app.unit_of_work() as uow, pytest.raises(PermissionDeniedError):
        efficiency.enterprise_efficiency(uow.session, other, member.actor.org_id)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, _cheap_password_hashes: None) -> Iterator[App]:
    """A demo store of its own (SQLite): the demo adds platform results the shared
    store's other tests do not expect."""
    folder = tmp_path_factory.mktemp("benchmarks-demo")
    settings = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'tanji.db'}", secret_key="bench"
    )
    with build_app(settings) as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
        load_demo(app, EXAMPLES)
        assert load_benchmark_demo(app.unit_of_work) == 0  # idempotent: made once
        yield app


def _battery(app: App) -> tuple[Actor, int]:
    email, password, _ = DEMO_ACCOUNTS[1]
    with app.unit_of_work() as uow:
        actor = logins.authenticate(uow.session, email, password)
        cell = uow.session.query(ProductRow).filter_by(org_id=actor.org_id, code="lfp-cell").one()
        return actor, cell.id


def test_the_demo_shows_values_grade_efficiency_and_five_levers(demo: App) -> None:
    actor, cell = _battery(demo)
    with demo.unit_of_work() as uow:
        s = uow.session
        values = references.category_values(s, "lithium-battery", "1 kWh", 2026)
        graded = grades.product_grade(s, demo.backgrounds, actor, cell, 2026, iterations=400)
        found = diagnosis.diagnose(s, demo.backgrounds, actor, cell, iterations=400)
        code = efficiency.enterprise_efficiency(s, actor)
    assert {k: v.basis for k, v in values.current.values.items()} == dict.fromkeys(Kind, "official")
    assert values.external  # the battery rule's cited ranges, beside the values
    assert graded.result.grade is Grade.BETTER_THAN_BASELINE
    assert 0.0 < graded.result.probabilities[Kind.BASELINE] < 1.0
    assert code.illustrative
    assert code.result.grade in {1, 2, 3, 4, 5}
    ranked = [r for r in found.levers if r.reduction is not None]
    assert len(ranked) >= 5
    means = [r.reduction.mean for r in ranked if r.reduction]
    assert means == sorted(means, reverse=True)
    top = ranked[0].reduction
    assert top is not None
    assert top.low <= top.mean <= top.high
    assert top.probability > 0.95


def test_keeping_a_lever_makes_the_next_version(demo: App) -> None:
    actor, cell = _battery(demo)
    lever = diagnosis.lever_from({"kind": "process-efficiency", "line": "natural-gas",
                                  "share": 0.2})  # fmt: skip
    with demo.unit_of_work() as uow:
        row = uow.session.get(ProductRow, cell)
        assert row is not None
        before = row.version
        new = diagnosis.keep_lever(uow.session, demo.backgrounds, actor, cell, lever, before)
    assert new == before + 1
    with demo.unit_of_work() as uow:
        row = uow.session.get(ProductRow, cell)
        assert row is not None
        lines = {x["id"]: x for x in json.loads(row.document)["lines"]}
    assert lines["natural-gas"]["quantity"] == "2880 GJ"


def _signed_in(app: App, index: int) -> TestClient:
    client = TestClient(create_app(app))
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    email, password, _ = DEMO_ACCOUNTS[index]
    form = {"email": email, "password": password, "csrf_token": token}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303
    return client


def test_pages_in_both_languages(demo: App) -> None:
    _, cell = _battery(demo)
    battery = _signed_in(demo, 1)
    page = battery.get(f"/workspace/products/{cell}/diagnosis?lang=zh").text
    assert "降碳诊断" in page
    assert "减排为正的概率" in page
    assert "优于基准" in page
    assert page.count('class="lever"') >= 5
    page = battery.get(f"/workspace/products/{cell}/diagnosis?lang=en").text
    assert "Levers ranked by expected reduction" in page
    page = battery.get("/workspace/efficiency?lang=zh").text
    assert "碳效码" in page
    assert "DB33/T 1347" in page
    page = battery.get("/benchmarks/values?category=lithium-battery&declared_unit=1%20kWh").text
    assert "Official" in page or "官方" in page
    refused = battery.post("/workspace/efficiency?lang=en", data={
        "csrf_token": page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0],
        "year": "2025", "industry": "C3841", "value_added": "lots",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "value_added" in refused.text
    province = _signed_in(demo, 3)
    page = province.get("/benchmarks?year=2024&lang=zh").text
    assert "按品类和城市的等级分布" in page
    assert "企业碳效码" in page
    assert battery.get("/benchmarks?year=2024").text.count("企业碳效码") == 0


def test_lever_costs_rank_the_levers_by_cost_per_tonne(demo: App) -> None:
    """The diagnosis page's cost fields (issue 16): a cost per lever gives CNY per tonne
    and the levers cheapest per tonne first; a cost that is not a number is refused
    next to its field, in the reader's language."""
    _, cell = _battery(demo)
    battery = _signed_in(demo, 1)
    page = battery.get(f"/workspace/products/{cell}/diagnosis?lang=zh").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    specs = re.findall(r'name="lever" value="([^"]+)" form="costs-form"', page)
    assert len(specs) >= 5
    levers = [html.unescape(spec) for spec in specs[:3]]
    url = f"/workspace/products/{cell}/diagnosis?lang=zh"
    refused = battery.post(url, data={"csrf_token": token, "lever": levers,
                                      "cost": ["1000", "lots", ""]})  # fmt: skip
    assert refused.status_code == 422
    assert "请填写数字" in refused.text
    ranked = battery.post(url, data={"csrf_token": token, "lever": levers,
                                     "cost": ["90000", "1000", ""]})  # fmt: skip
    assert ranked.status_code == 200
    assert "边际减排成本" in ranked.text
    table = ranked.text.split('id="mac-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 3  # the header and the two levers with a cost
