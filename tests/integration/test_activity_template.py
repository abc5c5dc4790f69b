"""The Excel activity-data template of a product model: written, filled as a user would, read.

The model is the four-line model of tests/unit/domain/test_footprints.py (steel, grid
electricity, a direct CH4 emission, a truck leg) with some quality and uncertainty data.
Cells are found by the line id of their row and the English half of their header, the
way a user finds them on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tanji.io.activity_template import (
    DATA_SHEET,
    FACTORS_SHEET,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    TemplateError,
    read_activity_data,
    read_activity_template,
    write_activity_template,
)
from tanji.io.errors import DataFormatError
from tanji.io.product_model import (
    ModelDocument,
    load_document,
    model_from_document,
    parse_document,
)

HEAD = """
tanji: product-model/1
id: {id}
product:
  name: {{zh: 测试, en: Test}}
  category: test
  declared_unit: 1 kg
"""
LINES = """
output: 2 t
lines:
  - {id: steel, stage: raw_materials, quantity: 500 kg, factor: "db:STEEL",
     data: secondary, quality: {ter: 2, ger: 3}}
  - id: power
    stage: production
    quantity: 1,200 kWh
    electricity: {grid: {geography: CN-JS, year: 2022}}
    data: primary
    evidence: meter M-12
    uncertainty: {distribution: lognormal, gsd: 1.1}
  - {id: ch4, stage: production, quantity: {amount: 2, unit: kg}, gas: CH4-fossil}
  - {id: truck, stage: distribution, transport: {mass: 2 t, distance: 100 km}, factor: "db:TRUCK"}
"""
SHEET = f"'{DATA_SHEET}'"


def document(model_id: str = "p", lines: str = LINES) -> ModelDocument:
    return parse_document(HEAD.format(id=model_id) + lines, f"{model_id}.yaml")


@pytest.fixture
def model() -> ModelDocument:
    return document()


@pytest.fixture
def template(model: ModelDocument, tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_activity_template(model, path)
    return path


class Filled:
    """A template opened for filling: ``filled[line_id, "Unit"] = "MWh"``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = openpyxl.load_workbook(path)
        self.sheet = self.book[DATA_SHEET]
        header = next(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        # "数量 Amount" → "Amount"; "运输质量 Transport mass" → "Transport mass"
        self.columns = {str(h).split(" ", 1)[1]: i for i, h in enumerate(header, 1)}
        self.rows = {row[0].value: row[0].row for row in self.sheet.iter_rows(min_row=2, max_col=1)}

    def cell(self, line_id: str, column: str) -> Any:
        return self.sheet.cell(row=self.rows[line_id], column=self.columns[column])

    def __getitem__(self, key: tuple[str, str]) -> Any:
        return self.cell(*key).value

    def __setitem__(self, key: tuple[str, str], value: object) -> None:
        self.cell(*key).value = value

    def ref(self, line_id: str, column: str) -> str:
        """How the error report names the cell, e.g. ``'活动数据 Activity data'!G3 (row 3, …)``."""
        cell = self.cell(line_id, column)
        header = self.sheet.cell(row=1, column=cell.column).value
        return f'{SHEET}!{cell.coordinate} (row {cell.row}, column "{header}")'

    def save(self) -> Path:
        self.book.save(self.path)
        return self.path


def problems(model: ModelDocument, path: Path) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        read_activity_template(model, path)
    assert isinstance(caught.value, DataFormatError)
    assert str(caught.value).startswith(f"{path}: ")
    return [str(p) for p in caught.value.problems]


# ----------------------------------------------------------------------------- writing


def test_the_template_has_one_row_per_line_pre_filled(template: Path, model: ModelDocument) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [DATA_SHEET, INSTRUCTIONS_SHEET, META_SHEET]
    sheet = book[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "编号 Line id", "阶段 Stage", "名称 Name", "关联 Linked to", "排放因子 Factor",
        "当前单位 Current unit", "数量 Amount", "单位 Unit",
    ]  # fmt: skip
    assert "运输质量 Transport mass" in header
    assert "技术代表性 TeR" in header
    assert "不确定性分布 Distribution" in header
    assert sheet.freeze_panes == "B2"
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert list(rows) == ["steel", "power", "ch4", "truck"]
    power = rows["power"]
    assert power["关联 Linked to"] == "电力 CN-JS 2022"
    assert power["阶段 Stage"] == "production（生产）"
    assert (power["数量 Amount"], power["单位 Unit"], power["当前单位 Current unit"]) == (
        1200,
        "kWh",
        "kWh",
    )
    assert power["数据类型 Data"] == "primary"
    assert power["证据 Evidence"] == "meter M-12"
    assert (power["不确定性分布 Distribution"], power["几何标准差 GSD"]) == ("lognormal", 1.1)
    assert rows["steel"]["关联 Linked to"] == "排放因子 db:STEEL"
    assert (rows["steel"]["技术代表性 TeR"], rows["steel"]["地理代表性 GeR"]) == (2, 3)
    assert rows["ch4"]["关联 Linked to"] == "直接排放 CH4-fossil"
    truck = rows["truck"]
    assert truck["数量 Amount"] is None
    assert truck["单位 Unit"] is None
    assert (truck["运输质量 Transport mass"], truck["质量单位 Mass unit"]) == (2, "t")
    assert (truck["运输距离 Transport distance"], truck["距离单位 Distance unit"]) == (100, "km")

    meta = {r[0]: r[1] for r in book[META_SHEET].iter_rows(values_only=True)}
    assert book[META_SHEET].sheet_state == "hidden"
    assert meta["model_id"] == "p"
    assert meta["digest"] == model.digest()


def test_read_only_columns_are_protected_and_editable_cells_unlocked(template: Path) -> None:
    filled = Filled(template)
    assert filled.sheet.protection.sheet
    for column in ("Line id", "Stage", "Name", "Linked to", "Current unit"):
        assert filled.cell("power", column).protection.locked, column
    for column in ("Amount", "Unit", "Data", "Evidence", "TeR", "P", "Distribution", "GSD"):
        assert not filled.cell("power", column).protection.locked, column
    # A transport line takes mass and distance; other lines an amount and unit.
    assert filled.cell("power", "Transport mass").protection.locked
    assert filled.cell("truck", "Amount").protection.locked
    assert not filled.cell("truck", "Transport distance").protection.locked


def test_dropdowns_offer_the_allowed_values(template: Path) -> None:
    filled = Filled(template)
    lists = {}
    for validation in filled.sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            lists[cells.coord] = (validation.type, validation.formula1)
    letter = {c: filled.cell("steel", c).column_letter for c in ("Data", "TeR", "Distribution")}
    assert lists[f"{letter['Data']}2:{letter['Data']}5"] == ("list", '"primary,secondary"')
    assert lists[f"{letter['TeR']}2:{letter['TeR']}5"] == ("list", '"1,2,3,4,5"')
    assert lists[f"{letter['Distribution']}2:{letter['Distribution']}5"] == (
        "list",
        '"none,lognormal,normal,uniform,triangular"',
    )


def test_english_first_headers(model: ModelDocument, tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    write_activity_template(model, path, language="en")
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    assert sheet["G1"].value == "Amount 数量"
    assert sheet["B3"].value == "production (Production)"
    assert sheet["D3"].value == "electricity CN-JS 2022"
    data, changes = read_activity_template(model, path)
    assert (data, changes) == (model.data, [])


def test_an_invalid_model_gets_no_template(tmp_path: Path) -> None:
    broken = document(lines="lines:\n  - {id: a, stage: production, factor: 'db:X'}\n")
    with pytest.raises(DataFormatError, match="quantity: required"):
        write_activity_template(broken, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


# ----------------------------------------------------------------------------- reading


def test_a_round_trip_without_edits_gives_identical_data(
    template: Path, model: ModelDocument
) -> None:
    data, changes = read_activity_template(model, template)
    assert data == model.data
    assert changes == []
    # Saved by a spreadsheet program unchanged: still identical.
    data, changes = read_activity_template(model, Filled(template).save())
    assert (data, changes) == (model.data, [])


def test_filled_values_are_applied_and_the_model_builds(
    template: Path, model: ModelDocument
) -> None:
    filled = Filled(template)
    filled["power", "Amount"] = 1.3
    filled["power", "Unit"] = "MWh"
    filled["power", "Distribution"] = "normal"
    filled["power", "GSD"] = None
    filled["power", "SD"] = 0.05
    filled["steel", "Amount"] = "520"  # typed as text
    filled["steel", "TeR"] = 1
    filled["steel", "TiR"] = "2"
    filled["steel", "Evidence"] = "ERP purchase records 2024"
    filled["ch4", "Amount"] = 2.5
    filled["ch4", "Data"] = "primary"
    filled["truck", "Transport mass"] = 2500
    filled["truck", "Mass unit"] = "kg"
    filled["truck", "Transport distance"] = 120
    data, changes = read_activity_template(model, filled.save())

    lines = {line["id"]: line for line in data["lines"]}
    assert lines["power"]["quantity"] == "1.3 MWh"
    assert lines["power"]["uncertainty"] == {"distribution": "normal", "sd": 0.05}
    assert lines["steel"]["quantity"] == "520 kg"
    assert lines["steel"]["quality"] == {"ter": 1, "ger": 3, "tir": 2}
    assert lines["steel"]["evidence"] == "ERP purchase records 2024"
    assert lines["ch4"]["quantity"] == {"amount": 2.5, "unit": "kg"}  # the line's own style
    assert lines["ch4"]["data"] == "primary"
    assert lines["truck"]["transport"] == {"mass": "2500 kg", "distance": "120 km"}
    assert changes == [
        "lines[0] (id steel).quantity: 500 kg → 520 kg",
        "lines[0] (id steel).evidence: (empty) → ERP purchase records 2024",
        "lines[0] (id steel).quality: ter 2, ger 3 → ter 1, ger 3, tir 2",
        "lines[1] (id power).quantity: 1,200 kWh → 1.3 MWh",
        "lines[1] (id power).uncertainty: lognormal gsd 1.1 → normal sd 0.05",
        "lines[2] (id ch4).quantity: 2 kg → 2.5 kg",
        "lines[2] (id ch4).data: (empty) → primary",
        "lines[3] (id truck).transport.mass: 2 t → 2500 kg",
        "lines[3] (id truck).transport.distance: 100 km → 120 km",
    ]
    # Everything else is as it was, and the new model builds.
    assert {k: v for k, v in data.items() if k != "lines"} == {
        k: v for k, v in model.data.items() if k != "lines"
    }
    built = model_from_document(ModelDocument(data, {}, "new.yaml"))
    power = next(line for line in built.lines if line.id == "power")
    assert (power.amount, power.unit) == (1.3, "MWh")
    truck = next(line for line in built.lines if line.id == "truck")
    assert truck.amount == pytest.approx(2500 * 120)  # kg·km; the engine converts to t·km
    # The original document is untouched.
    assert model.data == document().data


def test_cleared_cells_remove_the_optional_fields(template: Path, model: ModelDocument) -> None:
    filled = Filled(template)
    for column in ("Data", "Evidence", "Distribution", "GSD"):
        filled["power", column] = None
    filled["steel", "TeR"] = None
    filled["steel", "GeR"] = None
    data, changes = read_activity_template(model, filled.save())
    power, steel = data["lines"][1], data["lines"][0]
    assert set(power) == {"id", "stage", "quantity", "electricity"}
    assert "quality" not in steel
    assert "lines[1] (id power).evidence: meter M-12 → (empty)" in changes


def test_a_unit_of_another_dimension_is_reported_with_cell_and_header(
    template: Path, model: ModelDocument
) -> None:
    filled = Filled(template)
    filled["power", "Unit"] = "kg"
    assert problems(model, filled.save()) == [
        f"{filled.ref('power', 'Unit')}: 'kg' is a unit of mass, but this line is in 'kWh' "
        "(energy); expected a unit of energy such as 'kWh'"
    ]
    assert filled.ref("power", "Unit").startswith(f'{SHEET}!H3 (row 3, column "单位 Unit")')


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        ("power", "Amount", "about 1200", "'about 1200' is not a number; expected a number"),
        ("power", "Amount", None, "required; expected a number, e.g. 1200"),
        ("power", "Amount", -5, "-5 is negative; expected an amount ≥ 0"),
        ("power", "Amount", 1e308, "1e+308 is beyond the largest quantity accepted (1e+15)"),
        ("truck", "Transport distance", 1e20, "1e+20 is beyond the largest quantity"),
        ("power", "Unit", "kwhh", "unknown unit 'kwhh'; expected a unit of energy such as 'kWh'"),
        ("power", "Unit", None, "required; expected a unit of energy such as 'kWh'"),
        ("steel", "TeR", 7, "7 is not a PEF quality score; expected a whole number from 1"),
        ("steel", "GeR", 2.5, "2.5 is not a PEF quality score"),
        ("steel", "Data", "measured", "'measured' is not primary or secondary"),
        ("power", "GSD", 0.9, "0.9 is not a geometric standard deviation; a lognormal"),
        ("power", "GSD", None, "a lognormal distribution needs its gsd; expected a number > 1"),
        ("power", "Distribution", "gauss", "'gauss' is not a distribution"),
        ("ch4", "SD", 0.1, "empty, but sd is given; expected the distribution"),
        ("truck", "Mass unit", "km", "'km' is a unit of length, but this line is in 't' (mass)"),
        ("truck", "Transport distance", "far", "'far' is not a number"),
        ("truck", "Amount", 200, "'200' given, but a transport line takes its mass and distance"),
        ("steel", "Transport mass", 1, "'1' given, but this is not a transport line"),
    ],
)
def test_a_wrong_cell_is_reported_with_what_was_expected(
    template: Path, model: ModelDocument, line: str, column: str, value: object, message: str
) -> None:
    filled = Filled(template)
    filled[line, column] = value
    found = problems(model, filled.save())
    # A missing parameter is reported on the parameter's cell, an orphan one on the
    # distribution's.
    where = "Distribution" if message.startswith("empty, but") else column
    assert len(found) == 1, found
    assert found[0].startswith(f"{filled.ref(line, where)}: {message}")


def test_uniform_needs_minimum_below_maximum(template: Path, model: ModelDocument) -> None:
    filled = Filled(template)
    filled["ch4", "Distribution"] = "uniform"
    filled["ch4", "Minimum"] = 3
    filled["ch4", "Maximum"] = 1
    filled["steel", "Distribution"] = "triangular"
    filled["steel", "Minimum"] = 400
    assert problems(model, filled.save()) == [
        f"{filled.ref('steel', 'Maximum')}: a triangular distribution needs its maximum; "
        "expected a number",
        f"{filled.ref('ch4', 'Minimum')}: minimum 3 is not below maximum 1; expected "
        "minimum < maximum",
    ]


def test_every_problem_is_listed_at_once_and_nothing_is_returned(
    template: Path, model: ModelDocument
) -> None:
    filled = Filled(template)
    filled["power", "Unit"] = "kg"
    filled["steel", "Amount"] = "five hundred"
    filled["steel", "TeR"] = 7
    filled["truck", "Distance unit"] = "h"
    with pytest.raises(TemplateError) as caught:
        read_activity_template(model, filled.save())
    report = str(caught.value)
    assert report.splitlines() == [
        f"{filled.path}: 4 errors; the model was not changed:",
        f"  {filled.ref('steel', 'Amount')}: 'five hundred' is not a number; expected a "
        "number such as 12.5",
        f"  {filled.ref('steel', 'TeR')}: 7 is not a PEF quality score; expected a whole "
        "number from 1 (excellent) to 5 (poor)",
        f"  {filled.ref('power', 'Unit')}: 'kg' is a unit of mass, but this line is in 'kWh' "
        "(energy); expected a unit of energy such as 'kWh'",
        f"  {filled.ref('truck', 'Distance unit')}: 'h' is a unit of time, but this line is in "
        "'km' (length); expected a unit of length such as 'km'",
    ]


def test_unknown_repeated_and_missing_rows(template: Path, model: ModelDocument) -> None:
    # The id column is locked in Excel; a user who lifts the protection can still edit it.
    filled = Filled(template)
    filled["ch4", "Line id"] = "powr"
    filled.sheet.cell(row=6, column=1, value="steel")
    filled.sheet.cell(row=6, column=filled.columns["Amount"], value=1)
    filled.sheet.cell(row=6, column=filled.columns["Unit"], value="kg")
    found = problems(model, filled.save())
    assert found == [
        f"{SHEET}!A4 (row 4, column \"编号 Line id\"): unknown line id 'powr' (did you mean "
        "'power'?); the model's lines are: steel, power, ch4, truck",
        f"{SHEET}!A6 (row 6, column \"编号 Line id\"): line 'steel' repeated: it is already in "
        "row 2; expected one row per line",
        f"{SHEET} column A (\"编号 Line id\"): no row for line 'ch4' (lines[2]); expected one "
        "row per line of the model: download the template again",
    ]


def test_a_template_of_another_model_is_refused(template: Path, tmp_path: Path) -> None:
    other = document("q")
    found = problems(other, template)
    assert len(found) == 1
    assert found[0].startswith(f'{META_SHEET}!B2 (row 2, column "model_id"): ')
    assert "this workbook was made for product 'p', not for 'q'" in found[0]
    assert "tanji" not in found[0]


def test_a_template_made_before_an_edit_fills_the_lines_it_names(
    template: Path, tmp_path: Path
) -> None:
    # Since the download: steel's amount and evidence changed, ch4 removed, a line added.
    changed = LINES.replace("500 kg", "510 kg").replace(
        "{id: ch4, stage: production, quantity: {amount: 2, unit: kg}, gas: CH4-fossil}",
        "{id: n2o, stage: production, quantity: 1 kg, gas: N2O}",
    )
    now = document(lines=changed)
    now.data["lines"][0]["evidence"] = "invoice 7"
    filled = Filled(template)
    filled["power", "Amount"] = 1300  # the person's edits in the old workbook
    filled["steel", "Data"] = "primary"
    reading = read_activity_data(now, filled.save())
    lines = {line["id"]: line for line in reading.data["lines"]}
    assert lines["power"]["quantity"] == "1300 kWh"
    # steel: the workbook's change applied, the edits made since kept
    assert (lines["steel"]["quantity"], lines["steel"]["data"]) == ("510 kg", "primary")
    assert lines["steel"]["evidence"] == "invoice 7"
    assert "n2o" in lines
    assert "ch4" not in lines
    assert reading.notes == [
        "line steel changed after the workbook was downloaded; the cells changed in the "
        "workbook were applied to it",
        "line ch4 was removed from the product after the workbook was downloaded; its row "
        "was skipped",
        "line n2o was added after the workbook was downloaded; it is not in the workbook "
        "and was left as it is",
    ]
    assert [note.code for note in reading.notes] == [  # type: ignore[attr-defined]
        "line-changed-applied", "line-removed", "line-added",
    ]  # fmt: skip
    write_activity_template(document(), tmp_path / "untouched.xlsx")
    untouched = read_activity_data(now, tmp_path / "untouched.xlsx")
    assert untouched.changes == []
    assert untouched.data["lines"] == now.data["lines"]
    assert "line steel changed after the workbook was downloaded; it was left as it is now" in (
        untouched.notes
    )


def test_factors_are_chosen_from_each_lines_list(model: ModelDocument, tmp_path: Path) -> None:
    path = tmp_path / "choices.xlsx"
    choices = {"steel": [("db:STEEL", "Steel"), ("db:STEEL-EAF", "Steel, electric arc furnace")],
               "truck": [("db:TRUCK", "Truck"), ("db:VAN", "Van")]}  # fmt: skip
    write_activity_template(model, path, factor_choices=choices)
    book = openpyxl.load_workbook(path)
    assert book[FACTORS_SHEET].sheet_state == "hidden"
    listed = [c.value for c in book[FACTORS_SHEET]["A"]]
    assert listed == ["steel", "db:STEEL Steel", "db:STEEL-EAF Steel, electric arc furnace"]
    filled = Filled(path)
    cell = filled.cell("steel", "Factor")
    assert cell.value == "db:STEEL"
    [validation] = [
        v for v in filled.sheet.data_validations.dataValidation if cell.coordinate in v.sqref
    ]
    assert validation.formula1 == f"{FACTORS_SHEET}!$A$2:$A$3"
    filled["steel", "Factor"] = "db:STEEL-EAF Steel, electric arc furnace"
    filled["truck", "Factor"] = "db:VAN Van"
    data, changes = read_activity_template(model, filled.save())
    assert [line.get("factor") for line in data["lines"]] == ["db:STEEL-EAF", None, None, "db:VAN"]
    assert "lines[0] (id steel).factor: db:STEEL → db:STEEL-EAF" in changes
    filled["power", "Factor"] = "db:STEEL"
    filled["truck", "Factor"] = "卡车"
    found = problems(model, filled.save())
    assert any("this line is not linked to a factor" in p for p in found), found
    assert any("'卡车' is not a factor of the library" in p for p in found)


def test_a_workbook_that_is_not_a_template_is_refused(tmp_path: Path, model: ModelDocument) -> None:
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    assert problems(model, path) == [
        "meta: not a Tanji activity-data template (no 'meta' sheet); download the "
        "activity-data template from the product's page"
    ]
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"not an Excel \.xlsx workbook"):
        read_activity_template(model, text)


def test_a_model_file_round_trips_through_the_template(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(HEAD.format(id="p") + LINES, encoding="utf-8")
    loaded = load_document(path)
    write_activity_template(loaded, tmp_path / "t.xlsx")
    data, changes = read_activity_template(load_document(path), tmp_path / "t.xlsx")
    assert (data, changes) == (loaded.data, [])


def test_the_filled_model_must_pass_the_model_checks(model: ModelDocument, tmp_path: Path) -> None:
    # The cell checks catch what a template can hold; the model checks run after them as a
    # safety net, with the template's rows as the "lines" of the report.
    from tanji.io.activity_template._read import _check_model

    data = document().data
    data["lines"][1]["quality"] = {"ter": 9}
    with pytest.raises(TemplateError) as caught:
        _check_model(data, tmp_path / "f.xlsx", {("lines", 1): 3})
    assert "the filled model does not pass the model checks (f.xlsx:N below is row N" in str(
        caught.value
    )
    assert f"{tmp_path / 'f.xlsx'}:3: lines[1].quality.ter: 9 is greater than the maximum of 5" in (
        str(caught.value)
    )
