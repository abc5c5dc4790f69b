"""ecoSpold2 files, elements, values and uncertainty (conventions: the package docstring)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

# lxml ships no type information and lxml-stubs is not a project dependency: elements are
# Any at this boundary, and every value read from them is converted to str/float at once.
from lxml import etree  # type: ignore[import-untyped]

from tanji.domain.factors import Uncertainty
from tanji.domain.problems import Problem, problem_of
from tanji.io._xml import at_line, english_text, finite_number, parse_xml
from tanji.io.errors import DataFormatError

#: ``LciBundle.format`` of bundles read here.
FORMAT = "ecospold2"

Unlinked = Literal["error", "cut-off"]

_NS = "http://www.EcoInvent.org/EcoSpold02"
_NS1 = "http://www.EcoInvent.org/EcoSpold01"
_DATASETS = (f"{{{_NS}}}activityDataset", f"{{{_NS}}}childActivityDataset")
_SUFFIXES = (".spold", ".xml")
_INPUT_GROUPS = {"1", "2", "3", "5"}  # materials/fuels, electricity/heat, services, technosphere
_NO_UNCERTAINTY = Uncertainty()
_Element = Any  # an lxml element (untyped, see the import)


def _q(tag: str) -> str:
    return f"{{{_NS}}}{tag}"


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------


def _parse(path: Path) -> _Element:
    """The root element of an XML file; malformed XML is reported with its line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFormatError(str(path), Problem("lci-file-unreadable", detail=error)) from error
    return parse_xml(str(path), data)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)
        if not files:
            raise DataFormatError(str(path), "no .spold or .xml files in this directory")
        return files
    if path.is_file():
        return [path]
    raise DataFormatError(str(path), "no such file or directory")


def _datasets(path: Path) -> list[_Element]:
    root = _parse(path)
    if etree.QName(root).namespace == _NS1:
        raise DataFormatError(
            str(path),
            Problem("lci-ecospold1"),
        )
    datasets = [child for child in root if child.tag in _DATASETS]
    if root.tag != _q("ecoSpold") or not datasets:
        name = etree.QName(root)
        found = (
            "an ecoSpold element without one"
            if root.tag == _q("ecoSpold")
            else f"{name.localname} (namespace {name.namespace or 'none'})"
        )
        raise DataFormatError(str(path), Problem("lci-not-ecospold2", namespace=_NS, found=found))
    return datasets


# --------------------------------------------------------------------------------------
# Elements and values
# --------------------------------------------------------------------------------------


class _Context:
    """The file being read, for error messages that name file, line and entry."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)

    def fail(self, element: _Element, problem: str) -> DataFormatError:
        return DataFormatError(self.source, at_line(element.sourceline, problem))

    def number(self, element: _Element, attribute: str, what: str) -> float:
        raw = element.get(attribute)
        if raw is None:
            raise self.fail(element, f"{what}: no {attribute} attribute (a number is expected)")
        return self._float(element, raw, f"{what}: {attribute}")

    def optional_number(self, element: _Element, attribute: str, what: str) -> float | None:
        raw = element.get(attribute)
        return None if raw is None else self._float(element, raw, f"{what}: {attribute}")

    def _float(self, element: _Element, raw: str, what: str) -> float:
        try:
            return finite_number(raw, what)
        except ValueError as error:
            raise self.fail(element, problem_of(error)) from None


def _text(parent: _Element, tag: str) -> str:
    """The text of a child element, preferring English among language variants."""
    return english_text(parent.findall(_q(tag)))


def _comment(parent: _Element, tag: str) -> str | None:
    """A multi-paragraph ``<text index="n">`` comment, joined in index order."""
    holder = parent.find(_q(tag))
    if holder is None:
        return None
    texts = sorted(holder.findall(_q("text")), key=lambda t: int(t.get("index") or 0))
    joined = "\n".join((t.text or "").strip() for t in texts if (t.text or "").strip())
    return joined or None


# --------------------------------------------------------------------------------------
# Uncertainty
# --------------------------------------------------------------------------------------


def _uncertainty(exchange: _Element, amount: float) -> tuple[Uncertainty, str]:
    """The distribution of an exchange, and a note when one given could not be kept: an
    invalid record (a non-positive or infinite variance, bounds not holding the amount,
    a value that is no number) is dropped, never a reason to stop the import."""
    holder = exchange.find(_q("uncertainty"))
    if holder is None:
        return _NO_UNCERTAINTY, ""
    lognormal = holder.find(_q("lognormal"))
    if lognormal is not None:
        variance = _variance(lognormal)
        if isinstance(variance, str) or variance <= 0:
            return _NO_UNCERTAINTY, f"lognormal dropped: variance {variance} is not positive"
        return Uncertainty("lognormal", gsd=math.exp(math.sqrt(variance))), ""
    normal = holder.find(_q("normal"))
    if normal is not None:
        variance = _variance(normal)
        if isinstance(variance, str) or variance < 0:
            return _NO_UNCERTAINTY, f"normal dropped: variance {variance} is not ≥ 0"
        return Uncertainty("normal", sd=math.sqrt(variance)), ""
    for kind in ("triangular", "uniform"):
        element = holder.find(_q(kind))
        if element is not None:
            low, high = _finite(element, "minValue"), _finite(element, "maxValue")
            if isinstance(low, str) or isinstance(high, str):
                return _NO_UNCERTAINTY, f"{kind} dropped: bounds {low}, {high}"
            return _bounded(kind, low, high, amount)
    return _NO_UNCERTAINTY, ""


def _finite(element: _Element, attribute: str) -> float | str:
    """A finite number, or the text that is not one (quoted, for the note)."""
    raw = element.get(attribute)
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    return value if math.isfinite(value) else repr(raw)


def _variance(element: _Element) -> float | str:
    with_pedigree = element.get("varianceWithPedigreeUncertainty")
    name = "varianceWithPedigreeUncertainty" if with_pedigree is not None else "variance"
    return _finite(element, name)


def _bounded(kind: str, low: float, high: float, amount: float) -> tuple[Uncertainty, str]:
    if not low <= amount <= high or low >= high:
        return _NO_UNCERTAINTY, (
            f"{kind} dropped: the amount {amount:g} is not within [{low:g}, {high:g}]"
        )
    return Uncertainty(kind, minimum=low, maximum=high), ""


def _joined(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None
