"""Reading an openLCA JSON-LD zip: entries, 1.x field names, shared constants."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# olca-schema ships no type information (no py.typed): its entities are Any at this boundary,
# and every value taken from them is converted to a typed one right away.
import olca_schema as o  # type: ignore[import-untyped]

from tanji.domain.factors import Uncertainty
from tanji.domain.problems import Problem
from tanji.io.errors import DataFormatError
from tanji.io.limits import open_zip

#: ``LciBundle.format`` of bundles read here (the import format name of the services).
FORMAT = "olca-jsonld"

_PUBLISHER = "openLCA JSON-LD import"
_NO_UNCERTAINTY = Uncertainty()
_FOLDERS = {
    "UnitGroup": "unit_groups",
    "FlowProperty": "flow_properties",
    "Flow": "flows",
    "Location": "locations",
    "Process": "processes",
    "ProductSystem": "product_systems",
    "ImpactCategory": "lcia_categories",
    "ImpactMethod": "lcia_methods",
}
# openLCA 1.x field names and their 2.x successors (olca-schema 2 ignores unknown keys).
_V1_KEYS = {
    "input": "isInput",
    "quantitativeReference": "isQuantitativeReference",
    "avoidedProduct": "isAvoidedProduct",
    "referenceFlowProperty": "isRefFlowProperty",
    "referenceUnit": "isRefUnit",
    "referenceProcess": "refProcess",
    "referenceExchange": "refExchange",
    "referenceUnitName": "refUnit",
    "infrastructureFlow": "isInfrastructureFlow",
    "infrastructureProcess": "isInfrastructureProcess",
    "inputParameter": "isInputParameter",
}


# --------------------------------------------------------------------------------------
# The archive
# --------------------------------------------------------------------------------------


class _Archive:
    """The JSON entries of one zip, by folder, parsed into olca-schema entities."""

    def __init__(self, path: Path, archive: zipfile.ZipFile | _Folder) -> None:
        self.path = path
        self.zip = archive
        self.entries: dict[str, list[str]] = defaultdict(list)
        for name in archive.namelist():
            parts = name.split("/")
            if len(parts) >= 2 and name.endswith(".json"):
                self.entries[parts[-2]].append(name)
        self.version = 2 if "olca-schema.json" in archive.namelist() else 1
        self.categories = self._v1_category_paths() if self.version == 1 else {}

    def source(self, entry: str) -> str:
        return f"{self.path}: {entry}"

    def json_of(self, entry: str) -> dict[str, Any]:
        data = self._raw_json(entry)
        return _upgrade_v1(data, self.categories) if self.version == 1 else data

    def _raw_json(self, entry: str) -> dict[str, Any]:
        try:
            data = json.loads(self.zip.read(entry))
        except (ValueError, zipfile.BadZipFile, OSError) as error:
            raise DataFormatError(
                self.source(entry), Problem("lci-json-unreadable", detail=error)
            ) from None
        if not isinstance(data, dict):
            raise DataFormatError(self.source(entry), "expected a JSON object")
        return data

    def each(self, type_name: str) -> Iterator[tuple[str, Any]]:
        """(entry, entity) for every entity of an olca-schema type, in zip order."""
        for entry in self.entries.get(_FOLDERS[type_name], []):
            yield entry, self.parse(entry, type_name, self.json_of(entry))

    def parse(self, entry: str, type_name: str, data: dict[str, Any]) -> Any:
        try:
            entity = getattr(o, type_name).from_dict(data)
        except (TypeError, AttributeError, ValueError, KeyError) as error:
            raise DataFormatError(
                self.source(entry), f"not an openLCA {type_name}: {error!r}"
            ) from None
        if not entity.id:
            raise DataFormatError(self.source(entry), "no @id")
        return entity

    def processes(self) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
        """(entry, process, raw exchanges) of every process.

        olca-schema's ``Ref.from_dict`` finds its enum member by iterating over the enum,
        for every reference: two thirds of the reading time of a million exchanges. So the
        exchanges, the bulk of a database, are read from the JSON (with olca-schema's field
        names), and the rest of a process through olca-schema.
        """
        for entry in self.entries.get("processes", []):
            data = self.json_of(entry)
            exchanges = data.pop("exchanges", None) or []
            if not isinstance(exchanges, list) or not all(isinstance(e, dict) for e in exchanges):
                raise DataFormatError(self.source(entry), "exchanges: expected a list of objects")
            yield entry, self.parse(entry, "Process", data), exchanges

    def _v1_category_paths(self) -> dict[str, str]:
        """1.x refers to categories by id; 2.x writes their paths ("A/B/C")."""
        parents: dict[str, tuple[str, str | None]] = {}
        for entry in self.entries.get("categories", []):
            data = self._raw_json(entry)
            parent = data.get("category")
            parents[str(data.get("@id"))] = (
                str(data.get("name", "")),
                parent.get("@id") if isinstance(parent, dict) else None,
            )

        def path_of(key: str | None, depth: int = 0) -> str:
            if key not in parents or depth > 50:
                return ""
            name, parent = parents[key]
            above = path_of(parent, depth + 1)
            return f"{above}/{name}" if above else name

        return {key: path_of(key) for key in parents}


def _upgrade_v1(value: Any, categories: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_upgrade_v1(v, categories) for v in value]
    if not isinstance(value, dict):
        return value
    upgraded = {}
    for key, v in value.items():
        if key == "category" and isinstance(v, dict):
            upgraded[key] = categories.get(str(v.get("@id")), str(v.get("name", "")))
        else:
            upgraded[_V1_KEYS.get(key, key)] = _upgrade_v1(v, categories)
    return upgraded


class _Folder:
    """An unpacked export (a folder of ``processes/``, ``flows/`` …) read like a zip:
    the US LCI database, for one, is published so (``FLCAC-admin/uslci-content``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def namelist(self) -> list[str]:
        return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*.json"))

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def __enter__(self) -> _Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _open(path: Path) -> zipfile.ZipFile | _Folder:
    if path.is_dir():
        return _Folder(path)
    if not path.is_file():
        raise DataFormatError(
            str(path), "no such file or folder (expected an openLCA JSON-LD .zip or its folder)"
        )
    if not zipfile.is_zipfile(path):
        raise DataFormatError(str(path), Problem("lci-olca-not-zip"))
    try:
        return open_zip(path)  # entry count, unpacked size and ratio capped
    except (zipfile.BadZipFile, OSError) as error:
        raise DataFormatError(str(path), Problem("lci-zip-unreadable", detail=error)) from None


# --------------------------------------------------------------------------------------
# Units and flows
# --------------------------------------------------------------------------------------
