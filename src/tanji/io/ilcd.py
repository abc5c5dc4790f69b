"""ILCD (format 1.1) XML in, parsed with lxml: an ILCD zip or a directory of datasets.

:func:`read_ilcd` reads every ``.xml`` file of a zip or a directory tree and sorts the
datasets by their root element (``processDataSet``, ``flowDataSet``,
``flowPropertyDataSet``, ``unitGroupDataSet``; sources, contacts and other files are not
needed and are passed over), so both the ILCD archive layout (``ILCD/processes/``,
``flows/``, ``flowproperties/``, ``unitgroups/`` …) and a flat folder of files side by side
are read. References are resolved by UUID: ``refObjectId`` against each dataset's own
``common:UUID``. Conventions:

* **Activities**: one per process dataset, keyed by its UUID; name = ``baseName``
  (English where several languages are given), location =
  ``locationOfOperationSupplyOrProduction/@location``, category = the classification path.
* **Reference flow**: the exchange named by ``quantitativeReference/
  referenceToReferenceFlow`` (its ``dataSetInternalID``) becomes the PRODUCTION exchange,
  whatever its direction: a waste-treatment process's reference is its waste *input*, the
  service "treat 1 kg". Processes with several reference flows are refused; a process
  without one but with exactly one product output takes that output (reported).
* **Amounts**: ``resultingAmount`` (``meanAmount`` when absent: the two are equal unless a
  variable scales the mean) times the ``meanValue`` of the flow's reference flow property,
  in the reference unit of that property's unit group. ILCD exchanges carry no unit of
  their own: they are expressed in the flow's reference flow property, and "the amount of
  the reference product has to be calculated by multiplying the amount from the exchange
  in the Process dataset with the amount specified for the reference flow property in the
  Flow dataset" (*ILCD Data Format in a nutshell*, brightway2-io ``doc/``, written with
  the ILCD/soda4LCA maintainers; the ILCD SDK's ``ILCD_FlowDataSet.xsd`` describes
  ``referenceToReferenceFlowProperty`` the same way). That factor is almost always 1.
* **Elementary flows** (flow ``typeOfDataSet`` "Elementary flow") become BIOSPHERE
  exchanges with the amount as given: emissions (Output) and resources (Input from nature)
  are both positive, as in ILCD itself; a method's factor for a resource applies to the
  amount taken. Gas ids come from :func:`tanji.domain.gases.gas_for` on the flow's name,
  CAS number and category path; a resource is never an emission (only the uptake of CO2
  maps, to ``CO2-biogenic-uptake``).
* **Product and waste flows**: a product input or a waste output is a TECHNOSPHERE demand
  on the one process in the set whose reference flow is that flow (several: under the
  import policy ``providers="default-provider"`` one is chosen by
  :data:`~tanji.io.policy.PROVIDER_RULE` and reported, otherwise an error listing them).
  A product output or waste input other than the reference is a second function:
  dropped when its amount is 0 or under ``multi_output="reference-only"`` (reported),
  otherwise refused (``own`` does not apply: ILCD allocation factors are not read).
  ``unlinked="error"`` (default) stops at a demand without provider;
  ``unlinked="cut-off"`` drops it and records it in the activity's ``comment`` and the
  import's notes.
* **Uncertainty** (``uncertaintyDistributionType``): for "log-normal",
  ``relativeStandardDeviation95In`` is "the square of the geometric standard deviation
  (SDg^2)": gsd = √value; for "normal" it is "the doubled standard deviation value
  (2*SD)": sd = value / 2 (both quoted from the field's definition in the ILCD SDK's
  ``ILCD_ProcessDataSet.xsd``). "triangular" and "uniform" take ``minimumAmount`` and
  ``maximumAmount``, with the amount as the mode (Tanji's convention; ILCD calls its
  amount a mean). Design note: openLCA's ILCD import reads the field as the gsd itself,
  not its square; Tanji follows the format's definition, so a file written by openLCA
  reads with a narrower spread than openLCA shows. A distribution that cannot hold its
  amount is dropped, the amount kept, and the reason appended to the exchange's comment.
* **EPDs** (``typeOfDataSet`` "EPD", the ILCD+EPD extension) are refused: their amounts
  are per life-cycle module (``epd:amount``) and their results are LCIA indicators, not
  the unit-process inventory a bundle holds.
* **Skipped on purpose**: LCIA results, parameters and their formulas (``resultingAmount``
  holds the evaluated value), allocation factors, LCIA method and life-cycle-model
  datasets.

Problems the import policies (:mod:`tanji.io.policy`) do not allow are collected over the
whole set and raised together as :class:`~tanji.io.errors.ImportProblemsError`; a file
that cannot be read raises :class:`~tanji.io.errors.DataFormatError` naming the file (and
the entry of a zip), the line and the dataset or exchange, and saying what was expected.
"""

from __future__ import annotations

import math
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

# lxml ships no type information and lxml-stubs is not a project dependency: elements are
# Any at this boundary, and every value read from them is converted to str/float at once.
from tanji.domain.factors import DomainError, Source, Uncertainty
from tanji.domain.gases import gas_for
from tanji.domain.lci import (
    CUT_OFF_NOTE,
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciBundle,
)
from tanji.io import policy as pol
from tanji.io._xml import english_text, parse_xml
from tanji.io.errors import DataFormatError
from tanji.io.policy import ImportLog, ImportPolicy, choose_provider

__all__ = ["FORMAT", "Unlinked", "read_ilcd"]

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
        return DataFormatError(self.source, f"line {element.sourceline}: {problem}")


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
            "expected an ILCD zip or a directory holding the process data sets with their "
            "flows, flow properties and unit groups",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.lower().endswith(".xml") and not name.endswith("/"):
                    yield f"{path}: {name}", archive.read(name)
    except (zipfile.BadZipFile, OSError) as error:
        raise DataFormatError(str(path), f"cannot read the zip: {error}") from error


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
        value = float(raw)
    except ValueError:
        raise doc.fail(element, f"{what}: expected a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise doc.fail(element, f"{what}: expected a finite number, got {raw!r}")
    return value


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


# --------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One exchange of a process, in the flow's reference unit."""

    line: int
    internal_id: str
    flow: _Flow
    is_input: bool
    amount: float
    uncertainty: Uncertainty
    comment: str | None

    @property
    def label(self) -> str:
        return f"exchange {self.internal_id} ({self.flow.name!r}, flow {self.flow.key})"

    @property
    def is_demand(self) -> bool:
        """A product taken in or a waste given off: a service asked of another process."""
        return self.is_input != (self.flow.kind == "Waste flow")


@dataclass(frozen=True)
class _Process:
    doc: _Doc
    key: str
    name: str
    location: str
    category: str
    comment: str | None
    reference: _Line
    lines: tuple[_Line, ...]


class _ProcessReader:
    def __init__(self, flows: _Flows, log: ImportLog) -> None:
        self.flows = flows
        self.log = log

    def read(self, doc: _Doc) -> _Process | None:
        root = doc.root
        info = "p:processInformation/p:dataSetInformation"
        key = _text(root, _UUID["process"])
        kind = _text(root, "p:modellingAndValidation/p:LCIMethodAndAllocation/p:typeOfDataSet")
        if kind == "EPD" or root.find(".//{http://www.iai.kit.edu/EPD/2013}amount") is not None:
            raise doc.fail(
                root,
                f"process {key} is an EPD (ILCD+EPD): its amounts are given per life-cycle "
                "module (epd:amount) and its results are LCIA indicators, not a unit-process "
                "inventory; Tanji does not import EPDs as LCI data",
            )
        references = root.findall(
            "p:processInformation/p:quantitativeReference/p:referenceToReferenceFlow", _NS
        )
        lines = [self._line(doc, key, e) for e in root.findall("p:exchanges/p:exchange", _NS)]
        label = f"{_text(root, f'{info}/p:name/p:baseName')} ({doc.source}, process {key})"
        if not references:
            functions = [x for x in lines if not x.flow.elementary and not x.is_demand]
            if len(functions) != 1:
                self.log.error(
                    label,
                    "",
                    f"line {root.sourceline}: no referenceToReferenceFlow in its "
                    f"quantitativeReference, and {len(functions)} product outputs or waste "
                    "inputs to take one from",
                )
                return None
            chosen = functions
            self.log.note(
                label,
                functions[0].label,
                pol.IMPLICIT_REFERENCE,
                "no referenceToReferenceFlow; the one product output is taken as the reference",
            )
        else:
            if len(references) != 1:
                self.log.error(
                    label,
                    "",
                    f"line {root.sourceline}: expected one referenceToReferenceFlow in its "
                    f"quantitativeReference, found {len(references)}",
                )
                return None
            reference_id = " ".join((references[0].text or "").split())
            chosen = [line for line in lines if line.internal_id == reference_id]
            if not chosen:
                raise doc.fail(
                    references[0],
                    f"process {key}: its reference flow {reference_id!r} is not the "
                    "dataSetInternalID of any exchange",
                )
        location = root.find(
            "p:processInformation/p:geography/p:locationOfOperationSupplyOrProduction", _NS
        )
        classes = root.findall(f"{info}/p:classificationInformation/c:classification/c:class", _NS)
        return _Process(
            doc=doc,
            key=key,
            name=_text(root, f"{info}/p:name/p:baseName"),
            location=(location.get("location") or "") if location is not None else "",
            category="/".join(" ".join((c.text or "").split()) for c in classes),
            comment=_text(root, f"{info}/c:generalComment") or None,
            reference=chosen[0],
            lines=tuple(line for line in lines if line is not chosen[0]),
        )

    def _line(self, doc: _Doc, process: str, exchange: _Element) -> _Line:
        internal_id = (exchange.get("dataSetInternalID") or "").strip()
        where = f"process {process}, exchange {internal_id}"
        reference = exchange.find("p:referenceToFlowDataSet", _NS)
        if reference is None or not reference.get("refObjectId"):
            raise doc.fail(exchange, f"{where}: no referenceToFlowDataSet with a refObjectId")
        flow = self.flows.get(reference.get("refObjectId"), doc, reference)
        direction = _text(exchange, "p:exchangeDirection")
        if direction not in ("Input", "Output"):
            raise doc.fail(
                exchange, f"{where}: exchangeDirection must be Input or Output, got {direction!r}"
            )
        raw = _text(exchange, "p:resultingAmount") or _text(exchange, "p:meanAmount")
        if not raw:
            raise doc.fail(exchange, f"{where}: no resultingAmount or meanAmount")
        amount = _number(doc, exchange, raw, f"{where}: amount")
        uncertainty, note = self._uncertainty(doc, exchange, amount, where)
        if note:
            self.log.note(
                f"{doc.source}, process {process}",
                f"line {exchange.sourceline}: exchange {internal_id}",
                pol.UNCERTAINTY_DROPPED,
                note.removeprefix("Import note: ") + "; amount kept",
            )
        comment = "\n".join(p for p in (_text(exchange, "p:generalComment"), note) if p)
        return _Line(
            line=int(exchange.sourceline or 0),
            internal_id=internal_id,
            flow=flow,
            is_input=direction == "Input",
            amount=amount * flow.factor,
            uncertainty=uncertainty.scaled(flow.factor),
            comment=comment or None,
        )

    def _uncertainty(
        self, doc: _Doc, exchange: _Element, amount: float, where: str
    ) -> tuple[Uncertainty, str]:
        kind = _text(exchange, "p:uncertaintyDistributionType")
        if kind in ("log-normal", "normal"):
            raw = _text(exchange, "p:relativeStandardDeviation95In")
            if not raw:
                return (
                    _NO_UNCERTAINTY,
                    f"Import note: {kind} without relativeStandardDeviation95In dropped",
                )
            value = _number(doc, exchange, raw, f"{where}: relativeStandardDeviation95In")
            if kind == "normal":
                return Uncertainty("normal", sd=abs(value) / 2), ""
            if value <= 1:
                return _NO_UNCERTAINTY, (
                    f"Import note: log-normal dropped: SDg² {value:g} must be greater than 1"
                )
            return Uncertainty("lognormal", gsd=math.sqrt(value)), ""
        if kind in ("triangular", "uniform"):
            low_raw = _text(exchange, "p:minimumAmount")
            high_raw = _text(exchange, "p:maximumAmount")
            if not (low_raw and high_raw):
                return _NO_UNCERTAINTY, f"Import note: {kind} without minimum and maximum dropped"
            low = _number(doc, exchange, low_raw, f"{where}: minimumAmount")
            high = _number(doc, exchange, high_raw, f"{where}: maximumAmount")
            if not low <= amount <= high or low >= high:
                return _NO_UNCERTAINTY, (
                    f"Import note: {kind} dropped: the amount {amount:g} is not within "
                    f"[{low:g}, {high:g}]"
                )
            return Uncertainty(kind, minimum=low, maximum=high), ""
        return _NO_UNCERTAINTY, ""


# --------------------------------------------------------------------------------------
# Linking and reading
# --------------------------------------------------------------------------------------


class _Linker:
    """Turns processes into activities, linking each demand to its provider."""

    def __init__(self, processes: Sequence[_Process], policy: ImportPolicy, log: ImportLog) -> None:
        self.providers: dict[str, list[_Process]] = defaultdict(list)
        for p in processes:
            self.providers[p.reference.flow.key].append(p)
        self.by_key = {p.key: p for p in processes}
        self.policy = policy
        self.log = log

    def activity(self, process: _Process) -> Activity | None:
        reference = process.reference
        exchanges = [
            Exchange(
                ExchangeKind.PRODUCTION,
                process.key,
                reference.amount,
                reference.flow.unit,
                reference.uncertainty,
                reference.comment,
            )
        ]
        cut: list[str] = []
        for line in process.lines:
            if line.flow.elementary:
                exchanges.append(_exchange(ExchangeKind.BIOSPHERE, line.flow.key, line))
                continue
            if line.amount == 0:
                continue
            if not line.is_demand:
                where = f"line {line.line}: {line.label}"
                if self.policy.multi_output == "reference-only":
                    self.log.note(
                        _label(process),
                        where,
                        pol.CO_PRODUCT_DROPPED,
                        f"{line.amount:g} {line.flow.unit} dropped: the reference flow "
                        "carries every input and emission",
                    )
                else:
                    self.log.error(
                        _label(process),
                        where,
                        "a second function (a product output or waste input besides the "
                        "reference flow): allocate it first, or import with --multi-output "
                        "reference-only",
                    )
                continue
            provider = self._provider(process, line)
            if provider is None:
                cut.append(
                    f"{line.flow.name} (flow {line.flow.key}): {line.amount:g} {line.flow.unit}"
                )
                continue
            exchanges.append(_exchange(ExchangeKind.TECHNOSPHERE, provider.key, line))
        comment = process.comment
        if cut:
            note = CUT_OFF_NOTE + "; ".join(cut)
            comment = "\n".join(p for p in (comment, note) if p)
        try:
            return Activity(
                key=process.key,
                name=process.name,
                unit=reference.flow.unit,
                exchanges=tuple(exchanges),
                location=process.location,
                reference_product=reference.flow.name,
                category=process.category,
                comment=comment,
            )
        except DomainError as error:
            raise process.doc.fail(process.doc.root, str(error)) from error

    def _provider(self, process: _Process, line: _Line) -> _Process | None:
        candidates = self.providers.get(line.flow.key, [])
        where = f"line {line.line}: {line.label}"
        if len(candidates) > 1:
            listed = "; ".join(
                f"{c.name} [{c.location}] ({c.key}, {c.doc.source})" for c in candidates
            )
            if self.policy.providers == "default-provider":
                key, name, location = choose_provider(
                    process.location, [(c.key, c.name, c.location) for c in candidates]
                )
                self.log.note(
                    _label(process),
                    where,
                    pol.PROVIDER_CHOSEN,
                    f"{name} [{location}] ({key}) of {len(candidates)}: {listed}. "
                    f"Rule: {pol.PROVIDER_RULE}",
                )
                return self.by_key[key]
            self.log.error(
                _label(process),
                where,
                f"{len(candidates)} processes have this flow as reference: {listed}; import "
                "with --providers default-provider",
            )
            return None
        if candidates:
            return candidates[0]
        if self.policy.unlinked == "cut-off":
            self.log.note(
                _label(process),
                where,
                pol.CUT_OFF,
                f"{line.amount:g} {line.flow.unit}: no provider",
            )
            return None
        self.log.error(
            _label(process),
            where,
            "expected a process with this flow as its reference flow among the data sets "
            "read, found none; read the providers too, or drop unlinked inputs with "
            "--unlinked cut-off (unlinked='cut-off' from Python)",
        )
        return None


def _label(process: _Process) -> str:
    return f"{process.name} ({process.doc.source}, process {process.key})"


def _exchange(kind: ExchangeKind, target: str, line: _Line) -> Exchange:
    return Exchange(kind, target, line.amount, line.flow.unit, line.uncertainty, line.comment)


def read_ilcd(
    path: Path, *, policy: ImportPolicy | None = None, unlinked: Unlinked | None = None
) -> LciBundle:
    """Read an ILCD zip or directory into a bundle (conventions: the module docstring).

    ``policy`` (:mod:`tanji.io.policy`) decides unlinked inputs, second functions and
    several providers; ``unlinked`` overrides its ``unlinked`` choice. The bundle's
    ``notes`` report what was done. Raises :class:`ImportProblemsError` listing every
    problem of the set, and :class:`DataFormatError` naming the file, line and entry for
    anything it cannot read at all.
    """
    policy = policy or ImportPolicy()
    if unlinked is not None:
        policy = replace(policy, unlinked=unlinked)
    path = Path(path)
    log = ImportLog(str(path))
    store = _Store(path)
    if not store.docs["process"]:
        raise DataFormatError(str(path), "no ILCD process data set (processDataSet) found")
    flows = _Flows(store)
    reader = _ProcessReader(flows, log)
    processes = [p for p in (reader.read(d) for d in store.docs["process"].values()) if p]
    linker = _Linker(processes, policy, log)
    activities = [a for a in (linker.activity(p) for p in processes) if a]
    notes = log.finish()
    used = {e.target for a in activities for e in a.exchanges if e.kind is ExchangeKind.BIOSPHERE}
    return LciBundle(
        format=FORMAT,
        activities=tuple(activities),
        flows=tuple(_elementary_flow(flows.cache[key]) for key in sorted(used)),
        source=Source(publisher="ILCD import", title=path.name),
        notes=notes,
    )
