"""The readers' caps (tanji.io.limits): each bomb kind refused by name, in bounded time,
at the readers' own entry points."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from tanji.io._xml import parse_xml
from tanji.io.errors import DataFormatError
from tanji.io.factor_table import read_factor_table
from tanji.io.ilcd import read_ilcd
from tanji.io.limits import LimitError, Limits, check_xlsx, limited
from tanji.io.olca_jsonld import read_jsonld
from tanji.io.product_model import parse_document
from tanji.settings import Settings

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_billion_laughs_are_refused_in_bounded_time() -> None:
    started = time.monotonic()
    with pytest.raises(DataFormatError, match=r"lolz\.xml: .*amplification"):
        parse_xml("lolz.xml", LAUGHS)  # entities unresolved; libxml2's guard names it
    assert time.monotonic() - started < 1.0


def test_an_archive_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"processes/{i}.json": b"{}" for i in range(60)})
    with limited(zip_entries=50), pytest.raises(LimitError) as refused:
        read_jsonld(path)
    assert refused.value.kind == "zip-entries"
    assert str(path) in str(refused.value)


def test_an_entry_that_expands_a_thousandfold_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ilcd.zip", {"ILCD/processes/p.xml": b" " * (16 << 20)})
    started = time.monotonic()
    with pytest.raises(LimitError) as refused:
        read_ilcd(path)
    assert refused.value.kind == "zip-ratio"
    assert time.monotonic() - started < 1.0


def test_an_archive_that_unpacks_past_the_cap_is_refused(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "big.zip", {f"processes/{i}.json": bytes(range(256)) * 4096 for i in range(4)}
    )
    with limited(unzipped_bytes=2 << 20), pytest.raises(LimitError) as refused:
        read_jsonld(path)
    assert refused.value.kind == "unzipped-size"


def test_a_factor_table_workbook_with_a_dtd_is_refused(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["code", "name"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(bomb, "w") as new:
        for entry in old.infolist():
            data = old.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data.split(b"?>", 1)[-1]
            new.writestr(entry, data)
    with pytest.raises(LimitError) as refused:
        read_factor_table(bomb)
    assert refused.value.kind == "xml-dtd"
    check_xlsx(plain)  # the plain workbook passes


def test_yaml_nesting_and_expansion_caps() -> None:
    deep = "".join("  " * i + f"k{i}:\n" for i in range(120)) + "  " * 120 + "v\n"
    with pytest.raises(LimitError) as refused:
        parse_document(deep, "deep.yaml")
    assert refused.value.kind == "yaml-depth"
    aliases = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    parse_document(aliases, "fine.yaml")  # 4 × 9 values: well within the cap
    with limited(yaml_nodes=20), pytest.raises(LimitError) as refused:
        parse_document(aliases, "aliases.yaml")
    assert refused.value.kind == "yaml-expansion"


def test_caps_are_settings() -> None:
    settings = Settings.from_env({"TANJI_LIMIT_XLSX_CELLS": "5000", "HOME": "/tmp"})
    assert settings.limits == Limits(xlsx_cells=5000)
    assert Settings.from_env({"HOME": "/tmp"}).limits == Limits()
    with pytest.raises(ValueError, match="TANJI_LIMIT_ZIP_ENTRIES"):
        Limits.from_env({"TANJI_LIMIT_ZIP_ENTRIES": "many"})
