"""Writing factor tables and the empty template (see the package docstring)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``Cell`` in _cell() and nowhere else.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from tanji.domain.factors import (
    GWP_BASES,
    Boundary,
    EmissionFactor,
    FactorKind,
)
from tanji.io._cells import cell_text, csv_cell, format_number
from tanji.io.factor_table._read import (
    _COLUMNS,
    _DISTRIBUTIONS,
    _GAS_COLUMNS,
    _PEDIGREE,
    _PEF,
    OPTIONAL_COLUMNS,
    TEMPLATE_COLUMNS,
    Cell,
    _Book,
    _Sheet,
)


def write_factor_csv(factors: Iterable[EmissionFactor], path: Path) -> None:
    """Write factors as a template CSV in UTF-8 *with* a byte-order mark.

    The mark is what makes Excel open the file as UTF-8; without it, Chinese Excel reads
    it as GBK and the names turn to mojibake. Optional columns appear only when a factor
    has a value for them. Numbers are written in their shortest exact form, so reading
    the file back gives equal factors.
    """
    columns, records = _table(factors)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        # Cells a spreadsheet would run as formulas get a leading ' (undone on reading).
        writer.writerows([csv_cell(cell_text(record[c])) for c in columns] for record in records)


def write_factor_xlsx(factors: Iterable[EmissionFactor], path: Path) -> None:
    """Write factors as a template workbook: sheet ``factors`` plus the instructions sheet.

    Numbers, dates and ``illustrative`` are written as Excel numbers, dates and booleans.
    """
    columns, records = _table(factors)
    book = openpyxl.Workbook()
    sheet = _factor_sheet(book, columns)
    for record in records:
        sheet.append([record[c] for c in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # A text such as "=A1" would otherwise be stored as a formula.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    _instructions_sheet(book)
    book.save(path)


def write_template_xlsx(path: Path) -> None:
    """Write an empty template workbook for users to fill in.

    Sheet ``factors`` holds the header row (bold, frozen); sheet ``说明 Instructions``
    describes every column in Chinese and English — required or not, allowed values — and
    gives one example row, marked illustrative.
    """
    book = openpyxl.Workbook()
    _factor_sheet(book, TEMPLATE_COLUMNS)
    _instructions_sheet(book)
    book.save(path)


def _table(factors: Iterable[EmissionFactor]) -> tuple[list[str], list[dict[str, Cell]]]:
    records = [_record(factor) for factor in factors]
    optional = [c for c in OPTIONAL_COLUMNS if any(r[c] is not None for r in records)]
    return [*TEMPLATE_COLUMNS, *optional], records


def _record(factor: EmissionFactor) -> dict[str, Cell]:
    by_gas = {g.gas: g.kg for g in factor.gases}
    other = [g for g in factor.gases if g.gas not in _GAS_COLUMNS.values()]
    u, source = factor.uncertainty, factor.source
    record: dict[str, Cell] = {
        "code": factor.code, "name_zh": factor.name_zh, "name_en": factor.name_en,
        "kind": factor.kind.value, "unit": factor.unit, "geography": factor.geography,
        "valid_from": factor.valid_from, "valid_to": factor.valid_to,
        **{column: by_gas.get(gas) for column, gas in _GAS_COLUMNS.items()},
        "co2e_kg": factor.co2e, "gwp_basis": factor.gwp_basis,
        "boundary": factor.boundary.value,
        "distribution": None if u.distribution == "none" else u.distribution,
        "gsd": u.gsd, "sd": u.sd, "minimum": u.minimum, "maximum": u.maximum,
        "source_publisher": source.publisher, "source_title": source.title,
        "source_year": source.year, "source_document": source.document,
        "source_table": source.table, "source_url": source.url,
        "source_licence": source.licence,
        "illustrative": factor.illustrative, "notes": factor.notes,
        "other_gases": ";".join(f"{g.gas}:{format_number(g.kg)}" for g in other) or None,
        "industry_code": factor.industry_code, "product_code": factor.product_code,
    }  # fmt: skip
    record |= {f"pedigree_{n}": getattr(factor.pedigree, n) for n in _PEDIGREE}
    record |= {f"pef_{n}": getattr(factor.pef, n) for n in _PEF}
    return record


def _factor_sheet(book: _Book, columns: Sequence[str]) -> _Sheet:
    sheet = book.active
    sheet.title = "factors"
    sheet.append(list(columns))
    for i, column in enumerate(columns, 1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column, 14)
    sheet.freeze_panes = "B2"  # the header row and the code column stay in view
    return sheet


_WIDTHS = {"code": 28, "name_zh": 30, "name_en": 40, "gwp_basis": 18, "source_publisher": 36,
           "source_title": 40, "source_document": 30, "source_url": 30, "notes": 60}  # fmt: skip


def _instructions_sheet(book: _Book) -> None:
    sheet = book.create_sheet("说明 Instructions")
    for line in (*_INTRO, ""):
        sheet.append([line])
    sheet.append(["列名 Column", "说明", "Description", "必填 Required", "允许值 Allowed values",
                  "示例 Example (illustrative)"])  # fmt: skip
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name in _COLUMNS:
        sheet.append([name, *_DESCRIPTIONS[name], _EXAMPLE.get(name)])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate((24, 44, 60, 22, 44, 40), 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"B{len(_INTRO) + 3}"


_INTRO = (
    "在 factors 工作表中每行填写一个排放因子。示例列仅为说明（illustrative），不可引用。",
    "Fill in one emission factor per row of the 'factors' sheet. The example column is "
    "illustrative only, not a factor to cite. Columns: docs/factor-template.md.",
)
_KINDS = ", ".join(k.value for k in FactorKind)
_YES, _NO = "是 yes", "否 no"
# (中文说明, English description, required, allowed values) for each column.
_DESCRIPTIONS: dict[str, tuple[str, str, str, str]] = {
    "code": ("因子编码，在本文件中唯一", "The factor's stable code, unique in the file", _YES, ""),
    "name_zh": ("中文名称", "Chinese name", "name_zh 或 name_en 至少一个 / one of the two", ""),
    "name_en": ("英文名称", "English name", "name_zh 或 name_en 至少一个 / one of the two", ""),
    "kind": ("因子类型", "What the factor describes", _YES, _KINDS),
    "unit": ("每单位活动量，如 kWh、t、TJ、t*km", "The activity unit the factor is per", _YES, ""),
    "geography": ("地理范围，如 CN、CN-EAST、GLO", "Geography code", _YES, ""),
    "valid_from": ("有效期起", "First day the factor applies", _NO, "YYYY-MM-DD"),
    "valid_to": ("有效期止（不早于起始日）", "Last day the factor applies", _NO, "YYYY-MM-DD"),
    "co2_kg": ("每单位 CO2 排放量，kg（气体 CO2）", "kg CO2 per unit (gas CO2)",
               "至少一个数值列 / at least one value column", "number"),
    "ch4_kg": ("每单位化石来源 CH4，kg；生物源甲烷请填 other_gases 的 CH4-nonfossil",
               "kg fossil CH4 per unit (gas CH4-fossil); biogenic CH4 goes in other_gases "
               "as CH4-nonfossil", _NO, "number"),
    "n2o_kg": ("每单位 N2O 排放量，kg", "kg N2O per unit (gas N2O)", _NO, "number"),
    "co2e_kg": ("已折算的 CO2 当量，kg；需填 gwp_basis", "kg CO2e per unit as published; "
                "needs gwp_basis", _NO, "number"),
    "gwp_basis": ("CO2 当量所用的 GWP 基准；co2e_kg 为空时不读取",
                  "GWP set of co2e_kg; not read when co2e_kg is empty",
                  "co2e_kg 非空时 / with co2e_kg",
                  f"{', '.join(GWP_BASES)}; as published (publisher does not say)"),
    "boundary": ("核算边界；默认 combustion", "Boundary; default combustion", _NO,
                 ", ".join(b.value for b in Boundary)),
    "distribution": ("不确定性分布；默认 none", "Uncertainty distribution; default none", _NO,
                     ", ".join(_DISTRIBUTIONS)),
    "gsd": ("几何标准差（对数正态）", "Geometric standard deviation",
            "lognormal 时 / for lognormal", "number > 1"),
    "source_publisher": ("发布机构", "Publisher of the value", _YES, ""),
    "source_title": ("文件标题", "Title of the document", _YES, ""),
    "source_year": ("发布年份", "Year of publication", _NO, "1900–2100"),
    "source_document": ("文号、卷章", "Document number, volume or chapter", _NO, ""),
    "source_table": ("表号", "Table the value is in", _NO, ""),
    "source_url": ("网址", "URL", _NO, ""),
    "source_licence": ("许可或使用条件", "Licence or terms of use", _NO, ""),
    "illustrative": ("是否为示例值（非真实数据）；默认否", "Example value, not real data; "
                     "default false", _NO, "true/false, yes/no, 1/0, 是/否"),
    "notes": ("备注", "Notes", _NO, ""),
    "sd": ("标准差（正态）", "Standard deviation", "normal 时 / for normal", "number ≥ 0"),
    "minimum": ("最小值（均匀、三角）", "Minimum", "uniform/triangular 时", "number < maximum"),
    "maximum": ("最大值（均匀、三角）", "Maximum", "uniform/triangular 时", "number > minimum"),
    "other_gases": ("其他气体，kg/单位", "Other gases, kg per unit", _NO,
                    "gas:kg;gas:kg — gas ids of gwp.csv and CO2-biogenic"),
    **{f"pedigree_{n}": (f"谱系矩阵评分：{n}", f"Pedigree score: {n}", _NO, "1–5")
       for n in _PEDIGREE},
    **{f"pef_{n}": (f"PEF 数据质量评分：{n.upper()}", f"PEF data-quality rating {n.upper()}",
                    _NO, "1–5") for n in _PEF},
    "industry_code": ("行业代码（如 GB/T 4754）", "Industry code", _NO, ""),
    "product_code": ("产品代码", "Product code", _NO, ""),
}  # fmt: skip
# The IPCC 2006 default for diesel (shipped in ipcc2006-fuels.csv), marked illustrative
# so that copying it into the factors sheet cannot pass for a sourced entry.
_EXAMPLE: dict[str, Cell] = {
    "code": "EXAMPLE-DIESEL-TJ", "name_zh": "示例：柴油固定源燃烧",
    "name_en": "Example: gas/diesel oil, stationary combustion", "kind": "combustion",
    "unit": "TJ", "geography": "GLO", "co2_kg": 74100, "ch4_kg": 3, "n2o_kg": 0.6,
    "co2e_kg": 74353.2, "gwp_basis": "IPCC-AR6-GWP100", "boundary": "combustion",
    "source_publisher": "IPCC", "source_year": 2006,
    "source_title": "2006 IPCC Guidelines for National Greenhouse Gas Inventories",
    "source_table": "Vol. 2, Ch. 2, Table 2.2", "illustrative": "true",
    "notes": "示例行，仅供说明 / example row, illustrative only",
}  # fmt: skip
