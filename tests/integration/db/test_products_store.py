"""The workspace service on both stores: templates, lines, tenants, Excel, versions, audit."""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.db.conftest import enterprise

from tanji.db.models import AuditRow, FootprintResultRow
from tanji.domain.rules import Severity
from tanji.engine import Engine
from tanji.io.product_model import model_from_document, parse_document
from tanji.services import accounts, logins, product_calculation, products
from tanji.services.background import BackgroundStore
from tanji.services.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tanji.services.factors import factor_detail
from tanji.services.footprints import recompute
from tanji.services.product_facts import ProductFacts
from tanji.services.product_lines import InlineFactor, LineInput
from tanji.services.rules import ensure_shipped_rules, get_rule

#: Jiangsu 2022, life-cycle basis (the default): no life-cycle factor of 2022 or earlier is
#: published, so the earliest later one, national 2023 (CN-ELEC-LCA-2023-CN), kg CO2e/kWh.
#: It was 0.5978 (CN-ELEC-LOC-2022-CN-JS, CO2 only) before the life-cycle default.
JS_GRID_2022 = 0.6205


@pytest.fixture(autouse=True)
def _rules_and_cheap_hashes(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    ensure_shipped_rules(session)


@pytest.fixture
def backgrounds(tmp_path: Path) -> BackgroundStore:
    return BackgroundStore(Engine(), tmp_path / "cache", "test")


@pytest.mark.parametrize("template", products.TEMPLATES, ids=lambda t: t.key)
def test_each_template_validates_follows_its_rule_and_names_shipped_factors_only(
    session: Session, template: products.Template
) -> None:
    data = products.template_document(template.key)
    model = model_from_document(parse_document(json.dumps(data), template.file))
    rule = get_rule(session, template.rule_id)
    assert model.product.category in rule.categories
    tagged = {line.process for line in model.lines if line.process}
    required = {p.id for s in rule.stages if s.required for p in s.processes}
    assert required <= tagged
    assert {line.stage for line in model.lines} >= {s.id for s in rule.stages if s.required}
    for line in data["lines"]:
        if isinstance(line.get("factor"), str):
            factor_detail(session, line["factor"])  # raises if it is not shipped
        assert line.get("quantity", "0 x").startswith("0 ") or "transport" in line


def test_create_edit_calculate_and_audit(session: Session, backgrounds: BackgroundStore) -> None:
    actor = enterprise(session)
    product = products.create_product(
        session, actor, template="general", code="widget", name_zh="小部件", output="10 piece"
    )
    assert product.summary.rule_ref == get_rule(session, "general-gbt24067").ref
    report = product_calculation.findings(session, backgrounds, actor, product.id)
    assert {f.code for f in report.findings if f.severity is Severity.ERROR} == {"factor-to-choose"}
    products.edit_line(
        session, actor, product.id, "electricity",
        LineInput(id="electricity", stage="production", kind="electricity", amount=2,
                  unit="MWh", geography="CN-JS", year=2022, data="primary"),
    )  # fmt: skip
    for line_id in ("main-material", "inbound-road", "natural-gas"):
        products.delete_line(session, actor, product.id, line_id)
    with pytest.raises(InvalidInputError, match="stage"):
        products.add_line(
            session, actor, product.id, LineInput(id="x", stage="", kind="gas", amount=1, unit="kg")
        )
    products.add_line(
        session, actor, product.id,
        LineInput(id="sf6", stage="production", kind="gas", gas="SF6", amount=0.1, unit="kg"),
    )  # fmt: skip
    steel = InlineFactor(unit="kg", co2e_kg=2.0, publisher="Test", title="A test value")
    products.add_line(
        session, actor, product.id,
        LineInput(id="steel", stage="raw_materials", kind="inline", amount=5, unit="kg",
                  inline=steel),
    )  # fmt: skip
    assert product_calculation.findings(session, backgrounds, actor, product.id).errors == 0

    saved = product_calculation.calculate_product(session, backgrounds, actor, product.id)
    # By hand, per piece of the 10 the lines cover: (2000 kWh × 0.6205 + 0.1 kg SF6 × 25200
    # (gwp.csv SF6, ar6_gwp100) + 5 kg × 2.0) / 10.
    expected = (2000 * JS_GRID_2022 + 0.1 * 25200 + 5 * 2.0) / 10
    assert saved.total == pytest.approx(expected, rel=1e-9)
    row = session.get(FootprintResultRow, saved.result_id)
    assert row is not None
    assert (row.org_id, row.product_id, row.created_by) == (actor.org_id, product.id, actor.user_id)
    calculation, same = recompute(session, backgrounds, saved.result_id)
    assert same
    assert calculation.footprint.total == saved.total
    again = product_calculation.calculate_product(
        session, backgrounds, actor, product.id, iterations=50, seed=1
    )
    assert [v.result_id for v in products.versions(session, actor, product.id)] == [
        again.result_id,
        saved.result_id,
    ]
    actions = session.scalars(
        select(AuditRow.action)
        .where(
            AuditRow.actor_org_id == actor.org_id,
            AuditRow.entity_kind.in_(("product", "footprint_result")),
        )
        .order_by(AuditRow.id)
    )
    assert list(actions) == [
        "product.create",
        "product.line-edit",
        *["product.line-delete"] * 3,
        "product.line-add",  # the refused line wrote nothing
        "product.line-add",
        "result.calculate",
        "result.calculate",
    ]


def test_tenants_do_not_see_each_other(session: Session, backgrounds: BackgroundStore) -> None:
    mine, theirs = enterprise(session), enterprise(session)
    product = products.create_product(session, mine, template="steel", code="coil", name_zh="卷")
    assert [p.code for p in products.list_products(session, theirs)] == []
    for call in (
        lambda: products.get_product(session, theirs, product.id),
        lambda: product_calculation.findings(session, backgrounds, theirs, product.id),
        lambda: products.delete_line(session, theirs, product.id, "coke"),
        lambda: product_calculation.calculate_product(session, backgrounds, theirs, product.id),
    ):
        with pytest.raises(NotFoundError):
            call()
    # A sub-model must be one of the organisation's own products, never a file.
    other = products.create_product(session, theirs, template="steel", code="slab", name_zh="坯")
    text = products.model_yaml(session, mine, product.id)[1]
    linked = text.replace("factor: ipcc2006-fuels:IPCC2006-SC-MI-COKING-COAL-T", "model: slab")
    with pytest.raises(InvalidInputError, match="not another product of your workspace"):
        products.update_document(session, mine, product.id, linked, "coil.yaml")
    pact = text.replace(
        "factor: ipcc2006-fuels:IPCC2006-SC-MI-COKING-COAL-T", "supplier: {pact: /etc/passwd}"
    )
    with pytest.raises(InvalidInputError, match="PACT file"):
        products.update_document(session, mine, product.id, pact, "coil.yaml")
    assert other.id != product.id


def test_a_viewer_reads_and_only_an_admin_deletes(session: Session) -> None:
    admin = enterprise(session)
    product = products.create_product(session, admin, template="pv", code="m", name_en="Module")
    viewer_email = f"v-{secrets.token_hex(4)}@example.com"
    accounts.add_member(session, admin, admin.org_id, viewer_email, "viewer",
                        password="correct-horse-9", display_name="V")  # fmt: skip
    viewer = logins.authenticate(session, viewer_email, "correct-horse-9")
    assert products.get_product(session, viewer, product.id).summary.code == "m"
    with pytest.raises(PermissionDeniedError):
        products.delete_line(session, viewer, product.id, "glass")
    products.delete_product(session, admin, product.id)
    with pytest.raises(NotFoundError):
        products.get_product(session, admin, product.id)


def test_excel_round_trip_with_a_bad_row_changes_nothing(session: Session) -> None:
    actor = enterprise(session)
    product = products.create_product(session, actor, template="battery", code="c", name_zh="电芯")
    _, content = products.activity_template(session, actor, product.id, "en")
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    amount = next(i for i, h in enumerate(header, 1) if h and "Amount" in str(h))
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(row=rows["cathode"], column=amount, value=220)
    sheet.cell(row=rows["anode"], column=amount, value="-5")
    buffer = io.BytesIO()
    book.save(buffer)
    before = products.model_yaml(session, actor, product.id)[1]
    report = products.fill_activity_data(session, actor, product.id, buffer.getvalue(), "x.xlsx")
    assert not report.applied
    assert len(report.problems) == 1
    assert f"row {rows['anode']}" in report.problems[0]
    assert products.model_yaml(session, actor, product.id)[1] == before

    sheet.cell(row=rows["anode"], column=amount, value=110)
    buffer = io.BytesIO()
    book.save(buffer)
    report = products.fill_activity_data(session, actor, product.id, buffer.getvalue(), "x.xlsx")
    assert report.applied
    assert len(report.changes) == 2
    text = products.model_yaml(session, actor, product.id)[1]
    assert "quantity: 220 kg" in text
    assert "quantity: 110 kg" in text
    not_excel = products.fill_activity_data(session, actor, product.id, b"hello", "notes.xlsx")
    assert not not_excel.applied
    assert not_excel.problems[0].startswith("notes.xlsx:")


def _facts(**changes: Any) -> ProductFacts:
    facts = ProductFacts(
        name_zh="磷酸铁锂电芯",
        name_en="LFP cell",
        declared_unit="1 kWh",
        output="50000 kWh",
        functional_unit_zh="一只 280Ah 电芯",
        functional_unit_en="one 280 Ah cell",
        functional_unit_declared_units=0.896,
        company="示例电池有限公司",
        site="江苏常州",
        boundary="cradle-to-grave",
        period_start="2025-01-01",
        period_end="2025-12-31",
        gtin="06901234567892",
    )
    return replace(facts, **changes)


def test_facts_change_the_document_the_names_and_the_audit(session: Session) -> None:
    actor = enterprise(session)
    product = products.create_product(session, actor, template="battery", code="c", name_zh="电芯")
    changed = products.update_facts(session, actor, product.id, _facts())
    p = changed.model.product
    assert (p.name.zh, p.name.en, p.declared, p.boundary) == (
        "磷酸铁锂电芯", "LFP cell", "1 kWh", "cradle-to-grave",
    )  # fmt: skip
    assert (changed.model.output_amount, changed.model.output_unit) == (50000, "kWh")
    assert (p.period_start, p.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert p.identifiers == (("gtin", "06901234567892"),)
    assert p.declared_units_per_functional_unit == 0.896
    assert p.category == "lithium-battery"  # not a fact: it follows the rule
    assert changed.document["lines"] == product.document["lines"]
    listed = products.list_products(session, actor)[0]
    assert (listed.name_zh, listed.name_en) == ("磷酸铁锂电芯", "LFP cell")
    assert products.get_product(session, actor, product.id).model.product.site == "江苏常州"
    entry = session.scalars(
        select(AuditRow).where(AuditRow.action == "product.update-facts").order_by(AuditRow.id)
    ).all()[-1]
    before, after = json.loads(entry.before or "{}"), json.loads(entry.after or "{}")
    assert (before["facts"]["name_zh"], after["facts"]["name_zh"]) == ("电芯", "磷酸铁锂电芯")
    assert after["facts"]["period_end"] == "2025-12-31"
    assert after["name_en"] == "LFP cell"

    # Emptied optional facts leave the document; the output defaults to one declared unit.
    plain = products.update_facts(
        session, actor, product.id,
        _facts(output="", functional_unit_zh="", functional_unit_en="",
               functional_unit_declared_units=None, period_start="", period_end="", gtin=""),
    )  # fmt: skip
    assert "output" not in plain.document
    assert {"functional_unit", "reference_period", "identifiers"}.isdisjoint(
        plain.document["product"]
    )
    assert plain.model.output_amount == 1


def test_bad_facts_are_named_by_field_and_change_nothing(session: Session) -> None:
    actor = enterprise(session)
    product = products.create_product(session, actor, template="battery", code="c", name_zh="电芯")
    before = products.model_yaml(session, actor, product.id)[1]
    for facts, field in (
        (_facts(declared_unit="1 furlongs-per-fortnight-ish"), "declared_unit"),
        (_facts(declared_unit="0 kWh"), "declared_unit"),
        (_facts(output="3 kg"), "output"),  # not in units of the declared unit
        (_facts(period_start="2025-12-31", period_end="2025-01-01"), "period_end"),
        (_facts(period_start="2025-02-30"), "period_start"),
        (_facts(period_end=""), "period_end"),
        (_facts(name_zh="", name_en=" "), "name_zh"),
        (_facts(boundary="gate-to-gate"), "boundary"),
        (_facts(gtin="12ab"), "gtin"),
        (_facts(functional_unit_declared_units=None), "functional_unit_declared_units"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            products.update_facts(session, actor, product.id, facts)
        assert field in refused.value.fields, (field, refused.value.fields)
    assert products.model_yaml(session, actor, product.id)[1] == before
    assert not session.scalars(
        select(AuditRow).where(AuditRow.action == "product.update-facts")
    ).all()


def test_facts_follow_tenants_and_roles(session: Session) -> None:
    admin, other = enterprise(session), enterprise(session)
    product = products.create_product(session, admin, template="pv", code="m", name_en="Module")
    with pytest.raises(NotFoundError):
        products.update_facts(session, other, product.id, _facts(declared_unit="1 kW"))
    viewer_email = f"v-{secrets.token_hex(4)}@example.com"
    accounts.add_member(session, admin, admin.org_id, viewer_email, "viewer",
                        password="correct-horse-9", display_name="V")  # fmt: skip
    viewer = logins.authenticate(session, viewer_email, "correct-horse-9")
    with pytest.raises(PermissionDeniedError):
        products.update_facts(session, viewer, product.id, _facts(declared_unit="1 kW"))
