"""Emission-factor tables in the template format: CSV and Excel, read, written, validated.

The broken tables below carry one fault per row; their expected errors are written out as
data, row by row, as the user would see them in a spreadsheet.
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tanji.domain.factors import (
    Boundary,
    EmissionFactor,
    FactorKind,
    GasAmount,
    Pedigree,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.io._cells import csv_cell, from_csv_cell
from tanji.io.errors import DataFormatError
from tanji.io.factor_table import (
    AS_PUBLISHED,
    OPTIONAL_COLUMNS,
    TEMPLATE_COLUMNS,
    CellError,
    FactorTableError,
    read_factor_table,
    write_factor_csv,
    write_factor_xlsx,
    write_template_xlsx,
)

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "tanji" / "data" / "factors"
SHIPPED_COUNTS = {
    "cn-electricity.csv": 142,
    "cn-fuels.csv": 3,
    "freight-transport.csv": 224,
    "ipcc2006-fuels.csv": 36,
    "materials-sector.csv": 41,
    "ipcc2006-ippu.csv": 28,
    "eu-cbam-defaults-cn.csv": 17,
}

Rows = list[list[str]]


def _write_csv(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def _typed(text: str) -> str | float | date | None:
    """A cell as Excel would hold it once typed in: numbers and dates become typed."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _write_xlsx(path: Path, rows: Rows, *, above: int = 0, sheet: str = "factors") -> Path:
    """``rows`` written from row ``above + 1``, in a sheet that is not the first."""
    book = openpyxl.Workbook()
    book.active.title = "notes"  # not first-sheet-by-chance: "factors" must be found by name
    target = book.create_sheet(sheet)
    for r, row in enumerate(rows, above + 1):
        for c, text in enumerate(row, 1):
            target.cell(row=r, column=c, value=_typed(text))
    book.save(path)
    return path


def _errors(path: Path) -> list[CellError]:
    with pytest.raises(FactorTableError) as caught:
        read_factor_table(path)
    return caught.value.errors


# ------------------------------------------------------------------------ shipped tables


@pytest.mark.parametrize(("name", "count"), SHIPPED_COUNTS.items())
def test_shipped_tables_read_without_error(name: str, count: int) -> None:
    assert len(read_factor_table(SHIPPED / name)) == count


@pytest.mark.parametrize("name", SHIPPED_COUNTS)
def test_every_shipped_value_keeps_its_source(name: str) -> None:
    with (SHIPPED / name).open(encoding="utf-8") as file:
        records = list(csv.DictReader(file))
    factors = read_factor_table(SHIPPED / name)
    for record, factor in zip(records, factors, strict=True):
        assert factor.code == record["code"]
        source = factor.source
        assert (source.publisher, source.title) == (
            record["source_publisher"],
            record["source_title"],
        )
        assert (source.document or "", source.table or "", source.url or "") == (
            record["source_document"],
            record["source_table"],
            record["source_url"],
        )
        assert str(source.year or "") == record["source_year"]
        assert source.licence == record["source_licence"]
        gases = {g.gas: g.kg for g in factor.gases}
        for column, gas in (("co2_kg", "CO2"), ("ch4_kg", "CH4-fossil"), ("n2o_kg", "N2O")):
            assert gases.get(gas) == (float(record[column]) if record[column] else None)
        assert factor.co2e == (float(record["co2e_kg"]) if record["co2e_kg"] else None)
        assert factor.notes == record["notes"]


@pytest.mark.parametrize("name", ["cn-fuels.csv", "freight-transport.csv", "ipcc2006-fuels.csv"])
def test_fuel_and_freight_rows_are_cited_in_full(name: str) -> None:
    """Publisher, document, year, table and licence on every row; codes unique."""
    factors = read_factor_table(SHIPPED / name)
    for factor in factors:
        source = factor.source
        cited = (source.publisher, source.document, source.table, source.licence, source.year)
        assert all(cited), factor.code
    assert len({f.code for f in factors}) == len(factors)


def test_well_to_wheel_freight_is_its_two_published_parts() -> None:
    """Each -WTW row is the tank-to-wheel row plus the well-to-tank value in its notes."""
    factors = {f.code: f for f in read_factor_table(SHIPPED / "freight-transport.csv")}
    wtw = [code for code in factors if code.endswith("-WTW")]
    assert len(wtw) == len(factors) - len(wtw)  # one well-to-wheel row per tank-to-wheel row
    for code in wtw:
        total, ttw = factors[code], factors[code.removesuffix("-WTW")]
        assert (total.boundary.value, ttw.boundary.value) == ("life_cycle", "combustion")
        match = re.search(r"tank-to-wheel ([0-9.]+) .* well-to-tank ([0-9.]+) ", total.notes or "")
        assert match is not None, code
        assert float(match.group(1)) == ttw.co2e
        assert total.co2e == pytest.approx(float(match.group(1)) + float(match.group(2)), abs=1e-12)


def test_gwp_basis_is_read_only_with_a_co2e_value() -> None:
    by_code = {f.code: f for f in read_factor_table(SHIPPED / "cn-electricity.csv")}
    # "not applicable (CO2 only)" stands next to an empty co2e_kg: not a basis.
    assert by_code["CN-ELEC-LOC-2021-CN"].gwp_basis is None
    # A CO2e whose GWP set the publisher does not state: "as published (…)", remark dropped.
    assert by_code["CN-ELEC-LCA-2023-CN"].gwp_basis == AS_PUBLISHED
    # Used as published under any basis (the publisher fixed the number, not the set).
    lca_2023 = by_code["CN-ELEC-LCA-2023-CN"]
    assert lca_2023.co2e_under({"CO2": 1.0}, "IPCC-AR6-GWP100") == lca_2023.co2e


# ------------------------------------------------------------------------ round trips


def _full_factor() -> EmissionFactor:
    """A factor with every optional field set, so every optional column is written."""
    return EmissionFactor(
        code="TEST-FULL",
        name_zh="测试因子，含逗号与\n换行",
        name_en='Test factor, with "quotes"',
        kind=FactorKind.MATERIAL,
        unit="kg",
        geography="CN-JS",
        source=Source("Publisher", "Title", 2024, "Doc 1", "Table 2", "https://x", "CC-BY-4.0"),
        gases=(
            GasAmount("CO2", 1.25),
            GasAmount("CH4-fossil", 1e-7),
            GasAmount("SF6", 0.001),
            GasAmount("CH4-nonfossil", 0.1 + 0.2),  # 0.30000000000000004: exact digits kept
        ),
        co2e=2.5,
        gwp_basis="IPCC-AR5-GWP100",
        boundary=Boundary.LIFE_CYCLE,
        valid_from=date(2024, 1, 1),
        valid_to=date(2024, 12, 31),
        uncertainty=Uncertainty("triangular", minimum=1.0, maximum=3.5),
        pedigree=Pedigree(1, 2, 3, 4, 5),
        pef=PefQuality(1, 2, 3, 2),
        industry_code="C2611",
        product_code="2901",
        illustrative=True,
        notes="=not a formula",
    )


def _all_factors() -> list[EmissionFactor]:
    shipped = [f for name in SHIPPED_COUNTS for f in read_factor_table(SHIPPED / name)]
    return [*shipped, _full_factor()]


def test_csv_round_trip_gives_equal_factors(tmp_path: Path) -> None:
    factors = _all_factors()
    write_factor_csv(factors, tmp_path / "out.csv")
    assert read_factor_table(tmp_path / "out.csv") == factors


def test_xlsx_round_trip_gives_equal_factors(tmp_path: Path) -> None:
    factors = _all_factors()
    write_factor_xlsx(factors, tmp_path / "out.xlsx")
    assert read_factor_table(tmp_path / "out.xlsx") == factors


def test_csv_is_written_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    write_factor_csv(read_factor_table(SHIPPED / "cn-electricity.csv"), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfcode,name_zh,")


def test_optional_columns_are_written_only_when_a_factor_needs_them(tmp_path: Path) -> None:
    write_factor_csv(read_factor_table(SHIPPED / "ipcc2006-fuels.csv"), tmp_path / "plain.csv")
    write_factor_csv([_full_factor()], tmp_path / "full.csv")
    with (tmp_path / "plain.csv").open(encoding="utf-8-sig") as file:
        assert next(csv.reader(file)) == list(TEMPLATE_COLUMNS)
    with (tmp_path / "full.csv").open(encoding="utf-8-sig") as file:
        header = next(csv.reader(file))
    assert header == [*TEMPLATE_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c != "sd")]


# ------------------------------------------------------------------------ reading rules

HEADER = ["kind", "code", "name_zh", "unit", "geography", "co2_kg", "source_publisher",
          "source_title"]  # fmt: skip


def test_a_gwp_basis_in_any_case_is_read(tmp_path: Path) -> None:
    header = [*HEADER[:5], "co2e_kg", "gwp_basis", *HEADER[6:]]
    rows = [header, ["combustion", "G-1", "天然气", "m3", "CN", "2.16", "ipcc-ar6-gwp100",
                     "生态环境部", "指南"]]  # fmt: skip
    [factor] = read_factor_table(_write_csv(tmp_path / "lower.csv", rows))
    assert factor.gwp_basis == "IPCC-AR6-GWP100"


def test_gb18030_csv_is_read(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["combustion", "GBK-1", "无烟煤（国标编码）", "t", "CN", "2.5", "生态环境部", "指南"],
    ]
    path = _write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the file really is not UTF-8
    [factor] = read_factor_table(path)
    assert (factor.name_zh, factor.source.publisher) == ("无烟煤（国标编码）", "生态环境部")


def test_optional_columns_in_any_order(tmp_path: Path) -> None:
    header = ["other_gases", *HEADER, "distribution", "sd", "pef_p", "illustrative"]
    row = ["SF6：0.5；co2-biogenic:2", "combustion", "X", "名", "t", "CN", "", "P", "T",
           "normal", "0.1", "2", "是"]  # fmt: skip
    [factor] = read_factor_table(_write_csv(tmp_path / "t.csv", [header, row]))
    assert factor.gases == (GasAmount("SF6", 0.5), GasAmount("CO2-biogenic", 2.0))
    assert factor.uncertainty == Uncertainty("normal", sd=0.1)
    assert (factor.pef.p, factor.illustrative, factor.name_en) == (2, True, "")


# A number cell as typed → the message, or None when it is a valid number.
NUMBER_CELLS = [
    ("0.5568", None),
    ("-1.5E-3", None),
    ("1e5", None),
    (".5", None),
    ("1,234.5", "'1,234.5' has a thousands separator: write 1234.5"),
    ("0,5", "'0,5' is not a number"),
    ("１.５", "'１.５' is not a number"),  # full-width digits
    ("nan", "'nan' is not a number"),
    ("inf", "'inf' is not a number"),
    ("12 kg", "'12 kg' is not a number"),
    ("1e999", "'1e999' is too large a number"),
]


@pytest.mark.parametrize(("cell", "message"), NUMBER_CELLS)
def test_number_cells(tmp_path: Path, cell: str, message: str | None) -> None:
    row = ["combustion", "X", "名", "t", "CN", cell, "P", "T"]
    path = _write_csv(tmp_path / "t.csv", [HEADER, row])
    if message is None:
        assert read_factor_table(path)[0].gases == (GasAmount("CO2", float(cell)),)
    else:
        assert _errors(path) == [CellError(2, "co2_kg", cell, message)]


# ------------------------------------------------------------------------ broken tables

# One fault per row (row 11 has two); an empty row 4; "sorce_url" is a typo; column Q has
# a value but no header.
BROKEN_TABLE = """\
code,name_zh,kind,unit,geography,valid_from,valid_to,co2_kg,co2e_kg,gwp_basis,distribution,\
gsd,source_publisher,source_title,sorce_url
A,甲,grid_location,kWh,CN,2021-01-01,2021-12-31,0.5,,,,,MEE,Notice,
B,乙,grid_location,kWh,CN,,,abc,,,,,MEE,Notice,

C,丙,electricity,kWh,CN,,,0.5,,,,,MEE,Notice,
D,丁,combustion,t,GLO,,,1,,,,,,Notice,
A,戊,combustion,t,GLO,,,1,,,,,MEE,Notice,
F,己,combustion,t,GLO,2021/01/01,,1,,,,,MEE,Notice,
G,庚,combustion,t,GLO,2022-01-01,2021-12-31,1,,,,,MEE,Notice,
H,辛,combustion,t,GLO,,,1,,,lognormal,,MEE,Notice,
I,壬,combustion,t,GLO,,,,2,AR6,,,MEE,Notice,x,,y
"""
BROKEN_ROWS = list(csv.reader(BROKEN_TABLE.splitlines()))
# With the header in row 1: the rows the user sees.
BROKEN_ERRORS = [
    CellError(1, "sorce_url", "sorce_url", "unknown column (did you mean 'source_url'?)"),
    CellError(3, "co2_kg", "abc", "'abc' is not a number"),
    CellError(
        5,
        "kind",
        "electricity",
        f"'electricity' is not one of {', '.join(k.value for k in FactorKind)}",
    ),
    CellError(6, "source_publisher", "", "required; the cell is empty"),
    CellError(7, "code", "A", "duplicate code 'A': first used in row 2"),
    CellError(
        8,
        "valid_from",
        "2021/01/01",
        "'2021/01/01' is not a date: write YYYY-MM-DD, e.g. 2024-01-31",
    ),
    CellError(
        9, "valid_from", "2022-01-01", "valid_from, valid_to: the period ends before it starts"
    ),
    CellError(10, "gsd", "", "gsd: a lognormal distribution needs a gsd greater than 1"),
    CellError(
        11,
        "gwp_basis",
        "AR6",
        "'AR6' is not a known GWP basis; use IPCC-AR6-GWP100, IPCC-AR6-GWP20, IPCC-AR5-GWP100, "
        "IPCC-AR4-GWP100, or 'as published (…)' when the publisher does not say",
    ),
    CellError(
        11, "column Q", "y", "a value in a column without a header; name the column or delete it"
    ),
]


def test_broken_csv_reports_every_error(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "broken.csv", BROKEN_ROWS)
    with pytest.raises(FactorTableError) as caught:
        read_factor_table(path)
    assert caught.value.errors == BROKEN_ERRORS
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: 10 errors; nothing was imported:"
    assert lines[2] == "row 3, column co2_kg: 'abc' is not a number"


def test_broken_xlsx_reports_every_error_at_the_rows_the_user_sees(tmp_path: Path) -> None:
    # Rows 1 and 2 are empty: the header is the first non-empty row (3).
    path = _write_xlsx(tmp_path / "broken.xlsx", BROKEN_ROWS, above=2)
    shifted = [
        CellError(e.row + 2, e.column, e.value, e.message.replace("row 2", "row 4"))
        for e in BROKEN_ERRORS
    ]
    with pytest.raises(FactorTableError) as caught:
        read_factor_table(path)
    assert caught.value.errors == shifted
    assert str(caught.value).startswith(f"{path} (sheet 'factors'): 10 errors")


OPTIONAL_BROKEN_TABLE = """\
code,name_en,kind,unit,geography,co2_kg,ch4_kg,other_gases,distribution,minimum,maximum,\
pedigree_temporal,pef_ter,source_publisher,source_title,source_year,illustrative
A,a,other,t,CN,1,,SF7:1,,,,,,P,T,,
B,b,other,t,CN,1,,SF6=1,,,,,,P,T,,
C,c,other,t,CN,1,1,CH4-fossil:2,,,,,,P,T,,
D,d,other,t,CN,1,,,triangular,3,1,,,P,T,,
E,e,other,t,CN,1,,,,,,6,0,P,T,24,
F,f,other,t,CN,1,,,,,,,,P,T,2024.5,maybe
G,,other,t,CN,,,,,,,,,P,T,,
H,h,,t,CN,1,,,,,,,,P,T,,
"""
# Cross-field rules are the domain's; its messages land on the first column they name.
OPTIONAL_BROKEN_ERRORS = [
    CellError(2, "other_gases", "SF7:1", "unknown gas 'SF7' (did you mean 'SF6'?)"),
    CellError(3, "other_gases", "SF6=1", "'SF6=1' is not gas:kg (e.g. SF6:0.001;HFC-134a:0.02)"),
    CellError(
        4,
        "other_gases",
        "CH4-fossil:2",
        "gases: each gas once, got ['CO2', 'CH4-fossil', 'CH4-fossil']",
    ),
    CellError(5, "minimum", "3", "minimum, maximum: a triangular needs minimum < maximum"),
    CellError(
        6, "pedigree_temporal", "6", "pedigree temporal: expected a score from 1 to 5, got 6"
    ),
    CellError(6, "pef_ter", "0", "TER: expected a score from 1 to 5, got 0"),
    CellError(6, "source_year", "24", "source year: expected a year such as 2024, got 24"),
    CellError(7, "source_year", "2024.5", "'2024.5' is not a whole number"),
    CellError(7, "illustrative", "maybe", "'maybe' is not true/false (also yes/no, 1/0, 是/否)"),
    # The domain stops at its first rule, so the missing values are not reported as well.
    CellError(8, "name_zh", "", "name_zh, name_en: at least one name is required"),
    CellError(9, "kind", "", "required; the cell is empty"),
]


def test_optional_and_cross_field_errors_name_their_column(tmp_path: Path) -> None:
    rows = list(csv.reader(OPTIONAL_BROKEN_TABLE.splitlines()))
    assert _errors(_write_csv(tmp_path / "t.csv", rows)) == OPTIONAL_BROKEN_ERRORS


def test_excel_typed_cells_are_read(tmp_path: Path) -> None:
    header = [*HEADER, "valid_from", "source_year", "illustrative"]
    row = ["combustion", "X", "名", "t", "CN", "0.25", "P", "T", "2024-03-01", "2024", ""]
    path = _write_xlsx(tmp_path / "typed.xlsx", [header, row])
    book = openpyxl.load_workbook(path)
    book["factors"]["K2"] = True  # an Excel TRUE
    book.save(path)
    [factor] = read_factor_table(path)
    assert factor.valid_from == date(2024, 3, 1)
    assert (factor.source.year, factor.illustrative) == (2024, True)
    assert factor.gases == (GasAmount("CO2", 0.25),)


def test_excel_extensions_openpyxl_cannot_keep_do_not_fail_the_read(tmp_path: Path) -> None:
    # Excel and WPS save drop-down lists as an x14 extension; openpyxl warns that it drops
    # it (an error under this test run's warning filter). The values are unaffected.
    rows = [HEADER, ["other", "X", "名", "t", "CN", "1", "P", "T"]]
    plain = _write_xlsx(tmp_path / "plain.xlsx", rows)
    path = tmp_path / "with-extension.xlsx"
    extension = b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/></extLst>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("xl/worksheets/"):
                data = data.replace(b"</worksheet>", extension + b"</worksheet>")
            target.writestr(name, data)
    with pytest.warns(UserWarning, match="extension is not supported"):
        openpyxl.load_workbook(path)  # the warning the reader silences
    assert [f.code for f in read_factor_table(path)] == ["X"]


def test_missing_required_columns_stop_at_the_header(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", [["code", "kind", "notes"], ["X", "other", "n"]])
    assert [(e.row, e.column) for e in _errors(path)] == [
        (1, "unit"),
        (1, "geography"),
        (1, "source_publisher"),
        (1, "source_title"),
        (1, "name_zh or name_en"),
        (1, "a value column (co2_kg, …, co2e_kg)"),
    ]
    assert {e.message for e in _errors(path)} == {"required column is missing"}


def test_column_names_ignore_case_but_not_repetition(tmp_path: Path) -> None:
    header = [" Code ", "KIND", *HEADER[2:], "code"]
    row = ["X", "other", "名", "t", "CN", "1", "P", "T", "Y"]
    path = _write_csv(tmp_path / "t.csv", [header, row])
    assert _errors(path) == [CellError(1, "code", "code", "column repeated (first in A)")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_empty_file_says_so(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    if suffix == ".csv":
        path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    else:
        _write_xlsx(path, [])
    message = "the file is empty; expected the template's header row (code, name_zh, …)"
    assert _errors(path) == [CellError(1, "", "", message)]
    with pytest.raises(FactorTableError, match="row 1: the file is empty"):
        read_factor_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_header_without_factors_says_so(tmp_path: Path, suffix: str) -> None:
    write = _write_csv if suffix == ".csv" else _write_xlsx
    path = write(tmp_path / f"header{suffix}", [list(TEMPLATE_COLUMNS)])
    assert _errors(path) == [CellError(2, "", "", "no factors below the header (row 1)")]


def test_other_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "f.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataFormatError, match=r"expected a \.csv or \.xlsx"):
        read_factor_table(tmp_path / "f.xls")
    (tmp_path / "f.xlsx").write_text("not a zip")
    with pytest.raises(DataFormatError, match=r"not an Excel \.xlsx workbook"):
        read_factor_table(tmp_path / "f.xlsx")


# ------------------------------------------------------------------------ the template


def test_template_workbook_has_the_header_and_the_instructions(tmp_path: Path) -> None:
    write_template_xlsx(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == ["factors", "说明 Instructions"]
    factors = book["factors"]
    assert [c.value for c in factors[1]] == list(TEMPLATE_COLUMNS)
    assert factors.max_row == 1
    assert all(c.font.bold for c in factors[1])
    assert factors.freeze_panes == "B2"
    assert factors.column_dimensions["A"].width > 20
    rows = list(book["说明 Instructions"].iter_rows(values_only=True))
    described = {row[0]: row for row in rows[3:]}
    assert rows[3][:4] == ("列名 Column", "说明", "Description", "必填 Required")
    assert set(described) == {"列名 Column", *TEMPLATE_COLUMNS, *OPTIONAL_COLUMNS}
    assert "grid_residual" in described["kind"][4]
    assert "IPCC-AR4-GWP100" in described["gwp_basis"][4]
    assert "lognormal" in described["distribution"][4]
    assert "life_cycle" in described["boundary"][4]
    assert described["code"][3] == "是 yes"


def test_the_template_example_is_a_valid_illustrative_row(tmp_path: Path) -> None:
    write_template_xlsx(tmp_path / "template.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "template.xlsx")["说明 Instructions"].values)
    example = {row[0]: row[5] for row in rows[4:] if row[5] is not None}
    path = _write_csv(tmp_path / "example.csv", [list(example), [str(v) for v in example.values()]])
    [factor] = read_factor_table(path)
    assert factor.illustrative
    assert factor.code.startswith("EXAMPLE-")


def test_the_documented_examples_read(tmp_path: Path) -> None:
    docs = (SHIPPED.parents[3] / "docs" / "factor-template.md").read_text(encoding="utf-8")
    examples = re.findall(r"```csv\n(.*?)```", docs, flags=re.DOTALL)
    assert len(examples) == 4
    for i, example in enumerate(examples):
        (tmp_path / f"{i}.csv").write_text(example, encoding="utf-8")
        [factor] = read_factor_table(tmp_path / f"{i}.csv")
        assert factor.code in example


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    """CSV injection (OWASP): a text starting with = + - @ is written with a leading ',
    which the reader removes again; numbers keep their sign."""
    factor = _full_factor()
    write_factor_csv([factor], tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=not a formula" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert read_factor_table(tmp_path / "out.csv") == [factor]
    assert csv_cell("-0.5") == "-0.5"
    assert csv_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert from_csv_cell("'=cmd") == "=cmd"
    assert from_csv_cell("'quoted") == "'quoted"
