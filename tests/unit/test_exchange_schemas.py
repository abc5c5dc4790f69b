"""The exchange files against their schemas, on the shipped materials table: every ILCD
dataset against the ILCD XSDs (skipped, saying why, where ../shared/standards/ilcd holds
none), the TIDAS source and contact datasets strictly against the TIDAS JSON schemas, and
the TIDAS processes and flows lacking only what TIDAS requires beyond a published factor."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tanji.io.exchange import tidas_documents, write_ilcd
from tanji.io.exchange._ilcd import NS, ExchangeVersion
from tanji.io.factor_table import read_factor_table

TABLE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "tanji"
    / "data"
    / "factors"
    / "materials-sector.csv"
)


def version() -> ExchangeVersion:
    return ExchangeVersion("materials-sector", "1", "Tanji platform", read_factor_table(TABLE))


def _ilcd_xsds(shared_standards: Path) -> dict[str, Path]:
    found = {p.name: p for p in (shared_standards / "ilcd").rglob("ILCD_*DataSet.xsd")}
    if not found:
        pytest.skip(
            "no ILCD XSDs (ILCD_ProcessDataSet.xsd …) under ../shared/standards/ilcd: the "
            "workplace holds only ILCD sample datasets, so the export is not schema-validated"
        )
    return found


def ilcd_schema(xsd: Path) -> Any:
    """An ILCD XSD as an lxml schema, offline: the W3C ``xml.xsd`` it imports over the
    network is read from a local copy beside the XSDs (``ext/xml.xsd`` in olca-ilcd)."""
    from lxml import etree

    local = next(xsd.parent.rglob("xml.xsd"), None)

    class Offline(etree.Resolver):  # type: ignore[misc]  # lxml has no type information
        def resolve(self, url: str, pubid: str, context: Any) -> Any:
            if url.endswith("www.w3.org/2001/xml.xsd") and local is not None:
                return self.resolve_filename(str(local), context)
            return None

    parser = etree.XMLParser()
    parser.resolvers.add(Offline())
    return etree.XMLSchema(etree.parse(str(xsd), parser))


def validate_ilcd_zip(path: Path, xsds: dict[str, Path]) -> list[str]:
    """Every problem of every dataset of an ILCD zip against its XSD."""
    from lxml import etree

    schemas = {kind: ilcd_schema(xsds[xsd]) for kind, (_t, _n, _f, xsd) in NS.items()}
    folder_kind = {folder: kind for kind, (_t, _n, folder, _x) in NS.items()}
    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            schema = schemas[folder_kind[name.split("/")[1]]]
            if not schema.validate(etree.fromstring(archive.read(name))):
                problems += [f"{name}: {e.message}" for e in schema.error_log]
    return problems


def test_ilcd_datasets_validate_against_the_ilcd_xsds(
    tmp_path: Path, shared_standards: Path
) -> None:
    xsds = _ilcd_xsds(shared_standards)
    path = tmp_path / "export.zip"
    write_ilcd(version(), path)
    assert validate_ilcd_zip(path, xsds) == []


def _tidas_validators(shared_standards: Path) -> dict[str, Any]:
    """Draft-7 validators of the TIDAS dataset schemas, their cross-file ``$ref`` resolved.

    At the shared commit the dataset schemas refer to ``#/$defs/Source`` and
    ``#/$defs/Contact`` of the category files, which hold only a top-level ``oneOf``: the
    registry gives each category file those ``$defs`` as its own ``oneOf`` (nothing else of
    the schemas is changed).
    """
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = shared_standards / "tidas" / "schemas"
    if not folder.is_dir():
        pytest.skip("no TIDAS schemas under ../shared/standards/tidas/schemas")
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    resources = []
    for name, schema in schemas.items():
        if name.endswith("_category.json") and "$defs" not in schema:
            schema = {
                **schema,
                "$defs": {k: {"oneOf": schema["oneOf"]} for k in ("Source", "Contact")},
            }
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        resources += [(name, resource), (f"./{name}", resource)]
    registry = Registry().with_resources(resources)
    return {
        folder_name: jsonschema.Draft7Validator(
            schemas[f"tidas_{folder_name}.json"], registry=registry
        )
        for folder_name in (
            "processes",
            "flows",
            "flowproperties",
            "unitgroups",
            "sources",
            "contacts",
        )
    }


def test_tidas_sources_and_contacts_validate_and_processes_lack_only_what_a_factor_lacks(
    shared_standards: Path,
) -> None:
    validators = _tidas_validators(shared_standards)
    documents = tidas_documents(version())
    problems: dict[str, set[str]] = {}
    for name, document in documents:
        folder = name.split("/")[0]
        for error in validators[folder].iter_errors(document):
            if folder in ("sources", "contacts"):
                pytest.fail(f"{name}: {error.message}")
            # What TIDAS requires beyond ILCD and a published factor does not hold
            # (review, compliance, commissioner, copyright, TIDAS category codes …) is
            # missing; nothing that is written has the wrong type or shape.
            if error.validator == "required":
                problems.setdefault(folder, set()).add(error.message.split("'")[1])
            else:
                assert list(error.absolute_path)[-3:-1] == [
                    "common:classification",
                    "common:class",
                ] or "common:class" in list(error.absolute_path), (name, error.message)
    assert {"validation", "complianceDeclarations", "common:licenseType"} <= problems["processes"]
    assert "common:UUID" not in set().union(*problems.values())
