"""Writing the activity-data template of a product model."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``_Value`` in _value() and nowhere else.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, Protection  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from tanji.domain.products import ProductModel
from tanji.io.activity_template._common import (
    _DISTRIBUTIONS,
    _EDITABLE_HEADER_FILL,
    _HEADER_FILL,
    _LOCKED_FILL,
    _NOT_APPLICABLE_FILL,
    _PARAMETERS,
    _POSITION,
    _QUANTITY_KEYS,
    _SCORES,
    _TRANSPORT_KEYS,
    COLUMNS,
    DATA_SHEET,
    FACTORS_SHEET,
    FORMAT,
    INSTRUCTIONS_SHEET,
    LANGUAGES,
    META_SHEET,
    FactorChoice,
    _Book,
    _json_number,
    _quantity,
    _Sheet,
    _Value,
    choice_text,
    factor_line,
)
from tanji.io.product_model import ModelDocument, model_from_document

# ----------------------------------------------------------------------------- writing

_MAX_CELL = 32_000  # an Excel cell holds at most 32,767 characters


def write_activity_template(
    document: ModelDocument,
    path: Path,
    *,
    language: str = "zh",
    factor_choices: Mapping[str, Sequence[FactorChoice]] | None = None,
) -> None:
    """Write the activity-data template of a model as an .xlsx workbook.

    ``language`` (``zh`` or ``en``) decides which language comes first in the headers and
    instructions, and the language of the stage names and link descriptions. The model
    must be valid (:func:`~tanji.io.product_model.model_from_document` is run first, and
    its :class:`~tanji.io.errors.DataFormatError` raised). ``factor_choices`` gives, by
    line id, the library's factors the line may choose: its factor cell then offers them
    as a list (a hidden sheet holds one column per line).
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
    _factor_lists(book, sheet, lines, factor_choices or {})
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
        "factor": spec["factor"] if factor_line(spec) and isinstance(spec["factor"], str) else None,
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
    if not factor_line(spec):
        not_applicable = (*not_applicable, "factor")
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


def _factor_lists(
    book: _Book,
    sheet: _Sheet,
    lines: Sequence[Mapping[str, Any]],
    choices: Mapping[str, Sequence[FactorChoice]],
) -> None:
    """Each factor line's cell offers its own list: column N of the hidden factors sheet.
    A reference typed by hand is let through (a warning only): the upload checks it."""
    listed = [(row, spec) for row, spec in enumerate(lines, 2) if choices.get(spec["id"])]
    if not listed:
        return
    lists = book.create_sheet(FACTORS_SHEET)
    letter = get_column_letter(_POSITION["factor"])
    for n, (row, spec) in enumerate(listed, 1):
        column = get_column_letter(n)
        lists.cell(row=1, column=n, value=spec["id"])
        entries = choices[spec["id"]]
        for i, (ref, label) in enumerate(entries, 2):
            lists.cell(row=i, column=n, value=choice_text(ref, label))
        validation = DataValidation(
            type="list",
            formula1=f"{FACTORS_SHEET}!${column}$2:${column}${len(entries) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Tanji",
            error="不在本行可选的因子列表中 / not one of the factors listed for this line",
        )
        validation.add(f"{letter}{row}")
        sheet.add_data_validation(validation)
    lists.protection.sheet = True
    lists.sheet_state = "hidden"


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
        "模型在下载模板之后修改过也可以上传：模板中的各行照样填入，之后修改过或删除的行会在结果中列出。"
        "“排放因子”列可从下拉列表中选择因子库中与该行单位同类的因子。",
    )
    en_intro = (
        f"Activity-data template of model {model.id}{version}. Fill the columns with a yellow "
        f"header in sheet '{DATA_SHEET}'; the columns with a grey header are read-only. Each "
        "row is one line of the model: do not add or delete rows.",
        "Transport lines take the mass and the distance (each with its unit), with amount and "
        "unit left empty; other lines the reverse. A unit must be of the same kind as the "
        "current unit (kWh may become MWh, not kg).",
        "On upload every cell is checked: if anything is wrong the model is not changed and "
        "each wrong cell is listed. A workbook downloaded before the model changed still "
        "fills the lines it names; lines changed or removed since are listed in the result. "
        "The Factor column offers the library's factors of each line's kind as a list.",
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
    # Each line as it was when the workbook was made: an upload after the model changed
    # applies the cells a person changed to the line as it is now (io.activity_template).
    for spec in document.data["lines"]:
        text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
        if len(text) <= _MAX_CELL:
            sheet.append(["line", spec["id"], text])
    sheet.protection.sheet = True
    sheet.sheet_state = "hidden"
