"""ecoSpold2 (ecoinvent 3) XML in, parsed with lxml.

:func:`read_ecospold2` turns one ``.spold``/``.xml`` file, or a directory of them (the
``datasets/`` folder of an ecoinvent-style export), into an
:class:`~tanji.domain.lci.LciBundle`. Conventions:

* **Keys.** An activity is keyed ``"<activity id>_<reference product id>"``
  (``activity/@id`` and the reference product's ``intermediateExchangeId``): ecoinvent's
  activity–product pairs. An elementary flow is keyed by its ``elementaryExchangeId``.
* **Reference product**: the intermediate exchange with ``outputGroup`` 0 and a non-zero
  amount. Other outputs (by-products, ``outputGroup`` 2; material for treatment, 3; stock
  additions, 5) with amount 0 are dropped: allocated datasets (ecoinvent's cut-off, APOS,
  consequential releases) carry them so. A non-zero one makes the dataset multi-output:
  under the import policy ``multi_output="reference-only"`` it is dropped and reported
  (the reference product carries every input and emission); otherwise the import stops
  (ecoSpold2 keeps no allocation factors, so ``own`` cannot apply).
* **Treatment activities keep their published sign** (the ecoinvent and Brightway
  convention): a waste treatment's reference amount is negative (−1 kg of waste treated)
  and its consumers' waste is a negative input (−0.2 kg), both stored as given. In the
  matrix the treatment's column has −1 on its diagonal and the consumer's column +0.2 in
  that row, so the treatment runs at +0.2 for the consumer, exactly as Brightway computes
  it (the same numbers as an ecoinvent import through bw2io).
* **Technosphere inputs** (``inputGroup`` 1, 2, 3 or 5) are linked to their provider: with
  an ``activityLinkId``, the activity ``"<activityLinkId>_<intermediateExchangeId>"``;
  without one, the only activity of the read set producing that ``intermediateExchangeId``
  (two or more: ``providers="default-provider"`` chooses by
  :data:`~tanji.io.policy.PROVIDER_RULE` and reports it, otherwise an error listing them).
  An input whose ``unitName`` differs from the provider's reference unit is converted with
  pint when both have the same dimension (the factor is reported), otherwise refused.
* **Unlinked inputs.** A dataset read on its own names providers that are not in the
  file. ``unlinked="error"`` (the default) stops and names them; ``unlinked="cut-off"``
  drops them and records each dropped input (name, id, amount, unit) in the consuming
  activity's ``comment`` and the import's notes, so the cut-off stays visible.
* **Elementary exchanges** become BIOSPHERE exchanges with amounts as given: emissions
  (``outputGroup`` 4) and resources taken from nature (``inputGroup`` 4) are both positive,
  as ecoinvent and Brightway store them; a method's factor for a resource applies to the
  amount taken. The flow's compartment is ``"compartment/subcompartment"``; its gas id
  comes from :func:`tanji.domain.gases.gas_for`, and a resource is never an emission
  (only the uptake of CO2 maps, to ``CO2-biogenic-uptake``).
* **Uncertainty** (of the exchange amount, in its unit):

  - ``lognormal``: ``mu`` is the mean and ``variance`` the variance σ² of ln(x), the
    underlying normal distribution (ecoinvent data quality guideline v3, Weidema et al.
    2013, section 10; the sample's ``mu`` 3.5 ≈ ln 33 of its amount 33 shows the log
    scale). ``varianceWithPedigreeUncertainty`` adds the pedigree variances, so
    gsd = exp(√varianceWithPedigreeUncertainty), as Brightway's ecoSpold2 extractor takes
    σ = √varianceWithPedigreeUncertainty (bw2io ``extractors/ecospold2.py``).
  - ``normal``: sd = √varianceWithPedigreeUncertainty (the variance in the amount's unit).
  - ``triangular`` (mode = the amount) and ``uniform``: ``minValue``, ``maxValue``.
  - ``undefined``, ``beta``, ``gamma``, ``binomial``: no distribution.

  A distribution that cannot hold its amount (a triangular whose amount lies outside
  ``[minValue, maxValue]``, a non-positive variance) is dropped, the amount kept, and the
  reason appended to the exchange's comment — as bw2io's ``abort_exchange`` does; the
  engine's sampler would otherwise refuse the whole system. The ``pedigreeMatrix`` scores
  are already inside ``varianceWithPedigreeUncertainty`` and are not kept separately
  (:class:`~tanji.domain.lci.Exchange` has no pedigree field).
* **Skipped on purpose**: parameters, mathematical relations and properties (the amounts
  are stored evaluated), transfer coefficients, production volumes.
* **ecoSpold1** files (namespace ``EcoSpold01``) are refused with a message saying so.

The import policies (:mod:`tanji.io.policy`) decide unlinked inputs, multi-output datasets
and several providers; every problem they do not allow is collected over all files and
raised together as :class:`~tanji.io.errors.ImportProblemsError`. A file that cannot be
read at all raises :class:`~tanji.io.errors.DataFormatError` naming the file, the line and
the dataset or exchange id, and saying what was expected.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

# lxml ships no type information and lxml-stubs is not a project dependency: elements are
# Any at this boundary, and every value read from them is converted to str/float at once.
from lxml import etree  # type: ignore[import-untyped]

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
from tanji.domain.units import UnitError, convert
from tanji.io import policy as pol
from tanji.io._xml import english_text, parse_xml
from tanji.io.errors import DataFormatError
from tanji.io.policy import ImportLog, ImportPolicy, choose_provider

__all__ = ["FORMAT", "Unlinked", "read_ecospold2"]

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
        raise DataFormatError(str(path), f"cannot read the file: {error}") from error
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
            "this is an ecoSpold1 file (namespace EcoSpold01); ecoSpold1 is not supported: "
            "convert it to ecoSpold2 first (e.g. export it from openLCA or the ecoEditor)",
        )
    datasets = [child for child in root if child.tag in _DATASETS]
    if root.tag != _q("ecoSpold") or not datasets:
        name = etree.QName(root)
        found = (
            "an ecoSpold element without one"
            if root.tag == _q("ecoSpold")
            else f"{name.localname} (namespace {name.namespace or 'none'})"
        )
        raise DataFormatError(
            str(path), f"expected an ecoSpold2 activityDataset (namespace {_NS}), found {found}"
        )
    return datasets


# --------------------------------------------------------------------------------------
# Elements and values
# --------------------------------------------------------------------------------------


class _Context:
    """The file being read, for error messages that name file, line and entry."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)

    def fail(self, element: _Element, problem: str) -> DataFormatError:
        return DataFormatError(self.source, f"line {element.sourceline}: {problem}")

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
            value = float(raw)
        except ValueError:
            raise self.fail(element, f"{what}: expected a number, got {raw!r}") from None
        if not math.isfinite(value):
            raise self.fail(element, f"{what}: expected a finite number, got {raw!r}")
        return value


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


# --------------------------------------------------------------------------------------
# One dataset
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Input:
    """A technosphere input, waiting for its provider."""

    line: int
    exchange_id: str
    product: str  # intermediateExchangeId
    link: str | None  # activityLinkId
    name: str
    unit: str
    amount: float
    uncertainty: Uncertainty
    comment: str | None


@dataclass(frozen=True)
class _Dataset:
    source: str
    key: str
    product: str
    unit: str
    activity: Activity  # with production and biosphere exchanges, inputs not yet linked
    inputs: tuple[_Input, ...]
    flows: tuple[ElementaryFlow, ...]


class _DatasetReader:
    """Reads one activityDataset into a :class:`_Dataset`."""

    def __init__(self, path: Path, dataset: _Element, policy: ImportPolicy, log: ImportLog) -> None:
        self.ctx = _Context(path)
        self.policy = policy
        self.log = log
        self.dataset = dataset
        self.description = self._required(dataset, "activityDescription")
        self.activity = self._required(self.description, "activity")
        self.activity_id = self.activity.get("id") or ""
        if not self.activity_id:
            raise self.ctx.fail(self.activity, "activity: no id attribute")
        self.flow_data = self._required(dataset, "flowData")

    def _required(self, parent: _Element, tag: str) -> _Element:
        child = parent.find(_q(tag))
        if child is None:
            raise self.ctx.fail(parent, f"{etree.QName(parent).localname}: no {tag} element")
        return child

    @property
    def label(self) -> str:
        name = _text(self.activity, "activityName")
        return f"{name} ({self.ctx.source}, activity {self.activity_id})"

    def read(self) -> _Dataset | None:
        found = self._reference()
        if found is None:
            return None
        reference, amount = found
        key = f"{self.activity_id}_{reference.get('intermediateExchangeId')}"
        unit = self._unit(reference)
        production = Exchange(
            ExchangeKind.PRODUCTION, key, amount, unit, *self._distribution(reference, amount)
        )
        biosphere, flows = self._elementary()
        geography = self.description.find(_q("geography"))
        activity = Activity(
            key=key,
            name=_text(self.activity, "activityName"),
            unit=unit,
            exchanges=(production, *biosphere),
            location=_text(geography, "shortname") if geography is not None else "",
            reference_product=_text(reference, "name"),
            category=self._category(),
            comment=_comment(self.activity, "generalComment"),
        )
        return _Dataset(
            source=self.ctx.source,
            key=key,
            product=str(reference.get("intermediateExchangeId")),
            unit=unit,
            activity=activity,
            inputs=tuple(self._inputs()),
            flows=tuple(flows),
        )

    def _label(self, exchange: _Element) -> str:
        tag = etree.QName(exchange).localname
        return f"{tag} {exchange.get('id')} ({_text(exchange, 'name')!r})"

    def _unit(self, exchange: _Element) -> str:
        unit = _text(exchange, "unitName")
        if not unit:
            raise self.ctx.fail(exchange, f"{self._label(exchange)}: no unitName")
        return unit

    def _distribution(self, exchange: _Element, amount: float) -> tuple[Uncertainty, str | None]:
        uncertainty, note = _uncertainty(exchange, amount)
        if note:
            self.log.note(
                self.label, self._label(exchange), pol.UNCERTAINTY_DROPPED, f"{note}; amount kept"
            )
        comment = _text(exchange, "comment")
        return uncertainty, _joined(comment, note and f"Import note: {note}")

    def _reference(self) -> tuple[_Element, float] | None:
        """The reference product and its amount, or None (the problem logged)."""
        products: list[tuple[_Element, float]] = []
        co_products: list[tuple[_Element, float, str]] = []
        for exchange in self.flow_data.findall(_q("intermediateExchange")):
            group = exchange.findtext(_q("outputGroup"))
            if group is None:
                continue
            amount = self.ctx.number(exchange, "amount", self._label(exchange))
            if amount == 0:
                continue  # allocated datasets list their co-products with amount 0
            if group.strip() != "0":
                co_products.append((exchange, amount, group.strip()))
                continue
            if not exchange.get("intermediateExchangeId"):
                raise self.ctx.fail(exchange, f"{self._label(exchange)}: no intermediateExchangeId")
            products.append((exchange, amount))
        if len(products) != 1:
            empty = len(self.flow_data) == 0
            self.log.error(
                self.label,
                "",
                f"line {self.activity.sourceline}: expected exactly one reference product "
                f"(outputGroup 0, amount not 0), found {len(products)}"
                + ("; its flowData is empty (no exchanges at all)" if empty else ""),
            )
            return None
        for exchange, amount, group in co_products:
            where = f"line {exchange.sourceline}: {self._label(exchange)}"
            if self.policy.multi_output == "reference-only":
                self.log.note(
                    self.label,
                    where,
                    pol.CO_PRODUCT_DROPPED,
                    f"outputGroup {group}, {amount:g} {_text(exchange, 'unitName')} dropped: the "
                    "reference product carries every input and emission",
                )
                continue
            self.log.error(
                self.label,
                where,
                f"a second output (outputGroup {group}, amount {amount:g}) and ecoSpold2 "
                "keeps no allocation factors: read an allocated release (cut-off, APOS or "
                "consequential), or import with --multi-output reference-only",
            )
        if co_products and self.policy.multi_output != "reference-only":
            return None
        return products[0]

    def _inputs(self) -> Iterable[_Input]:
        for exchange in self.flow_data.findall(_q("intermediateExchange")):
            group = exchange.findtext(_q("inputGroup"))
            if group is None:
                continue
            label = self._label(exchange)
            if group.strip() not in _INPUT_GROUPS:
                raise self.ctx.fail(exchange, f"{label}: unknown inputGroup {group.strip()!r}")
            product = exchange.get("intermediateExchangeId")
            if not product:
                raise self.ctx.fail(exchange, f"{label}: no intermediateExchangeId")
            amount = self.ctx.number(exchange, "amount", label)
            uncertainty, comment = self._distribution(exchange, amount)
            yield _Input(
                line=int(exchange.sourceline or 0),
                exchange_id=str(exchange.get("id")),
                product=product,
                link=exchange.get("activityLinkId") or None,
                name=_text(exchange, "name"),
                unit=self._unit(exchange),
                amount=amount,
                uncertainty=uncertainty,
                comment=comment,
            )

    def _elementary(self) -> tuple[list[Exchange], list[ElementaryFlow]]:
        exchanges, flows = [], []
        for exchange in self.flow_data.findall(_q("elementaryExchange")):
            flow = self._flow(exchange)
            amount = self.ctx.number(exchange, "amount", self._label(exchange))
            exchanges.append(
                Exchange(
                    ExchangeKind.BIOSPHERE,
                    flow.key,
                    amount,
                    flow.unit,
                    *self._distribution(exchange, amount),
                )
            )
            flows.append(flow)
        return exchanges, flows

    def _flow(self, exchange: _Element) -> ElementaryFlow:
        key = exchange.get("elementaryExchangeId")
        if not key:
            raise self.ctx.fail(exchange, f"{self._label(exchange)}: no elementaryExchangeId")
        compartment = exchange.find(_q("compartment"))
        where = (
            "/".join(
                p
                for p in (_text(compartment, "compartment"), _text(compartment, "subcompartment"))
                if p
            )
            if compartment is not None
            else ""
        )
        name = _text(exchange, "name")
        cas = exchange.get("casNumber") or None
        formula = exchange.get("formula") or None
        return ElementaryFlow(
            key=key,
            name=name,
            unit=self._unit(exchange),
            compartment=where,
            cas=cas,
            formula=formula,
            gas=_gas(name, cas, where, formula),
        )

    def _category(self) -> str:
        classes = self.description.findall(_q("classification"))
        isic = [c for c in classes if "ISIC" in _text(c, "classificationSystem")]
        chosen = (isic or classes)[:1]
        return _text(chosen[0], "classificationValue") if chosen else ""


def _gas(name: str, cas: str | None, compartment: str, formula: str | None) -> str | None:
    gas = gas_for(name, cas=cas, compartment=compartment, formula=formula)
    # A resource is taken from nature, never emitted: only CO2 taken from air is a GHG flow.
    if compartment.lower().startswith("natural resource") and gas is not None:
        return "CO2-biogenic-uptake" if gas.startswith("CO2") else None
    return gas


# --------------------------------------------------------------------------------------
# Linking
# --------------------------------------------------------------------------------------


class _Linker:
    """Finds the provider of each technosphere input (see the module docstring)."""

    def __init__(self, datasets: Sequence[_Dataset], policy: ImportPolicy, log: ImportLog) -> None:
        self.by_key = {d.key: d for d in datasets}
        self.by_product: dict[str, list[_Dataset]] = defaultdict(list)
        for d in datasets:
            self.by_product[d.product].append(d)
        self.policy = policy
        self.log = log

    def activity(self, dataset: _Dataset) -> Activity:
        exchanges = list(dataset.activity.exchanges)
        cut: list[str] = []
        for item in dataset.inputs:
            provider = self._provider(dataset, item)
            if provider is None:
                cut.append(
                    f"{item.name} (intermediateExchangeId {item.product}): "
                    f"{item.amount:g} {item.unit}"
                )
                continue
            exchange = self._exchange(dataset, item, provider)
            if exchange is not None:
                exchanges.append(exchange)
        comment = dataset.activity.comment
        if cut:
            note = CUT_OFF_NOTE + "; ".join(cut)
            comment = _joined(comment, note)
        return replace(dataset.activity, exchanges=tuple(exchanges), comment=comment)

    def _exchange(self, dataset: _Dataset, item: _Input, provider: _Dataset) -> Exchange | None:
        k = 1.0
        if item.unit != provider.unit:
            where = f"line {item.line}: intermediateExchange {item.exchange_id} ({item.name!r})"
            try:
                k = convert(1.0, item.unit, provider.unit)
            except UnitError as error:
                self.log.error(
                    _label(dataset),
                    where,
                    f"in {item.unit!r}, but its provider {provider.key} ({provider.source}) "
                    f"produces it in {provider.unit!r}: {error}",
                )
                return None
            self.log.note(
                _label(dataset),
                where,
                pol.UNIT_CONVERTED,
                f"{item.unit} → {provider.unit}: × {k:.10g} (pint)",
            )
        return Exchange(
            ExchangeKind.TECHNOSPHERE,
            provider.key,
            item.amount * k,
            provider.unit,
            item.uncertainty.scaled(k),
            item.comment,
        )

    def _provider(self, dataset: _Dataset, item: _Input) -> _Dataset | None:
        where = f"line {item.line}: intermediateExchange {item.exchange_id} ({item.name!r})"
        if item.link is not None:
            provider = self.by_key.get(f"{item.link}_{item.product}")
            candidates = [] if provider is None else [provider]
            wanted = f"activity {item.link} producing {item.product} (its activityLinkId)"
        else:
            candidates = self.by_product.get(item.product, [])
            wanted = f"an activity producing intermediateExchangeId {item.product}"
        if len(candidates) > 1:
            keys = "; ".join(
                f"{c.activity.name} [{c.activity.location}] ({c.key})" for c in candidates
            )
            if self.policy.providers == "default-provider":
                chosen = choose_provider(
                    dataset.activity.location,
                    [(c.key, c.activity.name, c.activity.location) for c in candidates],
                )
                self.log.note(
                    _label(dataset),
                    where,
                    pol.PROVIDER_CHOSEN,
                    f"{chosen[1]} [{chosen[2]}] ({chosen[0]}) of {len(candidates)}: {keys}. "
                    f"Rule: {pol.PROVIDER_RULE}",
                )
                return self.by_key[chosen[0]]
            self.log.error(
                _label(dataset),
                where,
                f"no activityLinkId and {len(candidates)} activities produce it: {keys}; give "
                "the input an activityLinkId, or import with --providers default-provider",
            )
            return None
        if candidates:
            return candidates[0]
        if self.policy.unlinked == "cut-off":
            self.log.note(
                _label(dataset), where, pol.CUT_OFF, f"{item.amount:g} {item.unit}: no provider"
            )
            return None
        self.log.error(
            _label(dataset),
            where,
            f"expected {wanted} among the files read, found none; read the providers too, or "
            "drop unlinked inputs with --unlinked cut-off (unlinked='cut-off' from Python)",
        )
        return None


def _label(dataset: _Dataset) -> str:
    return f"{dataset.activity.name} ({dataset.source}, activity {dataset.key})"


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_ecospold2(
    path: Path, *, policy: ImportPolicy | None = None, unlinked: Unlinked | None = None
) -> LciBundle:
    """Read an ecoSpold2 file or a directory of them (conventions: the module docstring).

    ``policy`` (:mod:`tanji.io.policy`) decides unlinked inputs, multi-output datasets and
    several providers; ``unlinked`` overrides its ``unlinked`` choice. The bundle's
    ``notes`` report what was done. Raises :class:`ImportProblemsError` listing every
    problem of the files read, and :class:`DataFormatError` naming the file, line and
    entry for anything it cannot read at all.
    """
    policy = policy or ImportPolicy()
    if unlinked is not None:
        policy = replace(policy, unlinked=unlinked)
    path = Path(path)
    log = ImportLog(str(path))
    datasets: list[_Dataset] = []
    seen: dict[str, str] = {}
    for file in _files(path):
        for element in _datasets(file):
            dataset = _read_dataset(file, element, policy, log)
            if dataset is None:
                continue
            if dataset.key in seen:
                raise DataFormatError(
                    str(file), f"activity {dataset.key} is also in {seen[dataset.key]}"
                )
            seen[dataset.key] = str(file)
            datasets.append(dataset)
    linker = _Linker(datasets, policy, log)
    flows = _unique_flows(datasets)
    activities = [_in_flow_units(linker.activity(d), flows, log) for d in datasets]
    notes = log.finish()
    return LciBundle(
        format=FORMAT,
        activities=tuple(activities),
        flows=tuple(flows.values()),
        source=Source(publisher="ecoSpold2 import", title=path.name),
        notes=notes,
    )


def _read_dataset(
    path: Path, element: _Element, policy: ImportPolicy, log: ImportLog
) -> _Dataset | None:
    reader = _DatasetReader(path, element, policy, log)
    try:
        return reader.read()
    except DomainError as error:
        raise reader.ctx.fail(element, f"activity {reader.activity_id}: {error}") from error


def _unique_flows(datasets: Sequence[_Dataset]) -> Mapping[str, ElementaryFlow]:
    """Each elementary flow once, in the unit of its first use."""
    flows: dict[str, ElementaryFlow] = {}
    for dataset in datasets:
        for flow in dataset.flows:
            flows.setdefault(flow.key, flow)
    return flows


def _in_flow_units(
    activity: Activity, flows: Mapping[str, ElementaryFlow], log: ImportLog
) -> Activity:
    """The activity with every elementary exchange in its flow's unit: another unit of
    the same dimension (a flow in kBq here, Bq there) is converted with pint, noted."""
    exchanges = list(activity.exchanges)
    for i, exchange in enumerate(exchanges):
        if exchange.kind is not ExchangeKind.BIOSPHERE:
            continue
        flow = flows[exchange.target]
        if exchange.unit == flow.unit:
            continue
        where = f"elementary flow {flow.key} ({flow.name!r})"
        label = f"{activity.name} (activity {activity.key})"
        try:
            k = convert(1.0, exchange.unit, flow.unit)
        except UnitError as error:
            log.error(
                label, where, f"in {exchange.unit!r} here but {flow.unit!r} elsewhere: {error}"
            )
            continue
        log.note(
            label, where, pol.UNIT_CONVERTED, f"{exchange.unit} → {flow.unit}: × {k:.10g} (pint)"
        )
        exchanges[i] = replace(
            exchange,
            amount=exchange.amount * k,
            unit=flow.unit,
            uncertainty=exchange.uncertainty.scaled(k),
        )
    return replace(activity, exchanges=tuple(exchanges))
