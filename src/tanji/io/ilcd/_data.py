"""ILCD data sets, units and flows (conventions: the package docstring)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

# lxml ships no type information and lxml-stubs is not a project dependency: elements are
# Any at this boundary, and every value read from them is converted to str/float at once.
from tanji.domain.factors import Uncertainty
from tanji.domain.gases import gas_for
from tanji.domain.lci import (
    ElementaryFlow,
)
from tanji.domain.problems import Problem, problem_of
from tanji.io._xml import at_line, english_text, finite_number, parse_xml
from tanji.io.errors import DataFormatError
from tanji.io.limits import open_zip

#: ``LciBundle.format`` of bundles read here.
FORMAT = "ilcd"

Unlinked = Literal["error", "cut-off"]

_BASE = "http://lca.jrc.it/ILCD"
_NS = {
    "p": f"{_BASE}/Process",
    "c": f"{_BASE}/Common",
    "f": f"{_BASE}/Flow",
    "fp": f"{_BASE}/FlowProperty",
    "u": f"{_BASE}/UnitGroup",
}
_KINDS = {
    f"{{{_NS['p']}}}processDataSet": "process",
    f"{{{_NS['f']}}}flowDataSet": "flow",
    f"{{{_NS['fp']}}}flowPropertyDataSet": "flow property",
    f"{{{_NS['u']}}}unitGroupDataSet": "unit group",
}
_UUID = {
    "process": "p:processInformation/p:dataSetInformation/c:UUID",
    "flow": "f:flowInformation/f:dataSetInformation/c:UUID",
    "flow property": "fp:flowPropertiesInformation/fp:dataSetInformation/c:UUID",
    "unit group": "u:unitGroupInformation/u:dataSetInformation/c:UUID",
}
_NO_UNCERTAINTY = Uncertainty()
_Element = Any  # an lxml element (untyped, see the import)


# --------------------------------------------------------------------------------------
# The data sets
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Doc:
    """One parsed data set and where it came from."""

    source: str
    root: _Element

    def fail(self, element: _Element, problem: str) -> DataFormatError:
        return DataFormatError(self.source, at_line(element.sourceline, problem))


def _xml_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """(source name, bytes) of every .xml file of a directory tree or a zip."""
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file() and file.suffix.lower() == ".xml":
                yield str(file), file.read_bytes()
        return
    if not path.exists():
        raise DataFormatError(str(path), "no such file or directory")
    if not zipfile.is_zipfile(path):
        raise DataFormatError(
            str(path),
            Problem("lci-not-ilcd"),
        )
    try:
        with open_zip(path) as archive:  # entry count, unpacked size and ratio capped
            for name in sorted(archive.namelist()):
                if name.lower().endswith(".xml") and not name.endswith("/"):
                    yield f"{path}: {name}", archive.read(name)
    except (zipfile.BadZipFile, OSError) as error:
        raise DataFormatError(str(path), Problem("lci-zip-cannot-read", detail=error)) from error


class _Store:
    """The data sets of one import, by kind and UUID."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.docs: dict[str, dict[str, _Doc]] = {kind: {} for kind in _UUID}
        for source, data in _xml_files(path):
            root = parse_xml(source, data)
            kind = _KINDS.get(root.tag)
            if kind is None:
                continue  # sources, contacts, locations, stylesheets' data: not needed
            doc = _Doc(source, root)
            uuid = _text(root, _UUID[kind])
            if not uuid:
                raise doc.fail(root, f"{kind} data set without common:UUID")
            known = self.docs[kind].setdefault(uuid, doc)
            if known is not doc:
                raise doc.fail(root, f"{kind} {uuid} is also in {known.source}")

    def get(self, kind: str, uuid: str, referrer: _Doc, element: _Element) -> _Doc:
        doc = self.docs[kind].get(uuid)
        if doc is None:
            raise referrer.fail(
                element,
                f"refers to {kind} {uuid} ({_short(element)!r}), which is not in {self.path}; "
                f"include the {kind} data sets of the process",
            )
        return doc


def _text(element: _Element, path: str) -> str:
    """Whitespace-normalized text of the first match, English preferred among languages."""
    return english_text(element.findall(path, _NS))


def _short(reference: _Element) -> str:
    return _text(reference, "c:shortDescription")


def _number(doc: _Doc, element: _Element, raw: str, what: str) -> float:
    try:
        return finite_number(raw, what)
    except ValueError as error:
        raise doc.fail(element, problem_of(error)) from None


# --------------------------------------------------------------------------------------
# Units and flows
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Flow:
    key: str
    name: str
    kind: str  # typeOfDataSet: Elementary flow, Product flow, Waste flow, Other flow
    unit: str
    factor: float  # meanValue of the reference flow property
    compartment: str
    cas: str | None
    formula: str | None

    @property
    def elementary(self) -> bool:
        return self.kind == "Elementary flow"


class _Flows:
    """Flows resolved on demand through flow property and unit group, cached by UUID."""

    def __init__(self, store: _Store) -> None:
        self.store = store
        self.cache: dict[str, _Flow] = {}

    def get(self, uuid: str, referrer: _Doc, element: _Element) -> _Flow:
        if uuid not in self.cache:
            self.cache[uuid] = self._read(uuid, self.store.get("flow", uuid, referrer, element))
        return self.cache[uuid]

    def _read(self, uuid: str, doc: _Doc) -> _Flow:
        root = doc.root
        info = "f:flowInformation/f:dataSetInformation"
        reference_id = _text(
            root, "f:flowInformation/f:quantitativeReference/f:referenceToReferenceFlowProperty"
        )
        properties = {
            (p.get("dataSetInternalID") or "").strip(): p
            for p in root.findall("f:flowProperties/f:flowProperty", _NS)
        }
        chosen = properties.get(reference_id)
        if chosen is None:
            raise doc.fail(
                root,
                f"flow {uuid}: no flow property with dataSetInternalID {reference_id!r} "
                "(its referenceToReferenceFlowProperty)",
            )
        factor = _number(doc, chosen, _text(chosen, "f:meanValue") or "1", f"flow {uuid} meanValue")
        if factor <= 0:
            raise doc.fail(
                chosen, f"flow {uuid}: the reference flow property's meanValue must be positive"
            )
        name = _text(root, f"{info}/f:name/f:baseName")
        categories = root.findall(
            f"{info}/f:classificationInformation/c:elementaryFlowCategorization/c:category", _NS
        ) or root.findall(f"{info}/f:classificationInformation/c:classification/c:class", _NS)
        compartment = "/".join(" ".join((c.text or "").split()) for c in categories)
        cas = _text(root, f"{info}/f:CASNumber") or None
        formula = _text(root, f"{info}/f:sumFormula") or None
        return _Flow(
            key=uuid,
            name=name,
            kind=_text(root, "f:modellingAndValidation/f:LCIMethod/f:typeOfDataSet"),
            unit=self._unit(doc, chosen),
            factor=factor,
            compartment=compartment,
            cas=cas,
            formula=formula,
        )

    def _unit(self, flow: _Doc, flow_property: _Element) -> str:
        reference = flow_property.find("f:referenceToFlowPropertyDataSet", _NS)
        if reference is None or not reference.get("refObjectId"):
            raise flow.fail(flow_property, "flow property without referenceToFlowPropertyDataSet")
        quantity = self.store.get("flow property", reference.get("refObjectId"), flow, reference)
        group_ref = quantity.root.find(
            "fp:flowPropertiesInformation/fp:quantitativeReference/fp:referenceToReferenceUnitGroup",
            _NS,
        )
        if group_ref is None or not group_ref.get("refObjectId"):
            raise quantity.fail(
                quantity.root, "flow property without referenceToReferenceUnitGroup"
            )
        group = self.store.get("unit group", group_ref.get("refObjectId"), quantity, group_ref)
        reference_id = _text(
            group.root, "u:unitGroupInformation/u:quantitativeReference/u:referenceToReferenceUnit"
        )
        for unit in group.root.findall("u:units/u:unit", _NS):
            if (unit.get("dataSetInternalID") or "").strip() == reference_id:
                name = _text(unit, "u:name")
                if name:
                    return name
        raise group.fail(
            group.root,
            f"unit group {_text(group.root, _UUID['unit group'])}: no named unit with "
            f"dataSetInternalID {reference_id!r} (its referenceToReferenceUnit)",
        )


def _elementary_flow(flow: _Flow) -> ElementaryFlow:
    # gas_for knows resources ("Resources/…") are never emissions.
    gas = gas_for(flow.name, cas=flow.cas, compartment=flow.compartment, formula=flow.formula)
    return ElementaryFlow(
        key=flow.key,
        name=flow.name,
        unit=flow.unit,
        compartment=flow.compartment,
        cas=flow.cas,
        formula=flow.formula,
        gas=gas,
    )
