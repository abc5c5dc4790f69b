"""Reading a filled activity-data template back into a model."""

from __future__ import annotations

import copy
import json
import re
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# openpyxl ships no type information and types-openpyxl is not installed: its values are
# narrowed to ``_Value`` in _value() and nowhere else.
import openpyxl  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from tanji.domain.bounds import MAX_AMOUNT, amount_problem
from tanji.domain.problems import Problem
from tanji.domain.units import UnitError, kind_of, same_dimension
from tanji.io._cells import blank, cell_text, format_number
from tanji.io.activity_template._common import (
    _PARAMETERS,
    _QUANTITY_KEYS,
    _SCORES,
    _TRANSPORT_KEYS,
    COLUMNS,
    DATA_SHEET,
    FORMAT,
    META_SHEET,
    TemplateError,
    TemplateProblem,
    _Book,
    _json_number,
    _normal,
    _quantity,
    _show,
    _suggest,
    _Value,
    _value,
    factor_line,
    ref_of,
)
from tanji.io.activity_template._row import (
    _header_text,
    _read_data,
    _read_score,
    _read_uncertainty,
    _Row,
)
from tanji.io.errors import DataFormatError
from tanji.io.limits import check_xlsx
from tanji.io.product_model import ModelDocument, model_from_document

# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class TemplateReading:
    """A filled template read against the model as it is now.

    ``data`` is the new model data, ``changes`` what the workbook changed (e.g.
    ``lines[3] (id power).quantity: 1200 kWh → 1.3 MWh``) and ``notes`` what a person
    should know about the lines that changed since the workbook was downloaded (changed,
    removed or added lines)."""

    data: dict[str, Any]
    changes: list[str]
    notes: list[str] = field(default_factory=list)


def read_activity_template(document: ModelDocument, path: Path) -> tuple[dict[str, Any], list[str]]:
    """Apply a filled template to a model: (the new model data, the changes made and the
    notes on lines that changed since the workbook was made); see :func:`read_activity_data`."""
    reading = read_activity_data(document, path)
    return reading.data, [*reading.changes, *reading.notes]


def read_activity_data(document: ModelDocument, path: Path) -> TemplateReading:
    """Apply a filled template to a model as it is now.

    All or nothing: raises :class:`TemplateError` listing every problem (a cell that is
    not a number, an unknown unit or one of another kind than the line's current unit, a
    negative amount, a score outside 1–5, an uncertainty without its parameters, a factor
    cell that is not a reference, unknown, repeated or missing rows, a template made for
    another model, and whatever the filled model fails of the model checks). The data
    returned passes :func:`~tanji.io.product_model.model_from_document`.

    The workbook follows the product, not a version of it: a workbook downloaded before
    the model changed still fills the lines it names. A line changed since gets the cells
    the person changed (compared with the line as the workbook wrote it), the rest of it
    stays as it is now; a line removed since has its row skipped; a line added since is
    left alone — each said in ``notes``.
    """
    model_from_document(document)  # the model's own errors are not the template's
    book = _open(path)
    originals = _check_meta(book, document, path)
    if DATA_SHEET not in book.sheetnames:
        message = Problem("template-no-data-sheet", sheet=DATA_SHEET)
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, None, None, "", message)])
    sheet = book[DATA_SHEET]
    rows = [
        (n, [_value(v) for v in cells])
        for n, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), 1)
    ]
    rows = [(n, cells) for n, cells in rows if any(not blank(c) for c in cells)]
    if not rows:
        message = Problem("template-empty")
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, 1, None, "", message)])
    (header_row, header_cells), records = rows[0], rows[1:]
    positions, problems = _header(header_row, header_cells)
    if problems:
        raise TemplateError(path, problems)

    lines: list[dict[str, Any]] = copy.deepcopy(document.data["lines"])
    index = {line["id"]: i for i, line in enumerate(lines)}
    seen: dict[str, int] = {}
    changes: list[str] = []
    notes: list[str] = []
    for number, cells in records:
        row = _Row(number, cells, positions, header_cells)
        line_id = row.text("id")
        if line_id is None:
            row.fail("id", Problem("template-id-empty"))
        elif line_id not in index and originals is not None and line_id in originals:
            notes.append(Problem("line-removed", line=line_id, name=_name(originals[line_id])))
        elif line_id not in index:
            known = ", ".join(list(index)[:10]) + (", …" if len(index) > 10 else "")
            like = _suggest(line_id, index)
            row.fail(
                "id",
                Problem("template-unknown-line", line=line_id, known=known)
                if like is None
                else Problem("template-unknown-line-like", line=line_id, like=like, known=known),
            )
        elif line_id in seen:
            row.fail("id", Problem("template-line-repeated", line=line_id, row=seen[line_id]))
        else:
            seen[line_id] = number
            i = index[line_id]
            label = _Label(i, line_id, _name(lines[i]))
            original = originals.get(line_id) if originals is not None else None
            if original is None or original == lines[i]:
                changes += _fill(row, lines[i], label)
            else:
                edited = copy.deepcopy(original)
                made = _fill(row, edited, label)
                if not row.problems:
                    _carry(original, edited, lines[i])
                changes += made
                code = "line-changed-applied" if made else "line-changed-kept"
                notes.append(Problem(code, line=line_id, name=_name(lines[i])))
        problems += row.problems
    id_column = positions["id"]
    for line_id, i in index.items():
        if line_id in seen:
            continue
        if originals is not None and line_id not in originals:
            notes.append(Problem("line-added", line=line_id, name=_name(lines[i])))
            continue
        message = Problem("template-no-row", line=line_id, index=i)
        header = _header_text(header_cells, "id", positions)
        problems.append(TemplateProblem(DATA_SHEET, None, id_column, header, message))
    if problems:
        raise TemplateError(path, problems)

    data = copy.deepcopy(document.data)
    data["lines"] = lines
    _check_model(data, path, {("lines", index[i]): row for i, row in seen.items()})
    return TemplateReading(data, changes, notes)


@dataclass(frozen=True)
class _Label:
    """A line as the changes name it: ``lines[3] (id power)``."""

    index: int
    line: str
    name: str

    def change(self, field: str, old: str, new: str) -> Problem:
        """``lines[3] (id power).quantity: 1200 kWh → 1.3 MWh``, translatable."""
        return Problem(
            "template-change", index=self.index, line=self.line, name=self.name, field=field,
            old=old, new=new,
        )  # fmt: skip


def _name(line: Mapping[str, Any]) -> str:
    """How a note names a line: its name, else its id."""
    name = line.get("name")
    return str(name) if isinstance(name, str) and name.strip() else str(line.get("id", ""))


_CARRIED = ("quantity", "factor", "data", "evidence", "quality", "uncertainty")


def _carry(original: Mapping[str, Any], edited: Mapping[str, Any], current: dict[str, Any]) -> None:
    """Copy into ``current`` what the workbook changed of ``original`` (into ``edited``)."""
    for key in _CARRIED:
        if edited.get(key) == original.get(key):
            continue
        if key in edited:
            current[key] = copy.deepcopy(edited[key])
        else:
            current.pop(key, None)
    before, after = original.get("transport"), edited.get("transport")
    if isinstance(before, Mapping) and isinstance(after, Mapping) and "transport" in current:
        for name in ("mass", "distance"):
            if after.get(name) != before.get(name):
                current["transport"][name] = after[name]


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
            raise DataFormatError(str(path), Problem("template-not-xlsx", detail=exc)) from None


def _check_meta(
    book: _Book, document: ModelDocument, path: Path
) -> dict[str, dict[str, Any]] | None:
    """Refuse a workbook that is not a template of this model; the lines as the workbook
    wrote them, by id (``None`` for a workbook of an earlier format that did not keep them:
    then it reads as if made from the model as it is now)."""
    if META_SHEET not in book.sheetnames:
        message = Problem("template-no-meta", sheet=META_SHEET)
        raise TemplateError(path, [TemplateProblem(META_SHEET, None, None, "", message)])
    meta: dict[str, tuple[int, str]] = {}
    originals: dict[str, dict[str, Any]] = {}
    rows = book[META_SHEET].iter_rows(min_row=1, min_col=1, max_col=3, values_only=True)
    for n, (key, value, extra) in enumerate(rows, 1):
        name = cell_text(_value(key)).strip()
        if name == "line":
            try:
                spec = json.loads(cell_text(_value(extra)))
            except ValueError:
                continue  # a line not kept reads as if unchanged since
            if isinstance(spec, dict):
                originals[cell_text(_value(value)).strip()] = spec
            continue
        meta[name] = (n, cell_text(_value(value)).strip())

    def problem(key: str, message: Problem) -> TemplateError:
        row = meta[key][0] if key in meta else None
        return TemplateError(path, [TemplateProblem(META_SHEET, row, 2, key, message)])

    if meta.get("format", (0, ""))[1] != FORMAT:
        raise problem("format", Problem("template-format", format=FORMAT))
    model_id = document.data["id"]
    made_for = meta.get("model_id", (0, ""))[1]
    if made_for != model_id:
        raise problem(
            "model_id", Problem("template-other-product", made_for=made_for, product=model_id)
        )
    return originals or None


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
            message = Problem("template-unknown-column")
            problems.append(TemplateProblem(DATA_SHEET, number, i, written, message))
        elif key in positions:
            first = get_column_letter(positions[key])
            problems.append(
                TemplateProblem(
                    DATA_SHEET, number, i, written, Problem("template-column-repeated", first=first)
                )
            )
        else:
            positions[key] = i
    for column in COLUMNS:
        if column.key not in positions and not column.optional:
            message = Problem("template-column-missing", column=column.header("zh"))
            problems.append(TemplateProblem(DATA_SHEET, number, None, "", message))
    return positions, problems


def _check_model(data: dict[str, Any], path: Path, rows: dict[tuple[str | int, ...], int]) -> None:
    """The filled model must pass the model checks; ``path:N`` then names row N."""
    try:
        model_from_document(ModelDocument(data, dict(rows), str(path)))
    except DataFormatError as error:
        message = Problem("template-model-checks", file=path.name, detail=error)
        raise TemplateError(path, [TemplateProblem(DATA_SHEET, None, None, "", message)]) from None


def _fill(row: _Row, line: dict[str, Any], label: _Label) -> list[str]:
    """Write the row's values into ``line`` (in place); the changes, or problems on ``row``."""
    changes: list[str] = []

    def update(key: str, new: Any, old: Any, field: str | None = None) -> None:
        field = field or key
        if new is None:
            if key in line:
                del line[key]
                changes.append(label.change(field, _show(old), _show(None)))
        elif new is not old:
            line[key] = new
            changes.append(label.change(field, _show(old), _show(new)))

    if "transport" in line:
        row.empty(_QUANTITY_KEYS, "template-transport")
        transport = line["transport"]
        for name in ("mass", "distance"):
            old = transport[name]
            new = _read_quantity(row, name, f"{name}_unit", old)
            if new is not None and new is not old:
                transport[name] = new
                changes.append(label.change(f"transport.{name}", _show(old), _show(new)))
    else:
        row.empty(_TRANSPORT_KEYS, "template-not-transport")
        old = line.get("quantity")
        new = _read_quantity(row, "amount", "unit", old)
        if new is not None:
            update("quantity", new, old)

    _read_factor(row, line, label, changes)
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


_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*:[^\s:@]+(@[0-9]+)?")


def _read_factor(row: _Row, line: dict[str, Any], label: _Label, changes: list[str]) -> None:
    """A factor chosen in the factor cell (a reference, the list's first word) replaces
    the line's factor; whether the library has it in the line's kind of unit is checked
    where the change is saved."""
    text = row.text("factor")
    if text is None:
        return
    if not factor_line(line):
        row.fail("factor", Problem("template-factor-not-linked", text=text))
        return
    ref = ref_of(text)
    old = line["factor"]
    if ref == old:
        return
    if not _REF.fullmatch(ref):
        row.fail("factor", Problem("template-factor-not-reference", text=text))
        return
    line["factor"] = ref
    shown = old if isinstance(old, str) else str(old.get("name") or "(inline)")
    changes.append(label.change("factor", shown, ref))


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
        row.fail(
            amount_key, Problem("template-amount-required", example=format_number(current_amount))
        )
    if amount is not None and amount < 0 <= current_amount:
        row.fail(amount_key, Problem("template-amount-negative", value=format_number(amount)))
    if amount is not None and amount_problem(amount) is not None:
        row.fail(
            amount_key,
            Problem("template-amount-too-large", value=f"{amount:g}", limit=f"{MAX_AMOUNT:g}"),
        )
    unit = row.text(unit_key)
    kind = kind_of(current_unit)
    if unit is None:
        row.fail(unit_key, Problem("template-unit-required", kind=kind, current=current_unit))
    else:
        try:
            if not same_dimension(unit, current_unit):
                row.fail(
                    unit_key,
                    Problem("template-unit-kind", unit=unit, unit_kind=kind_of(unit),
                            current=current_unit, kind=kind),
                )  # fmt: skip
        except UnitError:
            row.fail(
                unit_key,
                Problem("template-unit-unknown", unit=unit, kind=kind, current=current_unit),
            )
    if amount is None or unit is None or row.failed(amount_key, unit_key):
        return None
    if (amount, unit) == (current_amount, current_unit):
        return current  # unchanged: keep the model's own text
    if isinstance(current, Mapping):
        return {"amount": _json_number(amount), "unit": unit}
    return f"{format_number(amount)} {unit}"
