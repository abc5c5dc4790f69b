"""Importing files into the background databases: one function per user intention."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from tanji.domain.lci import LciBundle
from tanji.services.catalog import Destination, file_sha256
from tanji.services.errors import ServiceError
from tanji.services.factors import ImportSummary, import_factors
from tanji.services.lci_import import LciImportSummary, import_bundle

__all__ = [
    "FACTOR_FORMATS",
    "FORMATS",
    "LCI_FORMATS",
    "ImportRequest",
    "import_file",
    "read_bundle",
]

FACTOR_FORMATS = ("csv", "xlsx")
LCI_FORMATS = ("olca-jsonld", "ecospold2", "ilcd", "bw-datapackage")
FORMATS = FACTOR_FORMATS + LCI_FORMATS


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    format: str
    target: Destination
    #: ecoSpold2 / ILCD inputs whose provider is not in the files: "error" or "cut-off"
    unlinked: str = "error"


def import_file(session: Session, request: ImportRequest) -> ImportSummary | LciImportSummary:
    """Read a file in its format and store it as a new database version, all or nothing."""
    if request.format not in FORMATS:
        raise ServiceError(f"--format must be one of {', '.join(FORMATS)}, not {request.format!r}")
    path = request.path
    if not path.exists():
        raise ServiceError(f"{path}: no such file or directory")
    target = replace(request.target, import_file=path.name, import_sha256=file_sha256(path))
    if request.format in FACTOR_FORMATS:
        from tanji.io.factor_table import read_factor_table

        return import_factors(
            session, read_factor_table(path), target, import_format=request.format
        )
    if request.format == "bw-datapackage":
        from tanji.io.brightway import datapackage_paths
        from tanji.services.brightway_import import import_brightway

        return import_brightway(session, datapackage_paths(path), target)
    return import_bundle(
        session, read_bundle(path, request.format, unlinked=request.unlinked), target
    )


def read_bundle(path: Path, fmt: str, *, unlinked: str = "error") -> LciBundle:
    """Parse an LCI file (readers are imported on demand: each pulls in its library)."""
    if unlinked not in ("error", "cut-off"):
        raise ServiceError(f"--unlinked must be 'error' or 'cut-off', not {unlinked!r}")
    policy: Literal["error", "cut-off"] = "error" if unlinked == "error" else "cut-off"
    if fmt == "olca-jsonld":
        from tanji.io.olca_jsonld import read_jsonld

        return read_jsonld(path)
    if fmt == "ecospold2":
        from tanji.io.ecospold2 import read_ecospold2

        return read_ecospold2(path, unlinked=policy)
    if fmt == "ilcd":
        from tanji.io.ilcd import read_ilcd

        return read_ilcd(path, unlinked=policy)
    raise ServiceError(
        f"{fmt!r} is not a bundle format; Brightway datapackages are stored array to table"
    )
