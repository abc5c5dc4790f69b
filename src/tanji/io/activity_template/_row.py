"""One data row of a filled activity-data template, read cell by cell: the cell readers
and the problems they collect (what :mod:`._read` writes into a line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tanji.domain.problems import Problem
from tanji.io._cells import blank, cell_text, format_number
from tanji.io.activity_template._common import (
    _BY_KEY,
    _DATA_KINDS,
    _DISTRIBUTIONS,
    _PARAMETERS,
    DATA_SHEET,
    TemplateProblem,
    _json_number,
    _number,
    _suggest,
    _Value,
)


def _header_text(cells: Sequence[_Value], key: str, positions: Mapping[str, int]) -> str:
    position = positions[key]
    return cell_text(cells[position - 1]).strip() if position <= len(cells) else _BY_KEY[key].zh


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
        if key not in self.positions:
            return None  # an optional column the workbook does not have
        i = self.positions[key] - 1
        return self.cells[i] if i < len(self.cells) else None

    def fail(self, key: str, message: Problem) -> None:
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
        if isinstance(value, Problem):
            self.fail(key, value)
            return None
        return value

    def empty(self, keys: Iterable[str], code: str) -> None:
        for key in keys:
            if not blank(self.value(key)):
                self.fail(key, Problem(code, text=cell_text(self.value(key))))


def _read_data(row: _Row) -> str | None:
    text = row.text("data")
    if text is None:
        return None
    kind = _DATA_KINDS.get(text.lower())
    if kind is None:
        row.fail("data", Problem("template-data-kind", text=text))
    return kind


def _read_score(row: _Row, key: str) -> int | None:
    value = row.number(key)
    if value is None:
        return None
    if not value.is_integer() or not 1 <= value <= 5:
        row.fail(key, Problem("template-score", value=format_number(value)))
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
                Problem("template-distribution-missing", given=", ".join(given),
                        choices=", ".join(_DISTRIBUTIONS[1:])),
            )  # fmt: skip
        return None
    distribution = text.lower()
    if distribution not in _DISTRIBUTIONS:
        like, choices = _suggest(distribution, _DISTRIBUTIONS), ", ".join(_DISTRIBUTIONS)
        row.fail(
            "distribution",
            Problem("template-distribution-unknown", text=text, choices=choices)
            if like is None
            else Problem(
                "template-distribution-unknown-like", text=text, like=like, choices=choices
            ),
        )
        return None
    gsd, sd = parameters["gsd"], parameters["sd"]
    low, high = parameters["minimum"], parameters["maximum"]
    if distribution == "lognormal" and not row.failed("gsd"):
        if gsd is None:
            row.fail("gsd", Problem("template-gsd-missing"))
        elif gsd <= 1:
            row.fail("gsd", Problem("template-gsd", value=format_number(gsd)))
    if distribution == "normal" and not row.failed("sd"):
        if sd is None:
            row.fail("sd", Problem("template-sd-missing"))
        elif sd < 0:
            row.fail("sd", Problem("template-sd-negative", value=format_number(sd)))
    if distribution in ("uniform", "triangular") and not row.failed("minimum", "maximum"):
        for key, value in (("minimum", low), ("maximum", high)):
            if value is None:
                row.fail(key, Problem(f"template-{key}-missing", distribution=distribution))
        if low is not None and high is not None and not low < high:
            row.fail(
                "minimum",
                Problem("template-min-max", low=format_number(low), high=format_number(high)),
            )
    result: dict[str, Any] = {"distribution": distribution}
    result |= {key: _json_number(value) for key, value in parameters.items() if value is not None}
    return result
