"""What the writer and the reader of the activity-data template share: the sheets, the
columns, the problems and small cell helpers."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``_Value`` in _value() and nowhere else.
from openpyxl.styles import PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from tanji.domain.problems import Problem
from tanji.domain.units import parse_quantity
from tanji.io._cells import cell_text
from tanji.io.errors import DataFormatError

FORMAT = "tanji activity-template/1"
DATA_SHEET = "活动数据 Activity data"
INSTRUCTIONS_SHEET = "说明 Instructions"
META_SHEET = "meta"
#: The hidden sheet of the factors each line may choose (one column per line)
FACTORS_SHEET = "factors"
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
    #: A column a workbook of an earlier format may lack (its cells then change nothing)
    optional: bool = False

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
    _Column("factor", "排放因子", "Factor", True, 40,
            "排放因子：从下拉列表中选择因子库中与本行单位同类的因子（留空则不变）",
            "Factor: choose one of the library's factors of the line's kind from the list "
            "(empty: unchanged)", "因子库中的因子 / a factor of the library", optional=True),
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

    def text(self) -> PlacedText:
        """The problem as text that keeps its place and its code."""
        return PlacedText(self)


class PlacedText(str):
    """A :class:`TemplateProblem` as text (``str(problem)``, the English of the API and
    the command line) that keeps where it is (``row``, ``column``, ``header``) and what
    (``message``, a :class:`~tanji.domain.problems.Problem`), for a page to say it in
    the reader's language."""

    row: int | None
    column: int | None
    header: str
    message: str

    def __new__(cls, problem: TemplateProblem) -> PlacedText:
        made = super().__new__(cls, str(problem))
        made.row, made.column = problem.row, problem.column
        made.header, made.message = problem.header, problem.message
        return made


class TemplateError(DataFormatError):
    """A filled template cannot be applied; ``problems`` lists every one, nothing was read."""

    def __init__(self, path: Path, problems: Sequence[TemplateProblem]) -> None:
        self.path = path
        self.problems = list(problems)
        count = f"{len(self.problems)} error{'s' if len(self.problems) != 1 else ''}"
        report = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(str(path), f"{count}; the model was not changed:\n{report}")


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


def _number(cell: _Value) -> float | Problem:
    """The number in a cell, or the problem saying why it is not one."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = float(cell)
        return value if math.isfinite(value) else Problem("template-not-finite", text=repr(cell))
    if isinstance(cell, bool | date):
        return Problem("template-not-number", text=cell_text(cell))
    text = cell_text(cell).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if _NUMBER.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else Problem("template-too-large", text=text)
    return Problem("template-not-number", text=cell_text(cell).strip())


def _json_number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _normal(header: str) -> str:
    return " ".join(header.lower().split())


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``value`` (a likely typo), if any."""
    close = difflib.get_close_matches(value, list(choices), n=1)
    return close[0] if close else None


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


#: A choice of factor in the workbook: (reference ``DATABASE:CODE``, what the list shows)
FactorChoice = tuple[str, str]


def factor_line(spec: Mapping[str, Any]) -> bool:
    """Whether a line's factor may be chosen in the workbook (it links a factor: a
    reference or an inline value such as a template's placeholder)."""
    return "factor" in spec and "electricity" not in spec


def choice_text(ref: str, label: str) -> str:
    """An entry of a line's factor list: the reference first (it is what is read back)."""
    text = f"{ref} {' '.join(label.split())}".strip()
    return text[:250]  # an Excel list entry holds at most 255 characters


def ref_of(text: str) -> str:
    """The factor reference of a factor cell (its first word)."""
    return text.split()[0] if text.split() else ""
