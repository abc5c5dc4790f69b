"""ILCD processes, linking and reading (conventions: the package docstring)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tanji.domain.factors import DomainError, Source, Uncertainty
from tanji.domain.lci import (
    CUT_OFF_NOTE,
    Activity,
    Exchange,
    ExchangeKind,
    LciBundle,
)
from tanji.domain.problems import Problem
from tanji.io import policy as pol
from tanji.io.errors import DataFormatError
from tanji.io.ilcd._data import (
    _NO_UNCERTAINTY,
    _NS,
    _UUID,
    FORMAT,
    Unlinked,
    _Doc,
    _Element,
    _elementary_flow,
    _Flow,
    _Flows,
    _number,
    _Store,
    _text,
)
from tanji.io.policy import ImportLog, ImportPolicy

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
                    Problem("ilcd-no-reference", line=root.sourceline, count=len(functions)),
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
                    Problem("ilcd-references", line=root.sourceline, count=len(references)),
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
                        Problem("ilcd-second-function"),
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
                key = self.log.provider_chosen(
                    _label(process),
                    where,
                    process.location,
                    [(c.key, c.name, c.location) for c in candidates],
                )
                return self.by_key[key]
            self.log.error(
                _label(process),
                where,
                Problem("ilcd-providers-several", count=len(candidates), listed=listed),
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
            Problem("ilcd-no-provider"),
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
