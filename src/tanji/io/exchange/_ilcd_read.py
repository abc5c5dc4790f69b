"""The factors of an ILCD exchange export, read back with their source datasets."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tanji.domain.factors import EmissionFactor, Source
from tanji.io._xml import Element, parse_xml
from tanji.io.errors import DataFormatError
from tanji.io.exchange._ilcd import COMMON, NS, TANJI
from tanji.io.exchange._record import factor_from_json, source_from_json
from tanji.io.limits import open_zip

__all__ = ["factors_from_datasets", "read_ilcd_factors"]


def _kind_of(root: Element) -> str | None:
    for kind, (tag, ns, _folder, _xsd) in NS.items():
        if root.tag == f"{{{ns}}}{tag}":
            return kind
    return None


def _text(root: Element, path: str, where: str) -> str:
    found = root.find(path, {"c": COMMON, "t": TANJI, "p": NS["process"][1], "s": NS["source"][1]})
    if found is None or not (found.text or "").strip():
        raise DataFormatError(
            where, f"{path.replace('c:', 'common:').replace('t:', 'tanji:')}: required, not found"
        )
    return str(found.text)


def factors_from_datasets(roots: Iterable[tuple[str, Element]]) -> list[EmissionFactor]:
    """The factors of parsed datasets (``(where, root)`` pairs), each with the source of
    the source dataset its process refers to."""
    sources: dict[str, Source] = {}
    processes: list[tuple[str, Element]] = []
    for where, root in roots:
        kind = _kind_of(root)
        if kind == "source":
            uid = _text(root, "s:sourceInformation/s:dataSetInformation/c:UUID", where)
            sources[uid] = source_from_json(
                where,
                json.loads(
                    _text(root, "s:sourceInformation/s:dataSetInformation/c:other/t:source", where)
                ),
            )
        elif kind == "process":
            processes.append((where, root))
    if not processes:
        raise DataFormatError(
            "archive", "no process dataset found: expected an ILCD export of a factor database"
        )
    factors = []
    for where, root in processes:
        info = "p:processInformation/p:dataSetInformation"
        try:
            record = json.loads(_text(root, f"{info}/c:other/t:factor", where))
        except json.JSONDecodeError as error:
            raise DataFormatError(where, f"tanji:factor: not JSON ({error.msg})") from error
        reference = root.find(
            "p:modellingAndValidation/p:dataSourcesTreatmentAndRepresentativeness/"
            "p:referenceToDataSource",
            {"p": NS["process"][1]},
        )
        src_uuid = reference.get("refObjectId") if reference is not None else None
        if src_uuid not in sources:
            raise DataFormatError(
                where,
                f"referenceToDataSource: source dataset {src_uuid} "
                "is not in the archive (every factor keeps its source)",
            )
        factors.append(factor_from_json(where, record, sources[str(src_uuid)]))
    return factors


def read_ilcd_factors(path: Path) -> list[EmissionFactor]:
    """The factors of an ILCD zip written by :func:`write_ilcd`."""
    try:
        archive = open_zip(path, path.name)
    except zipfile.BadZipFile as error:
        raise DataFormatError(path.name, "not a zip archive (expected an ILCD zip)") from error
    with archive:
        roots = [
            (f"{path.name}:{name}", parse_xml(f"{path.name}:{name}", archive.read(name)))
            for name in archive.namelist()
            if name.lower().endswith(".xml")
        ]
    return factors_from_datasets(roots)
