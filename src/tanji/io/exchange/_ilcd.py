"""A factor version as ILCD 1.1 datasets in a zip, written with lxml (read back:
:mod:`tanji.io.exchange._ilcd_read`)."""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from tanji.domain.factors import EmissionFactor, Source
from tanji.io._xml import XML_LANG, Element
from tanji.io.exchange._record import factor_to_json, source_to_json

__all__ = [
    "COMMON",
    "ILCD_FORMAT",
    "NS",
    "TANJI",
    "XSI",
    "ExchangeVersion",
    "GasInfo",
    "datasets",
    "write_ilcd",
]

ILCD_FORMAT = "ilcd"
COMMON = "http://lca.jrc.it/ILCD/Common"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TANJI = "urn:tanji:ilcd-extension:1"
#: Dataset kind → (root element, namespace, folder in the zip, XSD file name).
NS = {
    "process": (
        "processDataSet",
        "http://lca.jrc.it/ILCD/Process",
        "processes",
        "ILCD_ProcessDataSet.xsd",
    ),
    "flow": ("flowDataSet", "http://lca.jrc.it/ILCD/Flow", "flows", "ILCD_FlowDataSet.xsd"),
    "flowproperty": (
        "flowPropertyDataSet",
        "http://lca.jrc.it/ILCD/FlowProperty",
        "flowproperties",
        "ILCD_FlowPropertyDataSet.xsd",
    ),
    "unitgroup": (
        "unitGroupDataSet",
        "http://lca.jrc.it/ILCD/UnitGroup",
        "unitgroups",
        "ILCD_UnitGroupDataSet.xsd",
    ),
    "source": (
        "sourceDataSet",
        "http://lca.jrc.it/ILCD/Source",
        "sources",
        "ILCD_SourceDataSet.xsd",
    ),
    "contact": (
        "contactDataSet",
        "http://lca.jrc.it/ILCD/Contact",
        "contacts",
        "ILCD_ContactDataSet.xsd",
    ),
}
VERSION = "01.00.000"
#: The ILCD format's own source dataset (as every ILCD dataset refers to it).
ILCD_FORMAT_UUID = "a97a0155-0234-4b87-b4ce-a45da52f2a40"
_NAMESPACE = uuid.UUID("6f1c3a52-5a8e-4d0e-9a57-7a6e6a1f0015")  # as the JSON-LD export
_CO2E = "co2e"


def _uid(text: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, text))


@dataclass(frozen=True)
class GasInfo:
    """What a flow of a gas is called: its English name, CAS number and formula."""

    name: str
    cas: str | None = None
    formula: str | None = None


@dataclass(frozen=True)
class ExchangeVersion:
    """A version of a factor database, ready to write."""

    database: str
    version: str
    owner: str
    factors: Sequence[EmissionFactor]
    gases: Mapping[str, GasInfo] = field(default_factory=dict)
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Dataset:
    """One ILCD dataset: its kind, UUID and XML root."""

    kind: str
    uuid: str
    root: Element


def _el(parent: Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", dict(attrs))
    if text is not None:
        element.text = text
    return element


def _c(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    return _el(parent, COMMON, tag, text, **attrs)


def _root(kind: str) -> tuple[Element, str]:
    tag, ns, _folder, xsd = NS[kind]
    root = etree.Element(
        f"{{{ns}}}{tag}", nsmap={None: ns, "common": COMMON, "xsi": XSI, "tanji": TANJI}
    )
    root.set("version", "1.1")
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} ../../schemas/{xsd}")
    return root, ns


def _ref(
    parent: Element, tag: str, kind: str, ref_uuid: str, text: str, ns: str = COMMON
) -> Element:
    folder = NS[kind][2]
    type_ = {
        "source": "source data set",
        "contact": "contact data set",
        "flow": "flow data set",
        "flowproperty": "flow property data set",
        "unitgroup": "unit group data set",
    }[kind]
    element = _el(
        parent,
        ns,
        tag,
        type=type_,
        refObjectId=ref_uuid,
        version=VERSION,
        uri=f"../{folder}/{ref_uuid}.xml",
    )
    _c(element, "shortDescription", text, **{XML_LANG: "en"})
    return element


def _admin(root: Element, ns: str, stamp: str, owner_uuid: str, owner: str) -> None:
    admin = _el(root, ns, "administrativeInformation")
    entry = _el(admin, ns, "dataEntryBy")
    _c(entry, "timeStamp", stamp)
    fmt = _c(
        entry,
        "referenceToDataSetFormat",
        type="source data set",
        refObjectId=ILCD_FORMAT_UUID,
        version="01.01.000",
        uri=f"../sources/{ILCD_FORMAT_UUID}_01.01.000.xml",
    )
    _c(fmt, "shortDescription", "ILCD format", **{XML_LANG: "en"})
    publication = _el(admin, ns, "publicationAndOwnership")
    _c(publication, "dataSetVersion", VERSION)
    _ref(publication, "referenceToOwnershipOfDataSet", "contact", owner_uuid, owner)


def _multilang(parent: Element, ns: str, tag: str, texts: Iterable[tuple[str, str]]) -> None:
    for lang, text in texts:
        if text:
            _el(parent, ns, tag, text, **{XML_LANG: lang})


def _contact(version: ExchangeVersion, owner_uuid: str, stamp: str) -> Dataset:
    root, ns = _root("contact")
    info = _el(_el(root, ns, "contactInformation"), ns, "dataSetInformation")
    _c(info, "UUID", owner_uuid)
    _c(info, "shortName", version.owner, **{XML_LANG: "en"})
    _c(info, "name", version.owner, **{XML_LANG: "en"})
    _c(
        _c(_el(info, ns, "classificationInformation"), "classification"),
        "class",
        "Organisations",
        level="0",
        classId="2",
    )
    _admin(root, ns, stamp, owner_uuid, version.owner)
    return Dataset("contact", owner_uuid, root)


def _source(src: Source, src_uuid: str, owner_uuid: str, owner: str, stamp: str) -> Dataset:
    root, ns = _root("source")
    info = _el(_el(root, ns, "sourceInformation"), ns, "dataSetInformation")
    _c(info, "UUID", src_uuid)
    _c(info, "shortName", src.title, **{XML_LANG: "en"})
    _c(
        _c(_el(info, ns, "classificationInformation"), "classification"),
        "class",
        "Publications and communications",
        level="0",
        classId="5",
    )
    _el(info, ns, "sourceCitation", src.citation())
    _el(info, ns, "publicationType", "Undefined")
    details = [f"Publisher: {src.publisher}"]
    details += [
        f"{label}: {value}"
        for label, value in (
            ("Document", src.document),
            ("Year", src.year),
            ("Table", src.table),
            ("Licence", src.licence),
        )
        if value
    ]
    _el(info, ns, "sourceDescriptionOrComment", "\n".join(details), **{XML_LANG: "en"})
    if src.url:
        _el(info, ns, "referenceToDigitalFile", uri=src.url)
    other = _c(info, "other")
    _el(other, TANJI, "source", json.dumps(source_to_json(src), ensure_ascii=False))
    _admin(root, ns, stamp, owner_uuid, owner)
    return Dataset("source", src_uuid, root)


def _unit_group(unit: str, ug_uuid: str, owner_uuid: str, owner: str, stamp: str) -> Dataset:
    root, ns = _root("unitgroup")
    information = _el(root, ns, "unitGroupInformation")
    info = _el(information, ns, "dataSetInformation")
    _c(info, "UUID", ug_uuid)
    _c(info, "name", f"Units of {unit}", **{XML_LANG: "en"})
    _el(_el(information, ns, "quantitativeReference"), ns, "referenceToReferenceUnit", "0")
    _admin(root, ns, stamp, owner_uuid, owner)
    units = _el(root, ns, "units")
    one = _el(units, ns, "unit", dataSetInternalID="0")
    _el(one, ns, "name", unit)
    _el(one, ns, "meanValue", "1.0")
    return Dataset("unitgroup", ug_uuid, root)


def _flow_property(
    unit: str, fp_uuid: str, ug_uuid: str, owner_uuid: str, owner: str, stamp: str
) -> Dataset:
    root, ns = _root("flowproperty")
    information = _el(root, ns, "flowPropertiesInformation")
    info = _el(information, ns, "dataSetInformation")
    _c(info, "UUID", fp_uuid)
    _c(info, "name", f"Quantity in {unit}", **{XML_LANG: "en"})
    reference = _el(information, ns, "quantitativeReference")
    _ref(reference, "referenceToReferenceUnitGroup", "unitgroup", ug_uuid, f"Units of {unit}", ns)
    _admin(root, ns, stamp, owner_uuid, owner)
    return Dataset("flowproperty", fp_uuid, root)


def _flow(
    flow_uuid: str,
    name: str,
    elementary: bool,
    fp_uuid: str,
    unit: str,
    owner_uuid: str,
    owner: str,
    stamp: str,
    cas: str | None = None,
    name_zh: str = "",
) -> Dataset:
    root, ns = _root("flow")
    information = _el(root, ns, "flowInformation")
    info = _el(information, ns, "dataSetInformation")
    _c(info, "UUID", flow_uuid)
    names = _el(info, ns, "name")
    _multilang(names, ns, "baseName", (("en", name), ("zh", name_zh)))
    classification = _el(info, ns, "classificationInformation")
    if elementary:
        categories = _c(classification, "elementaryFlowCategorization")
        _c(categories, "category", "Emissions", level="0")
        _c(categories, "category", "Emissions to air", level="1")
        _c(categories, "category", "Emissions to air, unspecified", level="2")
    else:
        _c(_c(classification, "classification"), "class", "Tanji factors", level="0")
    if cas:
        _el(info, ns, "CASNumber", cas)
    _el(_el(information, ns, "quantitativeReference"), ns, "referenceToReferenceFlowProperty", "0")
    method = _el(_el(root, ns, "modellingAndValidation"), ns, "LCIMethod")
    _el(method, ns, "typeOfDataSet", "Elementary flow" if elementary else "Product flow")
    _admin(root, ns, stamp, owner_uuid, owner)
    properties = _el(root, ns, "flowProperties")
    prop = _el(properties, ns, "flowProperty", dataSetInternalID="0")
    _ref(prop, "referenceToFlowPropertyDataSet", "flowproperty", fp_uuid, f"Quantity in {unit}", ns)
    _el(prop, ns, "meanValue", "1.0")
    return Dataset("flow", flow_uuid, root)


def _exchange(
    exchanges: Element, ns: str, internal_id: int, flow_uuid: str, name: str, amount: float
) -> None:
    exchange = _el(exchanges, ns, "exchange", dataSetInternalID=str(internal_id))
    _ref(exchange, "referenceToFlowDataSet", "flow", flow_uuid, name, ns)
    _el(exchange, ns, "exchangeDirection", "Output")
    _el(exchange, ns, "meanAmount", repr(float(amount)))
    _el(exchange, ns, "resultingAmount", repr(float(amount)))


def _process(
    factor: EmissionFactor,
    ref: str,
    product: str,
    emissions: list[tuple[str, str, float]],
    src_uuid: str,
    owner_uuid: str,
    owner: str,
    stamp: str,
) -> Dataset:
    root, ns = _root("process")
    information = _el(root, ns, "processInformation")
    info = _el(information, ns, "dataSetInformation")
    proc_uuid = _uid(ref)
    _c(info, "UUID", proc_uuid)
    names = _el(info, ns, "name")
    _multilang(names, ns, "baseName", (("en", factor.name_en), ("zh", factor.name_zh)))
    _c(
        _c(_el(info, ns, "classificationInformation"), "classification"),
        "class",
        factor.kind.value,
        level="0",
    )
    comment = [f"Source: {factor.source.citation()}", f"Tanji reference: {ref}"]
    if factor.illustrative:
        comment.append("ILLUSTRATIVE value — not a published factor.")
    if factor.notes:
        comment.append(factor.notes)
    _c(info, "generalComment", "\n".join(comment), **{XML_LANG: "en"})
    other = _c(info, "other")
    _el(other, TANJI, "reference", ref)
    _el(other, TANJI, "factor", json.dumps(factor_to_json(factor), ensure_ascii=False))
    reference = _el(information, ns, "quantitativeReference", type="Reference flow(s)")
    _el(reference, ns, "referenceToReferenceFlow", "0")
    if factor.source.year:
        _c(_el(information, ns, "time"), "referenceYear", str(factor.source.year))
    geography = _el(information, ns, "geography")
    _el(geography, ns, "locationOfOperationSupplyOrProduction", location=factor.geography)
    modelling = _el(root, ns, "modellingAndValidation")
    _el(_el(modelling, ns, "LCIMethodAndAllocation"), ns, "typeOfDataSet", "LCI result")
    representativeness = _el(modelling, ns, "dataSourcesTreatmentAndRepresentativeness")
    _ref(representativeness, "referenceToDataSource", "source", src_uuid, factor.source.title, ns)
    _admin(root, ns, stamp, owner_uuid, owner)
    exchanges = _el(root, ns, "exchanges")
    _exchange(exchanges, ns, 0, _uid(f"product:{ref}"), product, 1.0)
    for i, (flow_uuid, name, amount) in enumerate(emissions, start=1):
        _exchange(exchanges, ns, i, flow_uuid, name, amount)
    return Dataset("process", proc_uuid, root)


def datasets(version: ExchangeVersion) -> list[Dataset]:
    """Every dataset of the version: processes, flows, flow properties, unit groups,
    sources and the owner's contact."""
    stamp = version.timestamp.replace(microsecond=0).isoformat()
    owner_uuid = _uid(f"contact:{version.owner}")
    owner = version.owner
    out: dict[tuple[str, str], Dataset] = {}

    def add(dataset: Dataset) -> None:
        out.setdefault((dataset.kind, dataset.uuid), dataset)

    def unit_property(unit: str) -> str:
        ug_uuid, fp_uuid = _uid(f"unitgroup:{unit}"), _uid(f"flowproperty:{unit}")
        add(_unit_group(unit, ug_uuid, owner_uuid, owner, stamp))
        add(_flow_property(unit, fp_uuid, ug_uuid, owner_uuid, owner, stamp))
        return fp_uuid

    add(_contact(version, owner_uuid, stamp))
    kg = unit_property("kg")
    for factor in version.factors:
        ref = f"{version.database}:{factor.code}@{version.version}"
        src_uuid = _uid(f"source:{json.dumps(source_to_json(factor.source), sort_keys=True)}")
        add(_source(factor.source, src_uuid, owner_uuid, owner, stamp))
        product = factor.name_en or factor.name_zh
        add(
            _flow(
                _uid(f"product:{ref}"),
                product,
                False,
                unit_property(factor.unit),
                factor.unit,
                owner_uuid,
                owner,
                stamp,
                name_zh=factor.name_zh,
            )
        )
        emissions: list[tuple[str, str, float]] = []
        if factor.gases:
            for amount in factor.gases:
                gas = version.gases.get(amount.gas, GasInfo(amount.gas))
                flow_uuid = _uid(f"gas:{amount.gas}")
                add(_flow(flow_uuid, gas.name, True, kg, "kg", owner_uuid, owner, stamp, gas.cas))
                emissions.append((flow_uuid, gas.name, amount.kg))
        else:
            basis = factor.gwp_basis or "as published"
            name = f"Carbon dioxide equivalent ({basis})"
            flow_uuid = _uid(f"{_CO2E}:{basis}")
            add(_flow(flow_uuid, name, True, kg, "kg", owner_uuid, owner, stamp))
            emissions.append((flow_uuid, name, float(factor.co2e or 0.0)))
        add(_process(factor, ref, product, emissions, src_uuid, owner_uuid, owner, stamp))
    return list(out.values())


def write_ilcd(version: ExchangeVersion, path: Path) -> int:
    """Write the version as an ILCD zip (``ILCD/<folder>/<uuid>.xml``); returns the
    number of process datasets."""
    written = datasets(version)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for dataset in written:
            archive.writestr(
                f"ILCD/{NS[dataset.kind][2]}/{dataset.uuid}.xml",
                etree.tostring(
                    dataset.root, xml_declaration=True, encoding="UTF-8", pretty_print=True
                ),
            )
    return sum(1 for d in written if d.kind == "process")
