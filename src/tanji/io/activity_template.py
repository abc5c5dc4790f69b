"""The Excel activity-data template of a product model: written, filled, read back.

An enterprise gets one workbook per model (:func:`write_activity_template`), fills in its
activity data, and uploads it back (:func:`read_activity_template`). The workbook holds

- sheet ``活动数据 Activity data``: one row per line of the model. The line id, stage,
  name, what the line links to and its current unit are read-only (the sheet is
  protected, the editable cells unlocked); the amount and unit (for a transport line:
  the mass and the distance, each with its unit), primary/secondary data, evidence, the
  PEF quality scores and the uncertainty are editable and pre-filled with the model's
  current values. Headers are bilingual, e.g. ``数量 Amount``;
- sheet ``说明 Instructions``: what each column means, in Chinese and English;
- a hidden sheet ``meta``: the model id and the digest of the model document the template
  was made from, so a template of another model, or of another version of this model, is
  refused rather than applied to lines it was not made for.

Reading is all or nothing: every cell is checked, every problem is collected, and
:class:`TemplateError` lists them all by cell (``'活动数据 Activity data'!G5 (row 5,
column "单位 Unit"): …``); only when there is none is the new model data returned, and
then it has passed the same checks as a model file (schema and domain rules).

Design note: cells the user did not change keep the model's own text, so a template read
back without edits gives the model data unchanged (a quantity written ``"1,200 kg"``
stays so, rather than becoming ``"1200 kg"``); a changed quantity is written in the
style the line used (``"12.5 MWh"`` or ``{amount, unit}``). Rows are matched to lines by
line id, not by position, so a sorted or filtered copy of the sheet still reads right.
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``_Value`` in _value() and nowhere else.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill, Protection  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from tanji.domain.bounds import MAX_AMOUNT, amount_problem
from tanji.domain.products import ProductModel
from tanji.domain.units import UnitError, kind_of, parse_quantity, same_dimension
from tanji.io._cells import blank, cell_text, format_number
from tanji.io.errors import DataFormatError
from tanji.io.limits import check_xlsx
from tanji.io.product_model import ModelDocument, model_from_document

__all__ = [
    "DATA_SHEET",
    "FORMAT",
    "INSTRUCTIONS_SHEET",
    "LANGUAGES",
    "META_SHEET",
    "TemplateError",
    "TemplateProblem",
    "read_activity_template",
    "write_activity_template",
]

FORMAT = "tanji activity-template/1"
DATA_SHEET = "活动数据 Activity data"
INSTRUCTIONS_SHEET = "说明 Instructions"
META_SHEET = "meta"
LANGUAGES = ("zh", "en")

_DISTRIBUTIONS = ("none", "lognormal", "normal", "uniform", "triangular")
_DATA_KINDS = {"primary": "primary", "secondary": "secondary",
               "初级": "primary", "初级数据": "primary", "一手数据": "primary",
               "次级": "secondary", "次级数据": "secondary"}  # fmt: skip
_SCORES = ("ter", "ger", "tir", "p")
_PARAMETERS = ("gsd", "sd", "minimum", "maximum")
# Plain decimals and scientific notation, ASCII digits only (float() would also take
# full-width digits, "nan" and "inf"); thousands separators are accepted ("1,200").
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")

_Value = str | float | int | bool | date | None
"""A cell as openpyxl gives it, narrowed to the types a template uses."""
_Book = Any  # an openpyxl Workbook (untyped library)
_Sheet = Any  # an openpyxl Worksheet


@dataclass(frozen=True)
class _Column:
    key: str
    zh: str
    en: str
    editable: bool
    width: int
    zh_help: str
    en_help: str
    allowed: str = ""

    def header(self, language: str) -> str:
        return f"{self.en} {self.zh}" if language == "en" else f"{self.zh} {self.en}"

    def names(self) -> set[str]:
        """Header texts accepted for this column, normalised (see :func:`_normal`)."""
        return {_normal(n) for n in (self.header("zh"), self.header("en"), self.zh, self.en)}


_ANY_UNIT = "与当前单位同类 / a unit of the same kind as the current unit"
COLUMNS: tuple[_Column, ...] = (
    _Column("id", "编号", "Line id", False, 18, "活动数据行的编号", "The line's id in the model"),
    _Column("stage", "阶段", "Stage", False, 24, "生命周期阶段", "Life-cycle stage"),
    _Column("name", "名称", "Name", False, 28, "名称", "Name of the line"),
    _Column("link", "关联", "Linked to", False, 36,
            "该行关联的排放因子、电网、活动、供应商或子模型",
            "The factor, grid, activity, supplier or sub-model the line links to"),
    _Column("current_unit", "当前单位", "Current unit", False, 14, "模型中当前使用的单位",
            "The unit the model uses now"),
    _Column("amount", "数量", "Amount", True, 14, "活动数据数量（运输行请填运输质量与距离）",
            "Amount of the activity (transport lines: fill mass and distance instead)",
            "数字 ≥ 0 / number ≥ 0"),
    _Column("unit", "单位", "Unit", True, 10, "数量的单位，如 kWh、MWh、t、kg",
            "Unit of the amount, e.g. kWh, MWh, t, kg", _ANY_UNIT),
    _Column("mass", "运输质量", "Transport mass", True, 14, "运输的货物质量（仅运输行）",
            "Mass of the goods carried (transport lines only)", "数字 ≥ 0 / number ≥ 0"),
    _Column("mass_unit", "质量单位", "Mass unit", True, 10, "运输质量的单位，如 t、kg",
            "Unit of the mass, e.g. t, kg", "质量单位 / a mass unit"),
    _Column("distance", "运输距离", "Transport distance", True, 14, "运输距离（仅运输行）",
            "Distance carried (transport lines only)", "数字 ≥ 0 / number ≥ 0"),
    _Column("distance_unit", "距离单位", "Distance unit", True, 10, "运输距离的单位，如 km",
            "Unit of the distance, e.g. km", "长度单位 / a length unit"),
    _Column("data", "数据类型", "Data", True, 12, "初级数据（实测）或次级数据（数据库、文献）",
            "Primary (measured on site) or secondary (database, literature) data",
            "primary, secondary"),
    _Column("evidence", "证据", "Evidence", True, 32, "数据来源凭证：电表、发票、报告等",
            "Where the amount comes from: meter, invoice, report"),
    _Column("ter", "技术代表性", "TeR", True, 10, "PEF 数据质量：技术代表性",
            "PEF data quality: technological representativeness", "1–5"),
    _Column("ger", "地理代表性", "GeR", True, 10, "PEF 数据质量：地理代表性",
            "PEF data quality: geographical representativeness", "1–5"),
    _Column("tir", "时间代表性", "TiR", True, 10, "PEF 数据质量：时间代表性",
            "PEF data quality: time representativeness", "1–5"),
    _Column("p", "精确度", "P", True, 10, "PEF 数据质量：精确度", "PEF data quality: precision",
            "1–5"),
    _Column("distribution", "不确定性分布", "Distribution", True, 14, "数量的不确定性分布",
            "Uncertainty distribution of the amount", ", ".join(_DISTRIBUTIONS)),
    _Column("gsd", "几何标准差", "GSD", True, 10, "几何标准差（对数正态分布）",
            "Geometric standard deviation (lognormal)", "> 1"),
    _Column("sd", "标准差", "SD", True, 10, "标准差（正态分布）", "Standard deviation (normal)",
            "≥ 0"),
    _Column("minimum", "最小值", "Minimum", True, 10, "最小值（均匀、三角分布）",
            "Minimum (uniform, triangular)", "< maximum"),
    _Column("maximum", "最大值", "Maximum", True, 10, "最大值（均匀、三角分布）",
            "Maximum (uniform, triangular)", "> minimum"),
)  # fmt: skip
_BY_KEY = {column.key: column for column in COLUMNS}
_POSITION = {column.key: i for i, column in enumerate(COLUMNS, 1)}
_QUANTITY_KEYS = ("amount", "unit")
_TRANSPORT_KEYS = ("mass", "mass_unit", "distance", "distance_unit")

_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_EDITABLE_HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")


# ----------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in a filled template: where it is (as a spreadsheet shows it) and what.

    ``row`` and ``column`` are 1-based; either is ``None`` when the problem concerns a
    whole column, a whole row or the workbook. ``header`` is the column's header as
    written in the file.
    """

    sheet: str
    row: int | None
    column: int | None
    header: str
    message: str

    @property
    def cell(self) -> str:
        """The cell reference, e.g. ``'活动数据 Activity data'!G5`` (or the sheet alone)."""
        sheet = f"'{self.sheet}'" if re.search(r"[^A-Za-z0-9_]", self.sheet) else self.sheet
        if self.row is not None and self.column is not None:
            return f"{sheet}!{get_column_letter(self.column)}{self.row}"
        return sheet

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            where = f'{self.cell} (row {self.row}, column "{self.header}")'
        elif self.row is not None:
            where = f"{self.cell} row {self.row}"
        elif self.column is not None:
            where = f'{self.cell} column {get_column_letter(self.column)} ("{self.header}")'
        else:
            where = self.cell
        return f"{where}: {self.message}"


class TemplateError(DataFormatError):
    """A filled template cannot be applied; ``problems`` lists every one, nothing was read."""

    def __init__(self, path: Path, problems: Sequence[TemplateProblem]) -> None:
        self.path = path
        self.problems = list(problems)
        count = f"{len(self.problems)} error{'s' if len(self.problems) != 1 else ''}"
        report = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(str(path), f"{count}; the model was not changed:\n{report}")


# ----------------------------------------------------------------------------- writing


def write_activity_template(document: ModelDocument, path: Path, *, language: str = "zh") -> None:
    """Write the activity-data template of a model as an .xlsx workbook.

    ``language`` (``zh`` or ``en``) decides which language comes first in the headers and
    instructions, and the language of the stage names and link descriptions. The model
    must be valid (:func:`~tanji.io.product_model.model_from_document` is run first, and
    its :class:`~tanji.io.errors.DataFormatError` raised).
    """
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {language!r}")
    model = model_from_document(document)
    lines: Sequence[Mapping[str, Any]] = document.data["lines"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    _header_row(sheet, language)
    stages = {s.id: (s.name.zh or s.name.en, s.name.en or s.name.zh) for s in model.stages}
    for row, spec in enumerate(lines, 2):
        _data_row(sheet, row, spec, stages, language)
    _validations(sheet, last_row=max(len(lines) + 1, 2))
    sheet.freeze_panes = "B2"  # the header row and the line id stay in view
    sheet.protection.formatColumns = False  # widening a column is allowed
    sheet.protection.formatRows = False
    sheet.protection.sheet = True
    _instructions_sheet(book, model, language)
    _meta_sheet(book, document, model, language)
    book.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _header_row(sheet: _Sheet, language: str) -> None:
    for i, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=1, column=i, value=column.header(language))
        cell.font = Font(bold=True)
        cell.fill = _EDITABLE_HEADER_FILL if column.editable else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(i)].width = column.width


def _data_row(
    sheet: _Sheet,
    row: int,
    spec: Mapping[str, Any],
    stages: Mapping[str, tuple[str, str]],
    language: str,
) -> None:
    transport = "transport" in spec
    values: dict[str, _Value] = {
        "id": spec["id"],
        "stage": _stage_text(spec["stage"], stages, language),
        "name": spec.get("name", spec["id"]),
        "link": _link_text(spec, language),
    }
    if transport:
        mass = _quantity(spec["transport"]["mass"])
        distance = _quantity(spec["transport"]["distance"])
        values |= {"current_unit": f"{mass[1]}, {distance[1]}", "mass": _json_number(mass[0]),
                   "mass_unit": mass[1], "distance": _json_number(distance[0]),
                   "distance_unit": distance[1]}  # fmt: skip
    else:
        amount, unit = _quantity(spec["quantity"])
        values |= {"current_unit": unit, "amount": _json_number(amount), "unit": unit}
    values["data"] = spec.get("data")
    values["evidence"] = spec.get("evidence")
    quality = spec.get("quality") or {}
    values |= {key: quality.get(key) for key in _SCORES}
    uncertainty = spec.get("uncertainty") or {}
    values["distribution"] = uncertainty.get("distribution")
    values |= {key: uncertainty.get(key) for key in _PARAMETERS}
    not_applicable = _QUANTITY_KEYS if transport else _TRANSPORT_KEYS
    for i, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=row, column=i, value=values.get(column.key))
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # a text such as "=A1" would otherwise be a formula
        if column.key in not_applicable:
            cell.fill = _NOT_APPLICABLE_FILL
        elif column.editable:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = _LOCKED_FILL


def _validations(sheet: _Sheet, last_row: int) -> None:
    lists = {
        "data": "primary,secondary",
        **dict.fromkeys(_SCORES, "1,2,3,4,5"),
        "distribution": ",".join(_DISTRIBUTIONS),
    }
    for key, choices in lists.items():
        letter = get_column_letter(_POSITION[key])
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Tanji",
            error=f"请选择 / choose one of: {choices}",
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _stage_text(stage: str, stages: Mapping[str, tuple[str, str]], language: str) -> str:
    if stage not in stages:
        return stage
    zh, en = stages[stage]
    return f"{stage}（{zh}）" if language == "zh" else f"{stage} ({en})"


_LINK_WORDS = {
    "factor": ("排放因子", "factor"),
    "inline": ("模型内因子", "inline factor"),
    "activity": ("LCI 活动", "LCI activity"),
    "supplier": ("供应商产品", "supplier product"),
    "pact": ("供应商 PACT 文件", "supplier PACT file"),
    "model": ("子模型", "sub-model"),
    "gas": ("直接排放", "direct emission"),
    "electricity": ("电力", "electricity"),
    "residual": ("剩余组合", "residual mix"),
    "location": ("二氧化碳排放因子", "CO2 emission factor"),
    "lifecycle": ("碳足迹因子", "carbon footprint factor"),
    "market": ("市场工具", "market instruments"),
    "cff": ("循环足迹公式（CFF）", "circular footprint formula (CFF)"),
    "transport": ("运输", "transport"),
}


def _link_text(spec: Mapping[str, Any], language: str) -> str:
    """What a line links to, e.g. ``electricity CN-JS 2022`` or ``factor db:STEEL``."""

    def word(key: str) -> str:
        zh, en = _LINK_WORDS[key]
        return zh if language == "zh" else en

    def factor(value: Any) -> str:
        if isinstance(value, str):
            return f"{word('factor')} {value}"
        name = f" {value['name']}" if value.get("name") else ""
        return f"{word('inline')}{name} [/{value['unit']}]"

    if "factor" in spec:
        text = factor(spec["factor"])
    elif "activity" in spec:
        text = f"{word('activity')} {spec['activity']}"
    elif "supplier" in spec:
        supplier = spec["supplier"]
        text = (
            f"{word('pact')} {supplier['pact']}"
            if "pact" in supplier
            else f"{word('supplier')} {supplier['product']}"
        )
    elif "model" in spec:
        text = f"{word('model')} {spec['model']}"
    elif "gas" in spec:
        text = f"{word('gas')} {spec['gas']}"
    elif "electricity" in spec:
        text = _electricity_text(spec["electricity"], word, factor)
    elif "cff" in spec:
        text = word("cff")
    else:
        text = ""
    if "transport" in spec:
        mode = spec["transport"].get("mode")
        label = f"{word('transport')} ({mode})" if mode else word("transport")
        text = f"{label}: {text}" if text else label
    return text


def _electricity_text(
    e: Mapping[str, Any], word: Callable[[str], str], factor: Callable[[Any], str]
) -> str:
    if "grid" in e:
        grid = e["grid"]
        parts = [word("electricity"), grid["geography"]]
        if "year" in grid:
            parts.append(str(grid["year"]))
        if grid.get("basis") in ("residual", "location", "lifecycle"):
            parts.append(word(grid["basis"]))
        text = " ".join(parts)
    else:
        text = f"{word('electricity')}, {factor(e['factor'])}"
    market = e.get("market") or []
    return f"{text}; {len(market)} {word('market')}" if market else text


def _instructions_sheet(book: _Book, model: ProductModel, language: str) -> None:
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    version = f" {model.version}" if model.version else ""
    zh_intro = (
        f"模型 {model.id}{version} 的活动数据模板。请在“{DATA_SHEET}”工作表中填写黄色表头的列；"
        "灰色表头的列为只读。每行对应模型中的一行活动数据，不要增加或删除行。",
        "运输行填写运输质量和距离（及其单位），数量和单位列留空；其他行反之。单位须与当前单位同类"
        "（如 kWh 可改为 MWh，不可改为 kg）。",
        "上传时检查全部单元格：有任何错误则不修改模型，并列出每个错误的单元格。"
        "本模板只适用于生成它的模型版本；模型修改后请重新生成模板。",
    )
    en_intro = (
        f"Activity-data template of model {model.id}{version}. Fill the columns with a yellow "
        f"header in sheet '{DATA_SHEET}'; the columns with a grey header are read-only. Each "
        "row is one line of the model: do not add or delete rows.",
        "Transport lines take the mass and the distance (each with its unit), with amount and "
        "unit left empty; other lines the reverse. A unit must be of the same kind as the "
        "current unit (kWh may become MWh, not kg).",
        "On upload every cell is checked: if anything is wrong the model is not changed and "
        "each wrong cell is listed. The template applies only to the model version it was "
        "made from; generate a new one after the model changes.",
    )
    intro = (*en_intro, *zh_intro) if language == "en" else (*zh_intro, *en_intro)
    for line in (*intro, ""):
        sheet.append([line])
    headers = ("列 Column", "说明", "Description", "可编辑 Editable", "允许值 Allowed values")
    sheet.append(list(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        editable = "是 yes" if column.editable else "否 no (只读 read-only)"
        sheet.append(
            [column.header(language), column.zh_help, column.en_help, editable, column.allowed]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate((24, 44, 56, 18, 40), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _meta_sheet(book: _Book, document: ModelDocument, model: ProductModel, language: str) -> None:
    sheet = book.create_sheet(META_SHEET)
    for key, value in (
        ("format", FORMAT),
        ("model_id", model.id),
        ("digest", document.digest()),
        ("version", model.version),
        ("lines", len(model.lines)),
        ("language", language),
    ):
        sheet.append([key, value])
    sheet.protection.sheet = True
    sheet.sheet_state = "hidden"


# ----------------------------------------------------------------------------- reading


def read_activity_template(document: ModelDocument, path: Path) -> tuple[dict[str, Any], list[str]]:
    """Apply a filled template to a model: (the new model data, the changes made).

    All or nothing: raises :class:`TemplateError` listing every problem (a cell that is
    not a number, an unknown unit or one of another kind than the line's current unit, a
    negative amount, a score outside 1–5, an uncertainty without its parameters, unknown,
    repeated or missing rows, a template made for another model or model version, and
    whatever the filled model fails of the model checks). The data returned passes
    :func:`~tanji.io.product_model.model_from_document`. A change reads e.g.
    ``lines[3] (id power).quantity: 1200 kWh → 1.3 MWh``.
    """
    model_from_document(document)  # the model's own errors are not the template's
    book = _open(path)
    _check_meta(book, document, path)
    if DATA_SHEET not in book.sheetnames:
        message = f"no sheet {DATA_SHEET!r}; expected a template made by 'tanji model template'"
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, None, None, "", message)])
    sheet = book[DATA_SHEET]
    rows = [
        (n, [_value(v) for v in cells])
        for n, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), 1)
    ]
    rows = [(n, cells) for n, cells in rows if any(not blank(c) for c in cells)]
    if not rows:
        message = "the sheet is empty; expected the template's header and one row per line"
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, 1, None, "", message)])
    (header_row, header_cells), records = rows[0], rows[1:]
    positions, problems = _header(header_row, header_cells)
    if problems:
        raise TemplateError(path, problems)

    lines: list[dict[str, Any]] = copy.deepcopy(document.data["lines"])
    index = {line["id"]: i for i, line in enumerate(lines)}
    seen: dict[str, int] = {}
    changes: list[str] = []
    for number, cells in records:
        row = _Row(number, cells, positions, header_cells)
        line_id = row.text("id")
        if line_id is None:
            row.fail("id", "the line id is empty; expected the id of a line of the model")
        elif line_id not in index:
            known = ", ".join(index) if len(index) <= 10 else f"{len(index)} lines"
            row.fail(
                "id",
                f"unknown line id {line_id!r}{_suggest(line_id, index)}; "
                f"the model's lines are: {known}",
            )
        elif line_id in seen:
            row.fail(
                "id",
                f"line {line_id!r} repeated: it is already in row {seen[line_id]}; "
                "expected one row per line",
            )
        else:
            seen[line_id] = number
            i = index[line_id]
            changes += _fill(row, lines[i], f"lines[{i}] (id {line_id})")
        problems += row.problems
    id_column = positions["id"]
    for line_id, i in index.items():
        if line_id not in seen:
            message = (
                f"no row for line {line_id!r} (lines[{i}]); expected one row per line of the "
                "model: generate a new template"
            )
            problems.append(
                TemplateProblem(
                    DATA_SHEET,
                    None,
                    id_column,
                    _header_text(header_cells, "id", positions),
                    message,
                )
            )
    if problems:
        raise TemplateError(path, problems)

    data = copy.deepcopy(document.data)
    data["lines"] = lines
    _check_model(data, path, {("lines", index[i]): row for i, row in seen.items()})
    return data, changes


def _open(path: Path) -> _Book:
    with warnings.catch_warnings():
        # Workbooks saved by Excel or WPS carry extensions openpyxl does not keep and
        # warns about; the cell values read here are unaffected.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            check_xlsx(path)  # entity bombs, sheets that expand past the caps
            return openpyxl.load_workbook(path, data_only=True)
        except FileNotFoundError:
            raise DataFormatError(str(path), "no such file") from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
            raise DataFormatError(str(path), f"not an Excel .xlsx workbook ({exc})") from None


def _check_meta(book: _Book, document: ModelDocument, path: Path) -> None:
    """Refuse a workbook that is not a template of this very model version."""
    generate = "generate a new template with 'tanji model template'"
    if META_SHEET not in book.sheetnames:
        message = f"not a Tanji activity-data template (no {META_SHEET!r} sheet); {generate}"
        raise TemplateError(path, [TemplateProblem(META_SHEET, None, None, "", message)])
    meta: dict[str, tuple[int, str]] = {}
    rows = book[META_SHEET].iter_rows(min_row=1, min_col=1, max_col=2, values_only=True)
    for n, (key, value) in enumerate(rows, 1):
        meta[cell_text(_value(key)).strip()] = (n, cell_text(_value(value)).strip())

    def problem(key: str, message: str) -> TemplateError:
        row = meta[key][0] if key in meta else None
        return TemplateError(path, [TemplateProblem(META_SHEET, row, 2, key, message)])

    if meta.get("format", (0, ""))[1] != FORMAT:
        raise problem("format", f"not a Tanji activity-data template ({FORMAT}); {generate}")
    model_id = document.data["id"]
    digest = document.digest()
    made_for = meta.get("model_id", (0, ""))[1]
    made_from = meta.get("digest", (0, ""))[1]
    if made_for != model_id:
        raise problem(
            "model_id",
            f"this template was made for model {made_for!r} version digest {made_from[:12]}…, "
            f"not for model {model_id!r}; {generate} for {model_id!r}",
        )
    if made_from != digest:
        raise problem(
            "digest",
            f"this template was made for model {made_for!r} version digest {made_from[:12]}…, "
            f"but the model file {document.source} now has digest {digest[:12]}… (it changed "
            f"since the template was made); {generate}",
        )


def _header(number: int, cells: Sequence[_Value]) -> tuple[dict[str, int], list[TemplateProblem]]:
    """The 1-based position of each column by key, and the header's problems."""
    names = {name: column.key for column in COLUMNS for name in column.names()}
    positions: dict[str, int] = {}
    problems: list[TemplateProblem] = []
    for i, cell in enumerate(cells, 1):
        written = cell_text(cell).strip()
        if not written:
            continue
        key = names.get(_normal(written))
        if key is None:
            message = "unknown column; expected the template's columns (generate a new template)"
            problems.append(TemplateProblem(DATA_SHEET, number, i, written, message))
        elif key in positions:
            first = get_column_letter(positions[key])
            problems.append(
                TemplateProblem(
                    DATA_SHEET, number, i, written, f"column repeated (first in {first})"
                )
            )
        else:
            positions[key] = i
    for column in COLUMNS:
        if column.key not in positions:
            message = f'column "{column.header("zh")}" is missing; generate a new template'
            problems.append(TemplateProblem(DATA_SHEET, number, None, "", message))
    return positions, problems


def _header_text(cells: Sequence[_Value], key: str, positions: Mapping[str, int]) -> str:
    position = positions[key]
    return cell_text(cells[position - 1]).strip() if position <= len(cells) else _BY_KEY[key].zh


def _check_model(data: dict[str, Any], path: Path, rows: dict[tuple[str | int, ...], int]) -> None:
    """The filled model must pass the model checks; ``path:N`` then names row N."""
    try:
        model_from_document(ModelDocument(data, dict(rows), str(path)))
    except DataFormatError as error:
        message = (
            "the filled model does not pass the model checks "
            f"({path.name}:N below is row N of the sheet): {error}"
        )
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, None, None, "", message)]) from None


class _Row:
    """The cells of one data row, read column by column; problems are collected."""

    def __init__(
        self,
        number: int,
        cells: Sequence[_Value],
        positions: Mapping[str, int],
        header: Sequence[_Value],
    ) -> None:
        self.row_number = number
        self.cells = cells
        self.positions = positions
        self.header = header
        self.problems: list[TemplateProblem] = []
        self._failed: set[str] = set()

    def value(self, key: str) -> _Value:
        i = self.positions[key] - 1
        return self.cells[i] if i < len(self.cells) else None

    def fail(self, key: str, message: str) -> None:
        if key in self._failed:
            return  # one problem per cell
        self._failed.add(key)
        header = _header_text(self.header, key, self.positions)
        self.problems.append(
            TemplateProblem(DATA_SHEET, self.row_number, self.positions[key], header, message)
        )

    def failed(self, *keys: str) -> bool:
        return any(key in self._failed for key in keys)

    def text(self, key: str) -> str | None:
        return cell_text(self.value(key)).strip() or None

    def number(self, key: str) -> float | None:
        cell = self.value(key)
        if blank(cell):
            return None
        value = _number(cell)
        if isinstance(value, str):
            self.fail(key, value)
            return None
        return value

    def empty(self, keys: Iterable[str], why: str) -> None:
        for key in keys:
            if not blank(self.value(key)):
                self.fail(key, f"{cell_text(self.value(key))!r} given, but {why}; leave it empty")


def _fill(row: _Row, line: dict[str, Any], label: str) -> list[str]:
    """Write the row's values into ``line`` (in place); the changes, or problems on ``row``."""
    changes: list[str] = []

    def update(key: str, new: Any, old: Any, field: str | None = None) -> None:
        field = field or key
        if new is None:
            if key in line:
                del line[key]
                changes.append(f"{label}.{field}: {_show(old)} → (empty)")
        elif new is not old:
            line[key] = new
            changes.append(f"{label}.{field}: {_show(old)} → {_show(new)}")

    if "transport" in line:
        row.empty(_QUANTITY_KEYS, "a transport line takes its mass and distance instead")
        transport = line["transport"]
        for name in ("mass", "distance"):
            old = transport[name]
            new = _read_quantity(row, name, f"{name}_unit", old)
            if new is not None and new is not old:
                transport[name] = new
                changes.append(f"{label}.transport.{name}: {_show(old)} → {_show(new)}")
    else:
        row.empty(_TRANSPORT_KEYS, "this is not a transport line")
        old = line.get("quantity")
        new = _read_quantity(row, "amount", "unit", old)
        if new is not None:
            update("quantity", new, old)

    old = line.get("data")
    update("data", _keep(old, _read_data(row)), old)
    old = line.get("evidence")
    new_evidence = row.text("evidence")
    update(
        "evidence", _keep(old, new_evidence, same=(old or "").strip() == (new_evidence or "")), old
    )

    old = line.get("quality")
    scores = {key: _read_score(row, key) for key in _SCORES}
    quality = {key: value for key, value in scores.items() if value is not None}
    if not row.failed(*_SCORES):
        update("quality", _keep(old, quality or None, same=(old or {}) == quality), old)

    old = line.get("uncertainty")
    uncertainty = _read_uncertainty(row)
    if not row.failed("distribution", *_PARAMETERS):
        update("uncertainty", _keep(old, uncertainty, same=old == uncertainty), old)
    return changes


def _keep(old: Any, new: Any, *, same: bool | None = None) -> Any:
    """``old`` itself when the cell holds what the model already says, else ``new``."""
    if same if same is not None else old == new:
        return old
    return new


def _read_quantity(row: _Row, amount_key: str, unit_key: str, current: Any) -> Any:
    """The quantity in two cells, in the style of ``current``; ``None`` on a problem."""
    current_amount, current_unit = _quantity(current)
    amount = row.number(amount_key)
    if amount is None and not row.failed(amount_key):
        row.fail(amount_key, f"required; expected a number, e.g. {format_number(current_amount)}")
    if amount is not None and amount < 0 <= current_amount:
        row.fail(amount_key, f"{format_number(amount)} is negative; expected an amount ≥ 0")
    if amount is not None and (problem := amount_problem(amount)) is not None:
        row.fail(amount_key, f"{problem}; expected an amount of at most {MAX_AMOUNT:g}")
    unit = row.text(unit_key)
    kind = kind_of(current_unit)
    if unit is None:
        row.fail(unit_key, f"required; expected a unit of {kind} such as {current_unit!r}")
    else:
        try:
            if not same_dimension(unit, current_unit):
                row.fail(
                    unit_key,
                    f"{unit!r} is a unit of {kind_of(unit)}, but this line is in {current_unit!r}"
                    f" ({kind}); expected a unit of {kind} such as {current_unit!r}",
                )
        except UnitError:
            row.fail(
                unit_key,
                f"unknown unit {unit!r}; expected a unit of {kind} such as {current_unit!r}",
            )
    if amount is None or unit is None or row.failed(amount_key, unit_key):
        return None
    if (amount, unit) == (current_amount, current_unit):
        return current  # unchanged: keep the model's own text
    if isinstance(current, Mapping):
        return {"amount": _json_number(amount), "unit": unit}
    return f"{format_number(amount)} {unit}"


def _read_data(row: _Row) -> str | None:
    text = row.text("data")
    if text is None:
        return None
    kind = _DATA_KINDS.get(text.lower())
    if kind is None:
        row.fail("data", f"{text!r} is not primary or secondary (初级/次级)")
    return kind


def _read_score(row: _Row, key: str) -> int | None:
    value = row.number(key)
    if value is None:
        return None
    if not value.is_integer() or not 1 <= value <= 5:
        row.fail(
            key,
            f"{format_number(value)} is not a PEF quality score; expected a whole number from "
            "1 (excellent) to 5 (poor)",
        )
        return None
    return int(value)


def _read_uncertainty(row: _Row) -> dict[str, Any] | None:
    text = row.text("distribution")
    parameters = {key: row.number(key) for key in _PARAMETERS}
    given = [key for key, value in parameters.items() if value is not None]
    if text is None:
        if given:
            row.fail(
                "distribution",
                f"empty, but {', '.join(given)} is given; expected the distribution "
                f"({', '.join(_DISTRIBUTIONS[1:])}) or empty parameter cells",
            )
        return None
    distribution = text.lower()
    if distribution not in _DISTRIBUTIONS:
        row.fail(
            "distribution",
            f"{text!r} is not a distribution{_suggest(distribution, _DISTRIBUTIONS)}; "
            f"expected one of {', '.join(_DISTRIBUTIONS)}",
        )
        return None
    gsd, sd = parameters["gsd"], parameters["sd"]
    low, high = parameters["minimum"], parameters["maximum"]
    if distribution == "lognormal" and not row.failed("gsd"):
        if gsd is None:
            row.fail("gsd", "a lognormal distribution needs its gsd; expected a number > 1")
        elif gsd <= 1:
            row.fail(
                "gsd",
                f"{format_number(gsd)} is not a geometric standard deviation; a lognormal "
                "distribution needs a gsd greater than 1 (1.2 means about ±20 %)",
            )
    if distribution == "normal" and not row.failed("sd"):
        if sd is None:
            row.fail(
                "sd", "a normal distribution needs its standard deviation; expected a number ≥ 0"
            )
        elif sd < 0:
            row.fail("sd", f"{format_number(sd)} is negative; expected a standard deviation ≥ 0")
    if distribution in ("uniform", "triangular") and not row.failed("minimum", "maximum"):
        for key, value in (("minimum", low), ("maximum", high)):
            if value is None:
                row.fail(key, f"a {distribution} distribution needs its {key}; expected a number")
        if low is not None and high is not None and not low < high:
            row.fail(
                "minimum",
                f"minimum {format_number(low)} is not below maximum {format_number(high)}; "
                "expected minimum < maximum",
            )
    result: dict[str, Any] = {"distribution": distribution}
    result |= {key: _json_number(value) for key, value in parameters.items() if value is not None}
    return result


# ----------------------------------------------------------------------------- helpers


def _quantity(value: Any) -> tuple[float, str]:
    """A model quantity (``"12.5 MWh"`` or ``{amount, unit}``) as (amount, unit)."""
    if isinstance(value, Mapping):
        return float(value["amount"]), str(value["unit"])
    return parse_quantity(str(value))


def _value(value: object) -> _Value:
    """An openpyxl value narrowed to the types a template uses."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    return str(value)


def _number(cell: _Value) -> float | str:
    """The number in a cell, or the message saying why it is not one."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = float(cell)
        return value if math.isfinite(value) else f"{cell!r} is not a finite number"
    if isinstance(cell, bool | date):
        return f"{cell_text(cell)!r} is not a number; expected a number such as 12.5"
    text = cell_text(cell).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if _NUMBER.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else f"{text!r} is too large a number"
    return f"{cell_text(cell).strip()!r} is not a number; expected a number such as 12.5"


def _json_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _normal(header: str) -> str:
    return " ".join(header.lower().split())


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _show(value: Any) -> str:
    """A model value as a change list shows it."""
    if value is None:
        return "(empty)"
    if isinstance(value, Mapping):
        if set(value) == {"amount", "unit"}:
            return f"{value['amount']} {value['unit']}"
        if "distribution" in value:
            rest = " ".join(f"{k} {v}" for k, v in value.items() if k != "distribution")
            return f"{value['distribution']} {rest}".strip()
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
