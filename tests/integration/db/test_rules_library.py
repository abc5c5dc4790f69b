"""The rules library on both stores: shipped and imported rules, lifecycle, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tanji.domain.rules import Finding, Severity
from tanji.engine import Engine
from tanji.io import rule_file
from tanji.io.product_model import load_document, model_from_document
from tanji.services import rules as library
from tanji.services.background import BackgroundStore
from tanji.services.errors import ConflictError, NotFoundError, ServiceError
from tanji.services.rules import (
    calculate_under,
    ensure_shipped_rules,
    get_entry,
    get_rule,
    import_rule,
    list_rules,
    rules_for_model,
    set_status,
    validate_file,
    validate_model,
)

#: A category Tanji has no code for: adding it is adding this document.
TEXTILE = """\
tanji: rule/1
id: test-textile
version: "{version}"
status: {status}
title: {{zh: 纺织品测试规则, en: Textile test rule}}
category: textile
applies_to: [textile, apparel]
authors: [{{kind: association, name: Test Textile Association}}]
declared_unit: {{quantity: 1 kg}}
boundary: cradle-to-gate
stages:
  - {{id: raw_materials, name: {{zh: 纤维, en: Fibre}}, required: true}}
  - id: production
    name: {{zh: 纺织, en: Textile production}}
    required: true
    processes:
      - {{id: dyeing, name: {{zh: 染色, en: Dyeing}}, primary: true,
         citation: {{document: Test textile rule, clause: "5.2"}}}}
cut_off: {{single: 0.01, total: 0.05}}
data_quality: {{max_dqr: 3, max_line_dqr: 2, line_share: 0.1}}
methods: [ipcc-ar5-gwp100]
citations: [{{document: Test textile rule, clause: "1"}}]
notes: "{notes}"
"""

GOOD_MODEL = """\
tanji: product-model/1
id: shirt
version: "1"
product:
  name: {zh: 衬衫, en: Shirt}
  category: textile
  declared_unit: 1 kg
method: ipcc-ar5-gwp100
lines:
  - id: fibre
    stage: raw_materials
    quantity: 1.2 kg
    factor: {unit: kg, co2e_kg: 3.0, source: {publisher: T, title: test}}
    quality: {ter: 2, ger: 2, tir: 2, p: 2}
  - id: dye
    stage: production
    quantity: 0.01 kg
    gas: CH4-fossil
    process: dyeing
    data: primary
    quality: {ter: 1, ger: 1, tir: 1, p: 1}
"""

BROKEN_MODEL = """\
tanji: product-model/1
id: shirt
version: "2"
product:
  name: {zh: 衬衫, en: Shirt}
  category: textile
  declared_unit: 1 kg
exclusions: [{name: buttons, share: 0.02}]
lines:
  - id: fibre
    stage: raw_materials
    quantity: 1.2 kg
    factor: {unit: kg, co2e_kg: 3.0, source: {publisher: T, title: test}}
    quality: {ter: 4, ger: 4, tir: 4, p: 4}
  - id: dye
    stage: production
    quantity: 0.01 kg
    gas: CH4-fossil
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def textile(
    tmp_path: Path, version: str = "1", status: str = "trial", notes: str = "first"
) -> Path:
    text = TEXTILE.format(version=version, status=status, notes=notes)
    return write(tmp_path, f"textile-{version}-{notes}.yaml", text)


@pytest.fixture
def lib(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    """The session with the shipped general rule loaded (the only one these tests use)."""
    general = [p for p in rule_file.shipped_rule_files() if p.name == "general-gbt24067.yaml"]
    monkeypatch.setattr(library, "shipped_rule_files", lambda: general)
    ensure_shipped_rules(session)
    return session


@pytest.fixture
def backgrounds(tmp_path: Path) -> BackgroundStore:
    return BackgroundStore(Engine(), tmp_path / "cache", "test")


def errors(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings if f.severity is Severity.ERROR}


# --- shipped rules -------------------------------------------------------------------------


def test_every_shipped_rule_loads_once(session: Session) -> None:
    first = ensure_shipped_rules(session)
    assert len(first) >= len(rule_file.shipped_rule_files())
    assert any("general-gbt24067@2024.2" in change for change in first)
    assert ensure_shipped_rules(session) == []
    assert len(list_rules(session)) == len(rule_file.shipped_rule_files())
    entry = get_entry(session, "general-gbt24067")
    assert (entry.rule.ref, entry.rule.status, entry.origin) == (
        "general-gbt24067@2024.2",
        "published",
        "shipped",
    )
    assert entry.rule.title.en.startswith("Greenhouse gases")
    assert len(entry.digest) == 64


def test_a_changed_shipped_document_refreshes_a_draft_only(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    path = shipped / "textile.yaml"
    monkeypatch.setattr(library, "shipped_rule_files", lambda: [path])
    path.write_text(TEXTILE.format(version="1", status="draft", notes="a"), encoding="utf-8")
    assert ensure_shipped_rules(session) == ["rule test-textile@1 (draft) from textile.yaml"]
    # A shipped draft is work in progress: new content refreshes it in place.
    path.write_text(TEXTILE.format(version="1", status="draft", notes="b"), encoding="utf-8")
    assert ensure_shipped_rules(session) == [
        "rule test-textile@1 (draft) refreshed from textile.yaml"
    ]
    assert get_rule(session, "test-textile").notes == "b"
    # Once it has left draft, the same id@version cannot change.
    set_status(session, "test-textile", "1", "trial")
    path.write_text(TEXTILE.format(version="1", status="draft", notes="c"), encoding="utf-8")
    with pytest.raises(ConflictError, match="a changed rule needs a new version"):
        ensure_shipped_rules(session)


# --- importing: a new category is a new document -------------------------------------------


def test_import_a_rule_for_a_new_category(lib: Session, tmp_path: Path) -> None:
    rule = import_rule(lib, textile(tmp_path))
    assert (rule.ref, rule.status, rule.category) == ("test-textile@1", "trial", "textile")
    assert [e.ref for e in list_rules(lib, "textile")] == ["test-textile@1"]
    assert [e.ref for e in list_rules(lib, "apparel")] == ["test-textile@1"]  # applies_to
    assert list_rules(lib, "furniture") == []
    refs = [e.ref for e in list_rules(lib)]
    assert {"general-gbt24067@2024.2", "test-textile@1"} <= set(refs)
    entry = get_entry(lib, "test-textile")
    assert entry.origin == "imported"
    assert entry.rule.authors == (("association", "Test Textile Association"),)
    # The same document again is a no-op; other content under the same version is refused.
    assert import_rule(lib, textile(tmp_path)).ref == "test-textile@1"
    with pytest.raises(ConflictError, match=r"test-textile@1 is already in the library"):
        import_rule(lib, textile(tmp_path, notes="changed"))


def test_import_refuses_an_invalid_document(lib: Session, tmp_path: Path) -> None:
    from tanji.io.errors import DataFormatError

    path = write(tmp_path, "bad.yaml", TEXTILE.format(version="1", status="final", notes=""))
    with pytest.raises(DataFormatError, match=r"bad\.yaml:4: status"):
        import_rule(lib, path)


# --- the lifecycle -------------------------------------------------------------------------


def test_lifecycle_steps_allowed_and_refused(lib: Session, tmp_path: Path) -> None:
    import_rule(lib, textile(tmp_path, status="draft"))
    with pytest.raises(ServiceError, match="test-textile@1 is already draft"):
        set_status(lib, "test-textile", "1", "draft")
    with pytest.raises(
        ServiceError,
        match=r"test-textile@1 is draft: it cannot become superseded \(it can only become "
        r"trial or published\)",
    ):
        set_status(lib, "test-textile", "1", "superseded")
    with pytest.raises(ServiceError, match="status 'final': expected one of draft, trial"):
        set_status(lib, "test-textile", "1", "final")
    with pytest.raises(NotFoundError, match=r"no version '9' of rule test-textile \(versions: 1"):
        set_status(lib, "test-textile", "9", "trial")
    changes = set_status(lib, "test-textile", "1", "trial")
    assert [(c.ref, c.before, c.after) for c in changes] == [("test-textile@1", "draft", "trial")]
    set_status(lib, "test-textile", "1", "draft")  # a trial can go back to draft
    set_status(lib, "test-textile", "1", "published")
    with pytest.raises(ServiceError, match="it can only become superseded"):
        set_status(lib, "test-textile", "1", "draft")
    set_status(lib, "test-textile", "1", "superseded")
    with pytest.raises(ServiceError, match=r"is superseded: it cannot become published \(that"):
        set_status(lib, "test-textile", "1", "published")
    with pytest.raises(NotFoundError, match="every version of rule test-textile is superseded"):
        get_rule(lib, "test-textile")
    assert get_rule(lib, "test-textile", "1").status == "superseded"  # asked by version


def test_publishing_v2_supersedes_v1(lib: Session, tmp_path: Path) -> None:
    import_rule(lib, textile(tmp_path, "1", "trial"))
    set_status(lib, "test-textile", "1", "published")
    import_rule(lib, textile(tmp_path, "2", "draft"))
    assert get_rule(lib, "test-textile").version == "1"  # published over a newer draft
    changes = set_status(lib, "test-textile", "2", "published")
    assert [(c.ref, c.before, c.after) for c in changes] == [
        ("test-textile@2", "draft", "published"),
        ("test-textile@1", "published", "superseded"),
    ]
    assert get_rule(lib, "test-textile").version == "2"
    assert get_rule(lib, "test-textile", "1").status == "superseded"
    # An older version cannot be published over a newer published one.
    import_rule(lib, textile(tmp_path, "1.5", "draft"))
    with pytest.raises(ConflictError, match=r"a newer version \(2\) is published"):
        set_status(lib, "test-textile", "1.5", "published")


def test_importing_a_published_version_supersedes_the_older_one(
    lib: Session, tmp_path: Path
) -> None:
    import_rule(lib, textile(tmp_path, "2", "published"))
    assert import_rule(lib, textile(tmp_path, "10", "published")).status == "published"
    assert get_rule(lib, "test-textile", "2").status == "superseded"  # 10 is newer than 2
    assert import_rule(lib, textile(tmp_path, "3", "published")).status == "superseded"
    assert get_rule(lib, "test-textile").version == "10"


def test_latest_is_published_then_trial_then_draft(lib: Session, tmp_path: Path) -> None:
    import_rule(lib, textile(tmp_path, "1", "draft"))
    import_rule(lib, textile(tmp_path, "2", "draft"))
    assert get_rule(lib, "test-textile").version == "2"  # the newest draft
    set_status(lib, "test-textile", "1", "trial")
    assert get_rule(lib, "test-textile").version == "1"  # trial over draft
    set_status(lib, "test-textile", "2", "trial")
    set_status(lib, "test-textile", "1", "published")
    assert get_rule(lib, "test-textile").version == "1"  # published over trial
    assert library.rule_by_ref(lib, "test-textile@2").status == "trial"
    with pytest.raises(NotFoundError, match="no rule 'nothing' in the library"):
        get_rule(lib, "nothing")
    with pytest.raises(ServiceError, match="expected ID or ID@VERSION"):
        library.rule_by_ref(lib, "test-textile@")


# --- validating a model --------------------------------------------------------------------


def test_a_broken_model_gets_findings(lib: Session, tmp_path: Path) -> None:
    import_rule(lib, textile(tmp_path))
    model = model_from_document(load_document(write(tmp_path, "shirt.yaml", BROKEN_MODEL)))
    findings = validate_model(lib, "test-textile", model)
    assert {"process-missing", "cut-off", "gwp-set"} <= errors(findings)
    assert findings[0].severity is Severity.ERROR  # errors first
    process = next(f for f in findings if f.code == "process-missing")
    assert process.clause == "Test textile rule 5.2"
    assert "data-quality" not in errors(findings)  # no footprint: not checked
    good = model_from_document(load_document(write(tmp_path, "good.yaml", GOOD_MODEL)))
    assert errors(validate_model(lib, "test-textile@1", good)) == set()


def test_data_quality_is_checked_with_the_footprint(
    lib: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    rule = import_rule(lib, textile(tmp_path))
    path = write(tmp_path, "shirt.yaml", BROKEN_MODEL)
    calc = calculate_under(lib, backgrounds, path, rule)
    # Computed under the rule: its GWP set (AR5: CH4 fossil 30), its pin.
    assert calc.footprint.model.method == "ipcc-ar5-gwp100"
    assert calc.footprint.total == pytest.approx(1.2 * 3.0 + 0.01 * 30, rel=1e-12)
    assert any(p.kind == "rule" and p.ref == "test-textile@1" for p in calc.footprint.pins)
    model = model_from_document(load_document(path))
    findings = validate_model(lib, rule, model, calc.footprint)
    # fibre: 92% of the footprint with DQR 4 > 2 (the line's DQR of 4 drives the result's
    # DQR above 3 as well; the CH4 line has no rating).
    line = next(f for f in findings if f.code == "line-data-quality")
    assert "line fibre carries 92% of the total with DQR 4.00" in line.message
    assert line.line.startswith(str(path))
    assert "data-quality" in errors(findings)


def test_validate_file_chooses_rules_by_category(
    lib: Session, backgrounds: BackgroundStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "shirt.yaml", GOOD_MODEL)
    with pytest.raises(NotFoundError, match="no rule in the library applies to category"):
        validate_file(lib, backgrounds, path)
    import_rule(lib, textile(tmp_path))
    model = model_from_document(load_document(path))
    assert [r.ref for r in rules_for_model(lib, model)] == ["test-textile@1"]
    [run] = validate_file(lib, backgrounds, path)
    assert run.rule.ref == "test-textile@1"
    assert run.errors == 0
    assert run.calculation is not None
    # A model may name its rule: that one is used.
    named = write(tmp_path, "named.yaml", GOOD_MODEL + "rule: general-gbt24067@2024.2\n")
    [run] = validate_file(lib, backgrounds, named)
    assert run.rule.ref == "general-gbt24067@2024.2"
    # Under the general rule (named): its category does not fit (the general rule leaves
    # the declared unit to the category rules).
    [run] = validate_file(lib, backgrounds, path, ["general-gbt24067"])
    assert errors(list(run.findings)) == {"category"}
    # A model that cannot be computed gets a calculation error beside the other findings.
    broken = write(tmp_path, "x.yaml", GOOD_MODEL.replace("gas: CH4-fossil", "gas: XX"))
    [run] = validate_file(lib, backgrounds, broken)
    assert run.calculation is None
    assert "calculation" in errors(list(run.findings))
