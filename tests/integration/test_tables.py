"""A plain table as CSV or XLSX for a spreadsheet: no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import openpyxl  # type: ignore[import-untyped]

from tanji.io.tables import table_csv, table_xlsx

ROWS = [['=HYPERLINK("http://x")', -0.5, "+86 512", "@SUM(A1)", None, 3, "普通文字"]]


def test_csv_neutralises_formula_cells_and_keeps_numbers() -> None:
    data = table_csv(["a", "b", "c", "d", "e", "f", "g"], ROWS)
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with the BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "-0.5", "'+86 512", "'@SUM(A1)", "", "3",
                       "普通文字"]  # fmt: skip


def test_xlsx_stores_text_as_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(table_xlsx("t", ["a"] * 7, ROWS)))
    sheet = book.active
    assert sheet.cell(1, 1).font.bold
    cells = [sheet.cell(2, i) for i in range(1, 8)]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x")', -0.5, "+86 512", "@SUM(A1)",
                                        None, 3, "普通文字"]  # fmt: skip
    assert cells[0].data_type == "s"  # a string, not a formula
