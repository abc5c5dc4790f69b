"""Rules as data: findings for a model, and a model computed under a rule."""

from __future__ import annotations

import pytest

from tanji.domain.factors import DomainError
from tanji.domain.footprints import compute
from tanji.domain.products import ProductModel
from tanji.domain.rules import Finding, Severity, apply, check, next_statuses
from tanji.io.errors import DataFormatError
from tanji.io.product_model import model_from_document, parse_document
from tanji.io.rule_file import rule_from_text

from .test_footprints import HEAD, FakeResolver, per_unit

RULE = """
tanji: rule/1
id: test-widgets
version: "1"
status: trial
title: {zh: 测试规则, en: Test rule}
category: test
declared_unit: {quantity: 1 kg}
boundary: cradle-to-gate
stages:
  - id: raw_materials
    name: {zh: 原材料, en: Raw materials}
    required: true
    processes:
      - {id: ore, name: {zh: 矿石, en: Ore}, citation: {document: Test rule, clause: "5.1"}}
  - id: production
    name: {zh: 生产, en: Production}
    required: true
    processes:
      - {id: smelting, name: {zh: 冶炼, en: Smelting}, primary: true,
         citation: {document: Test rule, clause: "5.2"}}
  - {id: end_of_life, name: {zh: 回收, en: Recycling}, required: false}
cut_off: {single: 0.01, total: 0.05}
allocation: {hierarchy: [system-expansion, mass, economic], forbidden: [economic]}
electricity: {allowed: [location], geography: province}
end_of_life:
  method: cff
  defaults:
    aluminium: {A: 0.2, R1: 0.3, R2: 0.9}
methods: [ipcc-ar5-gwp100]
citations: [{document: Test rule, clause: "1"}]
"""

GOOD = (
    HEAD.format(id="w")
    + """
lines:
  - {id: ore, stage: raw_materials, quantity: 1 kg, factor: "db:F", process: ore}
  - {id: smelt, stage: production, quantity: 1 kg, factor: "db:F", process: smelting,
     data: primary}
"""
)


def model(text: str) -> ProductModel:
    return model_from_document(parse_document(text, "m.yaml"))


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings if f.severity is Severity.ERROR}


def test_a_model_that_follows_the_rule_has_no_errors() -> None:
    rule = rule_from_text(RULE, "rule.yaml")
    findings = check(model(GOOD), rule)
    # Only the GWP set differs: the rule computes with its own.
    assert codes(findings) == {"gwp-set"}


def test_broken_models_get_findings_with_line_and_clause() -> None:
    rule = rule_from_text(RULE, "rule.yaml")
    broken = model(
        HEAD.format(id="w")
        + """
exclusions: [{name: packaging, share: 0.02}]
allocation:
  method: economic
  main_value: 9
  coproducts: [{name: slag, quantity: 1 kg, value: 1}]
lines:
  - {id: smelt, stage: production, quantity: 1 kg, factor: "db:F", process: smelting}
  - id: power
    stage: production
    quantity: 1 kWh
    electricity:
      grid: {geography: CN}
      market: [{instrument: green-certificate, ids: [G1], evidence: x, quantity: 1 kWh}]
"""
    )
    findings = check(broken, rule)
    assert {
        "stage-missing",
        "process-missing",
        "primary-data",
        "electricity-market",
        "allocation",
        "cut-off",
    } <= codes(findings)
    primary = next(f for f in findings if f.code == "primary-data")
    assert primary.line.startswith("m.yaml: line 15 (lines[0], id smelt)")
    assert primary.clause == "Test rule 5.2"
    geography = next(f for f in findings if f.code == "electricity-geography")
    assert geography.severity is Severity.WARNING


def test_apply_uses_the_rules_gwp_set_eol_method_and_cff_defaults() -> None:
    rule = rule_from_text(RULE, "rule.yaml")
    m = model(
        HEAD.format(id="w")
        + """
lines:
  - id: frame
    stage: end_of_life
    quantity: 2 kg
    cff:
      material: aluminium
      R1: 0.5
      Ev: {factor: "db:EV"}
      Erecycled: {factor: "db:ERC"}
      ErecyclingEoL: {factor: "db:ERC"}
      E*v: {factor: "db:EV"}
      ED: {factor: "db:ERC"}
"""
    )
    with pytest.raises(DomainError, match="A, R2 not given"):
        compute(m, FakeResolver({"db:EV": per_unit("kg", 10.0), "db:ERC": per_unit("kg", 1.0)}))
    ruled = apply(m, rule)
    assert ruled.method == "ipcc-ar5-gwp100"
    assert ruled.rule == "test-widgets@1"
    cff = ruled.lines[0].cff
    assert cff is not None
    assert (cff.a, cff.r1, cff.r2) == (0.2, 0.5, 0.9)  # R1 stated by the model wins
    fp = compute(
        ruled, FakeResolver({"db:EV": per_unit("kg", 10.0), "db:ERC": per_unit("kg", 1.0)})
    )
    a, r1, r2, ev, e = 0.2, 0.5, 0.9, 10.0, 1.0
    expected = (1 - r1) * ev + r1 * (a * e + (1 - a) * ev) + (1 - a) * r2 * (e - ev) + (1 - r2) * e
    assert fp.total == pytest.approx(2 * expected, rel=1e-12)
    assert any(p.kind == "rule" and p.ref == "test-widgets@1" for p in fp.pins)


def test_worldsteel_scrap_credit_is_shown_apart() -> None:
    # 1 t coil; RR 0.85, S 0.15, Y 0.916; Xpr 2.3, Xre 0.45 t CO2e per t (illustrative).
    m = model(
        """
tanji: product-model/1
id: coil
product: {name: 热轧卷, category: steel, declared_unit: 1 t}
end_of_life: worldsteel
lines:
  - {id: steel, stage: production, quantity: 1 t, factor: "db:BOF"}
  - id: recycling
    stage: end_of_life
    quantity: 1 t
    scrap: {RR: 0.85, S: 0.15, Y: 0.916, Xpr: {factor: "db:BOF"}, Xre: {factor: "db:EAF"}}
"""
    )
    resolver = FakeResolver({"db:BOF": per_unit("t", 2300.0), "db:EAF": per_unit("t", 450.0)})
    fp = compute(m, resolver)
    credit = -(0.85 - 0.15) * 0.916 * (2300.0 - 450.0)
    assert fp.recycling_credit == pytest.approx(credit, rel=1e-12)
    assert fp.total == pytest.approx(2300.0 + credit, rel=1e-12)
    assert fp.stages["end_of_life"] == pytest.approx(credit, rel=1e-12)
    # Under cut-off the same scrap line gives no credit.
    cut = model_from_document(
        parse_document(
            """
tanji: product-model/1
id: coil
product: {name: 热轧卷, category: steel, declared_unit: 1 t}
lines:
  - {id: steel, stage: production, quantity: 1 t, factor: "db:BOF"}
  - id: recycling
    stage: end_of_life
    quantity: 1 t
    scrap: {RR: 0.85, S: 0.15, Y: 0.916, Xpr: {factor: "db:BOF"}, Xre: {factor: "db:EAF"}}
""",
            "m.yaml",
        )
    )
    assert compute(cut, resolver).total == pytest.approx(2300.0)


def test_rule_documents_are_checked_like_models() -> None:
    with pytest.raises(DataFormatError, match=r"rule.yaml:5: status: 'final' is not one of"):
        rule_from_text(RULE.replace("status: trial", "status: final"), "rule.yaml")


def test_the_lifecycle() -> None:
    assert next_statuses("draft") == ("trial", "published")
    assert next_statuses("published") == ("superseded",)
    assert next_statuses("superseded") == ()


def test_market_instruments_are_set_aside_where_the_rule_allows_only_the_grid() -> None:
    rule = rule_from_text(RULE, "rule.yaml")
    m = model(
        GOOD
        + """
  - id: power
    stage: production
    quantity: 2 MWh
    electricity:
      grid: {geography: CN-JS, year: 2022}
      market: [{instrument: green-certificate, ids: [G1], evidence: registry}]
"""
    )
    resolver = FakeResolver(
        {
            "db:F": per_unit("kg", 1.0),
            "grid:CN-JS:lifecycle": per_unit("kWh", 0.5978),
            "grid:CN-JS:residual": per_unit("kWh", 0.6),
        }
    )
    as_written = compute(m, resolver).total
    assert as_written == pytest.approx(2.0 + 1000 * 0.6)
    assert compute(apply(m, rule), resolver).total == pytest.approx(2.0 + 2000 * 0.5978)


def test_a_rule_may_ask_for_the_co2_only_factor_for_lines_that_state_no_basis() -> None:
    text = RULE.replace(
        "electricity: {allowed: [location], geography: province}",
        "electricity: {allowed: [location], geography: province, basis: location, "
        "basis_reason: {zh: 组织层面报告, en: organisation-level reporting}}",
    )
    rule = rule_from_text(text, "rule.yaml")
    assert rule.electricity_basis == "location"
    m = model(
        GOOD
        + """
  - {id: power, stage: production, quantity: 1 MWh, electricity: {grid: {geography: CN-JS}}}
  - id: stated
    stage: production
    quantity: 1 MWh
    electricity: {grid: {geography: CN-JS, basis: lifecycle}}
"""
    )
    ruled = {line.id: line.electricity for line in apply(m, rule).lines if line.electricity}
    assert ruled["power"].grid.basis == "location"  # the rule's, and the rule is named
    assert ruled["power"].basis_rule == rule.ref
    assert ruled["power"].basis_reason is not None
    assert ruled["power"].basis_reason.en == "organisation-level reporting"
    assert ruled["stated"].grid.basis == "lifecycle"  # the model's own word wins …
    assert ruled["stated"].basis_rule == ""
    warnings = {f.code for f in check(m, rule) if f.severity is Severity.WARNING}
    assert "electricity-basis" in warnings  # … with a warning
    resolver = FakeResolver(
        {
            "db:F": per_unit("kg", 1.0),
            "grid:CN-JS:location": per_unit("kWh", 0.5),
            "grid:CN-JS:lifecycle": per_unit("kWh", 0.6),
        }
    )
    assert compute(apply(m, rule), resolver).total == pytest.approx(2.0 + 1000 * 0.5 + 1000 * 0.6)


def test_a_rule_basis_is_lifecycle_or_location() -> None:
    text = RULE.replace(
        "electricity: {allowed: [location], geography: province}",
        "electricity: {allowed: [location], geography: province, basis: residual}",
    )
    with pytest.raises((DomainError, DataFormatError), match="basis"):
        rule_from_text(text, "rule.yaml")
