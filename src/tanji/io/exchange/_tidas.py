"""TIDAS (TianGong ILCD-as-JSON): the ILCD datasets of an export, mapped to JSON.

The mapping is TIDAS's: an element is a key (``common:`` kept for the ILCD common
namespace, no prefix for the dataset's own), attributes are ``@name`` (``@xml:lang``),
text is ``#text``; an element with neither attributes nor children is its text; repeated
elements become a list; the root keeps its namespace declarations and ``@version``. A zip
holds one JSON file per dataset (``<folder>/<uuid>.json``, folders as in ILCD).
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from tanji.domain.factors import EmissionFactor
from tanji.domain.lci import LciBundle
from tanji.io._xml import XML_LANG, Element
from tanji.io.errors import DataFormatError
from tanji.io.exchange._ilcd import (
    COMMON,
    NS,
    TANJI,
    XSI,
    ExchangeVersion,
    datasets,
)
from tanji.io.exchange._ilcd_read import factors_from_datasets
from tanji.io.limits import open_zip
from tanji.io.policy import ImportPolicy

__all__ = [
    "TIDAS_FORMAT",
    "TIDAS_LCI_FORMAT",
    "read_tidas_bundle",
    "read_tidas_factors",
    "tidas_documents",
    "to_json",
    "to_xml",
    "write_tidas",
]

TIDAS_FORMAT = "tidas"
TIDAS_LCI_FORMAT = "tidas-lci"
_PREFIXES = {COMMON: "common", TANJI: "tanji", XSI: "xsi"}


def _key(tag: str) -> str:
    qname = etree.QName(tag)
    prefix = _PREFIXES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _value(element: Element, class_list: bool = False) -> Any:
    if element.tag == f"{{{COMMON}}}other":
        # TIDAS types common:other as a string: the extension's elements go in as JSON.
        return json.dumps(_plain(element, class_list), ensure_ascii=False)
    return _plain(element, class_list)


def _plain(element: Element, class_list: bool) -> Any:
    attrs = {
        ("@xml:lang" if k == XML_LANG else f"@{_key(k)}"): v for k, v in element.attrib.items()
    }
    children: dict[str, Any] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions have no JSON form
        key = _key(child.tag)
        value = _value(child, class_list)
        if key == "common:class" and class_list:
            children.setdefault(key, []).append(value)
        elif key in children:
            if not isinstance(children[key], list):
                children[key] = [children[key]]
            children[key].append(value)
        else:
            children[key] = value
    text = (element.text or "").strip()
    if not attrs and not children:
        return text
    out: dict[str, Any] = {**attrs, **children}
    if text:
        out["#text"] = text
    return out


def to_json(root: Element) -> dict[str, Any]:
    """One ILCD dataset as a TIDAS JSON document (classes of processes and flows as
    lists, ``common:other`` as a JSON string, as the TIDAS schemas type them)."""
    local = etree.QName(root.tag).localname
    body = _value(root, class_list=local in ("processDataSet", "flowDataSet"))
    head = {
        "@xmlns": etree.QName(root.tag).namespace,
        "@xmlns:common": COMMON,
        "@xmlns:xsi": XSI,
        "@xmlns:tanji": TANJI,
    }
    return {etree.QName(root.tag).localname: {**head, **body}}


def _qname(key: str, ns: str, prefixes: dict[str, str]) -> str:
    if ":" in key:
        prefix, local = key.split(":", 1)
        uri = prefixes.get(prefix)
        if uri is None:
            raise ValueError(f"{key}: the prefix {prefix!r} is not declared (@xmlns:{prefix})")
        return f"{{{uri}}}{local}"
    return f"{{{ns}}}{key}"


def _fill(element: Element, value: Any, ns: str, prefixes: dict[str, str]) -> None:
    if not isinstance(value, dict):
        element.text = str(value)
        return
    for key, item in value.items():
        if key.startswith("@xmlns"):
            continue
        if key == "common:other" and isinstance(item, str):
            other = etree.SubElement(element, f"{{{COMMON}}}other")
            try:
                inner = json.loads(item)
            except json.JSONDecodeError:
                inner = None
            if isinstance(inner, dict):  # a Tanji extension, written as the JSON of its elements
                _fill(other, inner, ns, prefixes)
            else:  # a peer's free text
                other.text = item
        elif key == "#text":
            element.text = str(item)
        elif key == "@xml:lang":
            element.set(XML_LANG, str(item))
        elif key.startswith("@"):
            name = key[1:]
            element.set(_qname(name, "", prefixes) if ":" in name else name, str(item))
        else:
            for one in item if isinstance(item, list) else [item]:
                _fill(etree.SubElement(element, _qname(key, ns, prefixes)), one, ns, prefixes)


def to_xml(where: str, document: Any) -> Element:
    """A TIDAS JSON document as the ILCD element tree it maps."""
    if not isinstance(document, dict) or len(document) != 1:
        raise DataFormatError(where, 'expected one dataset object such as {"processDataSet": …}')
    ((tag, body),) = document.items()
    known = {t: ns for t, ns, _folder, _xsd in NS.values()}
    if tag not in known or not isinstance(body, dict):
        raise DataFormatError(
            where, f"{tag}: not an ILCD dataset kind (expected one of {', '.join(sorted(known))})"
        )
    ns = known[tag]
    root = etree.Element(
        f"{{{ns}}}{tag}", nsmap={None: ns, "common": COMMON, "xsi": XSI, "tanji": TANJI}
    )
    prefixes = {v: k for k, v in _PREFIXES.items()}
    prefixes.update(
        {k[len("@xmlns:") :]: str(v) for k, v in body.items() if k.startswith("@xmlns:")}
    )
    try:
        _fill(root, body, ns, prefixes)
    except ValueError as error:
        raise DataFormatError(where, str(error)) from error
    return root


def tidas_documents(version: ExchangeVersion) -> list[tuple[str, dict[str, Any]]]:
    """``(path in the zip, JSON document)`` for every dataset of the version."""
    return [(f"{NS[d.kind][2]}/{d.uuid}.json", to_json(d.root)) for d in datasets(version)]


def write_tidas(version: ExchangeVersion, path: Path) -> int:
    """Write the version as a zip of TIDAS JSON documents; returns the process count."""
    documents = tidas_documents(version)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in documents:
            archive.writestr(name, json.dumps(document, ensure_ascii=False, indent=1))
    return sum(1 for name, _ in documents if name.startswith("processes/"))


#: TIDAS dataset kinds an LCI import passes over, as the ILCD import does.
_PASSED_OVER = ("lifeCycleModelDataSet", "LCIAMethodDataSet", "lciaMethodDataSet")


def _documents(path: Path) -> list[tuple[str, Any]]:
    """``(entry name, parsed JSON)`` of every ``.json`` file of a zip or a folder."""
    found: list[tuple[str, bytes]] = []
    if path.is_dir():
        found = [(str(p.relative_to(path)), p.read_bytes()) for p in sorted(path.rglob("*.json"))]
    else:
        try:
            archive = open_zip(path, path.name)
        except zipfile.BadZipFile as error:
            raise DataFormatError(path.name, "not a zip archive (expected a TIDAS zip)") from error
        with archive:
            found = [
                (n, archive.read(n)) for n in archive.namelist() if n.lower().endswith(".json")
            ]
    documents = []
    for name, data in found:
        where = f"{path.name}:{name}"
        try:
            documents.append((name, json.loads(data)))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise DataFormatError(where, f"not JSON: {error}") from error
    return documents


def read_tidas_bundle(path: Path, *, policy: ImportPolicy | None = None) -> LciBundle:
    """TIDAS LCI data (a zip or a folder of dataset JSON files, e.g. from TianGong) read as
    the ILCD it maps: each document becomes its ILCD XML, and the ILCD import reads the set
    (its conventions and policies, :mod:`tanji.io.ilcd`). Life-cycle models and LCIA
    methods are passed over."""
    from tanji.io.ilcd import read_ilcd

    with tempfile.TemporaryDirectory() as folder:
        for i, (name, document) in enumerate(_documents(path)):
            if isinstance(document, dict) and set(document) & set(_PASSED_OVER):
                continue
            root = to_xml(f"{path.name}:{name}", document)
            target = (
                Path(folder) / f"{Path(name).with_suffix('').as_posix().replace('/', '_')}-{i}.xml"
            )
            target.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        bundle = read_ilcd(Path(folder), policy=policy)
    return replace(bundle, format=TIDAS_LCI_FORMAT)


def read_tidas_factors(path: Path) -> list[EmissionFactor]:
    """The factors of a TIDAS zip written by :func:`write_tidas`."""
    return factors_from_datasets(
        (f"{path.name}:{name}", to_xml(f"{path.name}:{name}", document))
        for name, document in _documents(path)
    )
