"""National and peer exchange on both stores: a shipped factor database version exports as
ILCD and as TIDAS and imports back as a new database with the same records and sources;
a process without its source dataset is refused. Schema validation is in
tests/unit/test_exchange_schemas.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tanji.io.errors import DataFormatError
from tanji.io.exchange import read_ilcd_factors
from tanji.io.ilcd import read_ilcd
from tanji.services.admission.exchange import export_version, import_exchange
from tanji.services.catalog import Destination
from tanji.services.factors import stored_factors

DATABASE = "materials-sector"  # shipped: per-gas rows, CO2e rows, sources with licences


@pytest.mark.parametrize("fmt", ["ilcd", "tidas"])
def test_a_version_round_trips_with_its_sources(session: Session, tmp_path: Path, fmt: str) -> None:
    original = stored_factors(session, DATABASE)
    path = tmp_path / f"export.{fmt}.zip"
    assert export_version(session, DATABASE, None, fmt, path) == len(original)

    summary = import_exchange(session, path, fmt, Destination(f"peer-{fmt}", owner_name="Peer"))
    assert (summary.new, summary.changed) == (len(original), 0)
    back = stored_factors(session, f"peer-{fmt}")
    assert sorted(back, key=lambda f: f.code) == sorted(original, key=lambda f: f.code)
    assert {f.source for f in back} == {f.source for f in original}
    assert all(f.source.licence for f in back if f.code.startswith("DESNZ"))


def test_the_ilcd_zip_is_ordinary_ilcd(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    count = export_version(session, DATABASE, None, "ilcd", path)
    with zipfile.ZipFile(path) as archive:
        folders = {name.split("/")[1] for name in archive.namelist()}
        assert folders == {
            "processes",
            "flows",
            "flowproperties",
            "unitgroups",
            "sources",
            "contacts",
        }
    # Any ILCD reader sees the processes with their exchanges (the generic Tanji import).
    bundle = read_ilcd(path)
    assert len(bundle.activities) == count
    steel = next(a for a in bundle.activities if "BF-BOF" in (a.comment or "") and a.unit == "t")
    assert steel.location == "GLO"
    assert "Source: " in (steel.comment or "")


def test_an_ilcd_process_without_its_source_dataset_is_refused(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "export.zip"
    export_version(session, DATABASE, None, "ilcd", path)
    stripped = tmp_path / "stripped.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for name in src.namelist():
            if "/sources/" not in name:
                dst.writestr(name, src.read(name))
    with pytest.raises(DataFormatError, match="keeps its source"):
        read_ilcd_factors(stripped)
