"""Footprint reports: HTML, PDF and XLSX, in Chinese and English, from a small model."""

from __future__ import annotations

import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import numpy as np
import openpyxl
import pypdfium2 as pdfium
import pytest

from tanji.domain.burdens import Burden, Pin, factor_burden, gas_burden
from tanji.domain.factors import DomainError, PefQuality, Uncertainty
from tanji.domain.footprint_uncertainty import FootprintUncertainty, monte_carlo
from tanji.domain.footprints import Footprint, compute
from tanji.domain.products import Link, LinkKind, ProductModel
from tanji.io.errors import DataFormatError
from tanji.io.product_model import model_from_document, parse_document
from tanji.io.reports import write_report
from tanji.io.reports._text import TEXT, fmt_percent, fmt_value, t
from tanji.io.reports.html import render_html
from tanji.io.reports.xlsx import LINE_COLUMNS

GWP = {"CO2": 1.0, "CH4-fossil": 29.8, "N2O": 273.0, "CO2-biogenic": 1.0}
BASIS = "IPCC-AR6-GWP100"
LANGUAGES = ("zh", "en")
DAY = date(2025, 3, 1)


class FakeResolver:
    """Stored factors by ref, grid factors by geography, sub-models by id."""

    gwp = GWP
    basis = BASIS

    def __init__(self, factors: dict[str, Burden], models: dict[str, ProductModel]):
        self.factors = factors
        self.models = models

    def prefetch(self, links: object) -> None:
        pass

    def burden(self, link: Link, where: str) -> Burden:
        if link.kind is LinkKind.INLINE:
            assert link.inline is not None
            return factor_burden(link.inline, self.gwp, self.basis, None)
        if link.kind is LinkKind.GAS:
            return gas_burden(link.ref, self.gwp, self.basis, "AR6")
        key = (
            f"{link.kind.value}:{link.ref}:{link.basis or 'lifecycle'}"
            if link.kind is LinkKind.GRID
            else link.ref
        )
        if key not in self.factors:
            raise DomainError(f"{where}: unknown {key}")
        return self.factors[key]

    def submodel(self, ref: str, parent: ProductModel, where: str) -> ProductModel:
        return self.models[ref]

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> np.ndarray:
        raise AssertionError("no background samples in these tests")


def factor(unit: str, value: float, label: str, source: str, **kw: object) -> Burden:
    return Burden(
        unit,
        {("CO2", "fossil"): value},
        label,
        source,
        (Pin("factor", f"{label}@1", digest=f"sha256:{label}", link=f"factor:{label}"),),
        **kw,  # type: ignore[arg-type]
    )


def model(text: str, source: str) -> ProductModel:
    return model_from_document(parse_document(text, source))


ROOT = """
tanji: product-model/1
id: widget
version: "2"
product:
  name: {zh: 测试小部件, en: Test widget}
  category: 机械零件
  declared_unit: 1 kg
  functional_unit: {description: {zh: 一个小部件, en: one widget}, declared_units: 2.5}
  company: "Acme & <Co>"
  site: 江苏省苏州市
  identifiers: {gtin: "06901234567892", company_code: W-1}
  reference_period: {start: "2024-01-01", end: "2024-12-31"}
output: 1 t
lines:
  - id: steel
    stage: raw_materials
    name: 钢材
    quantity: 600 kg
    factor: "db:STEEL"
  - {id: part, stage: raw_materials, name: 塑料件, quantity: 400 kg, model: part}
  - id: power
    stage: production
    name: 外购电力
    quantity: 150 MWh
    electricity: {grid: {geography: CN-JS, year: 2022}}
    data: primary
    evidence: 2024 年电表读数
    quality: {ter: 1, ger: 1, tir: 1, p: 2}
    uncertainty: {distribution: normal, sd: 5}
  - id: paint
    stage: production
    name: 油漆
    quantity: 20 kg
    factor:
      unit: kg
      co2e_kg: 3.2
      name: 油漆（示例）
      source: {publisher: Example Publisher, title: Illustrative paint factor, year: 2024}
      illustrative: true
  - id: truck
    stage: distribution
    name: 公路运输
    transport: {mass: 1 t, distance: 300 km}
    factor: "db:TRUCK"
  - id: credit
    stage: production
    name: 林业碳汇
    quantity: 50 kg
    factor: "db:STEEL"
    reporting: offset
    evidence: CCER-123
"""

PART = """
tanji: product-model/1
id: part
product:
  name: {zh: 塑料件, en: Plastic part}
  category: 塑料制品
  declared_unit: 1 kg
output: 100 kg
lines:
  - {id: resin, stage: raw_materials, name: 聚丙烯, quantity: 105 kg, factor: "db:RESIN"}
  - {id: moulding, stage: production, name: 注塑用电, quantity: 80 kWh, factor: "db:E"}
  - id: scrap
    stage: end_of_life
    name: 边角料
    quantity: 5 kg
    cff: {A: 0.5, R1: 0, R2: 0.6, Ev: {factor: "db:RESIN"}, ED: {factor: "db:ED"}}
"""

CPCD = "China Products Carbon Footprint Factors Database; 2024"


@pytest.fixture(scope="module")
def result() -> tuple[Footprint, FootprintUncertainty]:
    part = model(PART, "part.yaml")
    root = model(ROOT, "widget.yaml")
    quality = PefQuality(2, 2, 3, 2)
    resolver = FakeResolver(
        {
            "db:STEEL": factor(
                "kg",
                2.1,
                "steel",
                CPCD,
                quality=quality,
                uncertainty=Uncertainty("lognormal", gsd=1.2),
            ),
            "db:RESIN": factor("kg", 1.9, "resin", CPCD, quality=quality),
            "db:E": factor("kWh", 0.58, "grid-east", "MEE 2023 grid factors", quality=quality),
            "db:ED": factor("kg", 0.05, "landfill", CPCD),
            "db:TRUCK": factor(
                "t*km", 0.078, "truck", CPCD, uncertainty=Uncertainty("lognormal", gsd=1.3)
            ),
            "grid:CN-JS:lifecycle": factor(
                "kWh", 0.5703, "CN-JS-2022", "MEE; 2022 provincial grid factors", quality=quality
            ),
        },
        {"part": part},
    )
    fp = compute(root, resolver)
    return fp, monte_carlo(fp, resolver, 200, seed=7)


def test_the_footprint_is_what_the_reports_show(
    result: tuple[Footprint, FootprintUncertainty],
) -> None:
    fp, mc = result
    part = 1.05 * 1.9 + 0.8 * 0.58 + 0.05 * 1.9 + 0.05 * 0.4 * 0.05
    expected = (600 * 2.1 + 400 * part + 150_000 * 0.5703 + 20 * 3.2 + 300 * 0.078) / 1000
    assert fp.total == pytest.approx(expected, rel=1e-12)
    assert fp.illustrative
    assert [c.id for c in fp.components] == ["widget", "part"]
    assert mc.iterations == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_is_complete_escaped_and_offline(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path, language: str
) -> None:
    fp, mc = result
    path = write_report(fp, mc, tmp_path / "report.html", language, report_date=DAY)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert fmt_value(fp.total) in html
    assert t("report.title", language) in html
    assert t("report.banner", language) in html
    for stage in ("raw_materials", "production", "distribution"):
        assert fp.model.stage_name(stage, language) in html
    for key in ("scope.title", "results.title", "lines.title", "quality.title", "limits.title"):
        assert t(key, language) in html
    for category in ("fossil", "biogenic", "dluc", "aircraft"):
        assert t("category." + category, language) in html
    assert t("results.offsets_text", language) in html
    assert "CCER-123" in html
    assert fmt_value(mc.summary.p2_5) in html
    assert fmt_value(mc.summary.p97_5) in html
    assert "<svg" in html
    assert html.count('class="bar"') >= 10
    assert "Acme &amp; &lt;Co&gt;" in html  # autoescaped
    assert DAY.isoformat() in html
    # Self-contained: no network assets, no scripts.
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html
    assert "<link" not in html
    assert "@import" not in html
    for line in fp.components[1].lines:  # the sub-model's own lines
        assert line.term in html


def test_html_without_uncertainty_or_illustrative_data(
    result: tuple[Footprint, FootprintUncertainty],
) -> None:
    fp, _ = result
    html = render_html(fp, None, "en", report_date=DAY)
    assert t("uncertainty.none", "en") in html
    assert "<svg" not in html
    from dataclasses import replace

    real = render_html(replace(fp, illustrative=False), None, "en", report_date=DAY)
    assert t("report.banner", "en") not in real


def _pdf_text(path: Path) -> tuple[str, int]:
    pdf = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(texts), len(pdf)
    finally:
        pdf.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_text_and_rendering(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path, language: str
) -> None:
    fp, mc = result
    path = write_report(fp, mc, tmp_path / "report.pdf", language, report_date=DAY)
    assert path.read_bytes().startswith(b"%PDF")
    text, pages = _pdf_text(path)
    flat = re.sub(r"\s+", "", text)
    assert pages >= 2
    if language == "zh":
        assert "产品碳足迹" in flat
        assert "示例数据" in flat
        assert "逐行贡献" in flat
    for key in ("report.title", "results.title", "uncertainty.title", "limits.title"):
        assert re.sub(r"\s+", "", t(key, language)) in flat
    assert fmt_value(fp.total) in flat
    assert re.sub(r"\s+", "", t("report.page", language, page=1, pages=pages)) in flat

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        image = page.render(scale=1).to_pil()
        page.close()
    finally:
        pdf.close()
    gray = np.asarray(image.convert("L"))
    dark = int((gray < 128).sum())
    assert dark > 2000, f"page 1 looks blank ({dark} dark pixels)"
    assert (gray > 250).mean() > 0.5  # mostly white paper, not a black page
    if language == "zh":
        image.save("/tmp/report_page1.png")


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_is_reproducible(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path, language: str
) -> None:
    fp, mc = result
    a = write_report(fp, mc, tmp_path / "a.pdf", language, report_date=DAY)
    b = write_report(fp, mc, tmp_path / "b.pdf", language, report_date=DAY)
    assert a.read_bytes() == b.read_bytes()


def _evaluate(formula: str, sheet: object) -> float:
    """A product/quotient of cell references, as the lines sheet writes them."""
    match = re.fullmatch(r"=([A-Z]+\d+)\*([A-Z]+\d+)/([A-Z]+\d+)", formula)
    assert match, formula
    a, b, c = (sheet[ref].value for ref in match.groups())  # type: ignore[index]
    return float(a) * float(b) / float(c)


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_trace_recomputes_the_total(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path, language: str
) -> None:
    fp, mc = result
    path = write_report(fp, mc, tmp_path / "report.xlsx", language, report_date=DAY)
    book = openpyxl.load_workbook(path)  # formulas as written, not cached values
    names = [t(f"sheet.{s}", language) for s in ("summary", "lines", "sources", "pins")]
    assert book.sheetnames == names
    lines = book[names[1]]
    header = [cell.value for cell in lines[1]]
    assert header == [t("xlsx." + name, language) for name in LINE_COLUMNS]
    col = {name: i for i, name in enumerate(LINE_COLUMNS)}

    rows = [
        row
        for row in lines.iter_rows(min_row=2)
        if row[col["model"]].value in {c.id for c in fp.components}
    ]
    # Every term of every model is in the trace.
    assert len(rows) == sum(len(c.lines) for c in fp.components)
    for component in fp.components:
        own = [r for r in rows if r[col["model"]].value == component.id]
        contributions = [r[col["contribution"]].value for r in own]
        assert sum(contributions) == pytest.approx(component.total, abs=1e-9)
        for r, line in zip(own, component.lines, strict=True):
            assert r[col["line"]].value == line.line
            assert r[col["term"]].value == line.term
            formula = r[col["recomputed"]].value
            assert isinstance(formula, str)
            assert formula.startswith("=")
            assert _evaluate(formula, lines) == pytest.approx(line.co2e, rel=1e-12, abs=1e-15)
    root = [r for r in rows if r[col["model"]].value == fp.model.id]
    assert abs(sum(r[col["contribution"]].value for r in root) - fp.total) <= 1e-9

    # The SUM formulas over the root lines: below the table and in the summary.
    sums = [
        cell.value
        for row in lines.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=SUM(")
    ]
    letter = root[0][col["contribution"]].column_letter
    for component in fp.components:  # one total per model, sub-models included
        own = [r for r in rows if r[col["model"]].value == component.id]
        first, last = own[0][0].row, own[-1][0].row
        assert f"=SUM({letter}{first}:{letter}{last})" in sums
    summary = book[names[0]]
    values = {row[0].value: row[1].value for row in summary.iter_rows() if row[0].value}
    assert values[t("results.total", language)] == fp.total
    assert str(values[t("xlsx.total_check", language)]).startswith(f"=SUM('{names[1]}'!")
    assert values[t("uncertainty.iterations", language)] == 200
    assert values[t("quality.dqr", language)] == pytest.approx(fp.dqr)

    sources = book[names[2]]
    cited = {row[1].value for row in sources.iter_rows(min_row=2)}
    assert CPCD in cited
    assert "Example Publisher; Illustrative paint factor; 2024" in cited
    pins = book[names[3]]
    refs = {row[1].value for row in pins.iter_rows(min_row=2)}
    assert {p.ref for p in fp.pins} <= refs


def test_xlsx_text_is_never_a_formula(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path
) -> None:
    from dataclasses import replace

    fp, _ = result
    product = replace(fp.model.product, company="=HYPERLINK(1)")
    fp = replace(fp, model=replace(fp.model, product=product))
    path = write_report(fp, None, tmp_path / "report.xlsx", "en", report_date=DAY)
    summary = openpyxl.load_workbook(path)[t("sheet.summary", "en")]
    cell = next(row[1] for row in summary.iter_rows() if row[0].value == "Company")
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_unknown_suffix_and_language_are_refused(
    result: tuple[Footprint, FootprintUncertainty], tmp_path: Path
) -> None:
    fp, mc = result
    with pytest.raises(DataFormatError, match=r"report\.docx: expected \.html, \.pdf or \.xlsx"):
        write_report(fp, mc, tmp_path / "report.docx")
    with pytest.raises(DataFormatError):
        write_report(fp, mc, tmp_path / "report")
    with pytest.raises(ValueError, match="language"):
        write_report(fp, mc, tmp_path / "report.html", "fr")
    assert not (tmp_path / "report.html").exists()


def test_catalogue_and_number_formats() -> None:
    for key, text in TEXT.items():
        assert set(text) == set(LANGUAGES), key
        assert all(value.strip() for value in text.values()), key
    assert fmt_value(1.23456) == "1.235"
    assert fmt_value(0.000123456) == "0.0001235"
    assert fmt_value(12345.6) == "12,346"
    assert fmt_value(9.99996) == "10.00"
    assert fmt_value(-0.5) == "-0.5000"
    assert fmt_value(1.5e-7) == "0.0000001500"  # no scientific notation in reports
    assert fmt_value(1e308) == "1.000 × 10³⁰⁸"  # never raises
    assert fmt_value(0.0) == "0"
    assert fmt_percent(0.12345) == "12.3%"
    assert fmt_percent(None) == "—"


def test_templates_ship_inside_the_package() -> None:
    templates = files("tanji.io.reports").joinpath("templates")
    assert templates.joinpath("report.html.j2").is_file()
    assert templates.joinpath("report.css").is_file()
