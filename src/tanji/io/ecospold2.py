"""ecoSpold2 (ecoinvent 3) XML in, parsed with lxml.

:func:`read_ecospold2` turns one ``.spold``/``.xml`` file, or a directory of them (the
``datasets/`` folder of an ecoinvent-style export), into an
:class:`~tanji.domain.lci.LciBundle`. Conventions:

* **Keys.** An activity is keyed ``"<activity id>_<reference product id>"``
  (``activity/@id`` and the reference product's ``intermediateExchangeId``): ecoinvent's
  activity–product pairs. An elementary flow is keyed by its ``elementaryExchangeId``.
* **Reference product**: the intermediate exchange with ``outputGroup`` 0 and a non-zero
  amount. Other outputs (by-products, ``outputGroup`` 2; material for treatment, 3; stock
  additions, 5) are refused when their amount is not 0: allocated datasets (ecoinvent's
  cut-off, APOS, consequential releases) carry them with amount 0, and those are dropped.
* **Treatment activities.** ecoinvent gives a waste-treatment activity a *negative*
  reference amount (−1 kg of waste), and its consumers a negative input of that waste.
  Tanji needs a positive reference, so the treatment becomes the service "treat 1 kg"
  (production +1) and every input of it changes sign: a −0.2 kg waste input becomes a
  demand of 0.2 kg of treatment. The product A·s is unchanged, column by column.
* **Technosphere inputs** (``inputGroup`` 1, 2, 3 or 5) are linked to their provider: with
  an ``activityLinkId``, the activity ``"<activityLinkId>_<intermediateExchangeId>"``;
  without one, the only activity of the read set producing that ``intermediateExchangeId``
  (two or more candidates: an error listing them). The input's ``unitName`` must be the
  provider's reference unit (ecoinvent amounts are in the exchange's unit and never
  converted), otherwise the import stops.
* **Unlinked inputs.** A dataset read on its own names providers that are not in the
  file. ``unlinked="error"`` (the default) stops and names them; ``unlinked="cut-off"``
  drops them and records each dropped input (name, id, amount, unit) in the consuming
  activity's ``comment``, so the cut-off stays visible wherever the activity is shown.
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

Every problem raises :class:`~tanji.io.errors.DataFormatError` naming the file, the line
and the dataset or exchange id, and saying what was expected.
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
from tanji.io._xml import english_text, parse_xml
from tanji.io.errors import DataFormatError

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


def _uncertainty(ctx: _Context, exchange: _Element, amount: float) -> tuple[Uncertainty, str]:
    """The distribution of an exchange, and a note when one given could not be kept."""
    holder = exchange.find(_q("uncertainty"))
    if holder is None:
        return _NO_UNCERTAINTY, ""
    what = f"exchange {exchange.get('id')} uncertainty"
    lognormal = holder.find(_q("lognormal"))
    if lognormal is not None:
        variance = _variance(ctx, lognormal, what)
        if variance <= 0:
            return _NO_UNCERTAINTY, f"lognormal dropped: variance {variance} is not positive"
        return Uncertainty("lognormal", gsd=math.exp(math.sqrt(variance))), ""
    normal = holder.find(_q("normal"))
    if normal is not None:
        variance = _variance(ctx, normal, what)
        if variance < 0:
            return _NO_UNCERTAINTY, f"normal dropped: variance {variance} is negative"
        return Uncertainty("normal", sd=math.sqrt(variance)), ""
    for kind in ("triangular", "uniform"):
        element = holder.find(_q(kind))
        if element is not None:
            low = ctx.number(element, "minValue", what)
            high = ctx.number(element, "maxValue", what)
            return _bounded(kind, low, high, amount)
    return _NO_UNCERTAINTY, ""


def _variance(ctx: _Context, element: _Element, what: str) -> float:
    with_pedigree = ctx.optional_number(element, "varianceWithPedigreeUncertainty", what)
    return with_pedigree if with_pedigree is not None else ctx.number(element, "variance", what)


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
    sign: float  # −1 for a treatment activity (negative reference amount), else +1
    activity: Activity  # with production and biosphere exchanges, inputs not yet linked
    inputs: tuple[_Input, ...]
    flows: tuple[ElementaryFlow, ...]


class _DatasetReader:
    """Reads one activityDataset into a :class:`_Dataset`."""

    def __init__(self, path: Path, dataset: _Element) -> None:
        self.ctx = _Context(path)
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

    def read(self) -> _Dataset:
        reference, amount = self._reference()
        sign = -1.0 if amount < 0 else 1.0
        key = f"{self.activity_id}_{reference.get('intermediateExchangeId')}"
        unit = self._unit(reference)
        production = Exchange(
            ExchangeKind.PRODUCTION,
            key,
            abs(amount),
            unit,
            *self._distribution(reference, amount, sign),
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
            sign=sign,
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

    def _distribution(
        self, exchange: _Element, amount: float, sign: float = 1.0
    ) -> tuple[Uncertainty, str | None]:
        uncertainty, note = _uncertainty(self.ctx, exchange, amount)
        if sign < 0:
            uncertainty = uncertainty.scaled(-1)
        comment = _text(exchange, "comment")
        return uncertainty, _joined(comment, note and f"Import note: {note}")

    def _reference(self) -> tuple[_Element, float]:
        products: list[tuple[_Element, float]] = []
        for exchange in self.flow_data.findall(_q("intermediateExchange")):
            group = exchange.findtext(_q("outputGroup"))
            if group is None:
                continue
            amount = self.ctx.number(exchange, "amount", self._label(exchange))
            if amount == 0:
                continue  # allocated datasets list their co-products with amount 0
            if group.strip() != "0":
                raise self.ctx.fail(
                    exchange,
                    f"{self._label(exchange)}: a second output (outputGroup {group.strip()}, "
                    f"amount {amount:g}); multi-output activities are not supported, read "
                    "an allocated release (cut-off, APOS or consequential)",
                )
            if not exchange.get("intermediateExchangeId"):
                raise self.ctx.fail(exchange, f"{self._label(exchange)}: no intermediateExchangeId")
            products.append((exchange, amount))
        if len(products) != 1:
            raise self.ctx.fail(
                self.activity,
                f"activity {self.activity_id}: expected exactly one reference product "
                f"(outputGroup 0, amount not 0), found {len(products)}",
            )
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

    def __init__(self, datasets: Sequence[_Dataset], unlinked: Unlinked) -> None:
        self.by_key = {d.key: d for d in datasets}
        self.by_product: dict[str, list[_Dataset]] = defaultdict(list)
        for d in datasets:
            self.by_product[d.product].append(d)
        self.unlinked = unlinked

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
            exchanges.append(self._exchange(dataset, item, provider))
        comment = dataset.activity.comment
        if cut:
            note = CUT_OFF_NOTE + "; ".join(cut)
            comment = _joined(comment, note)
        return replace(dataset.activity, exchanges=tuple(exchanges), comment=comment)

    def _exchange(self, dataset: _Dataset, item: _Input, provider: _Dataset) -> Exchange:
        if item.unit != provider.unit:
            raise DataFormatError(
                dataset.source,
                f"line {item.line}: intermediateExchange {item.exchange_id} ({item.name!r}) "
                f"is in {item.unit!r}, but its provider {provider.key} ({provider.source}) "
                f"produces it in {provider.unit!r}; ecoSpold2 amounts are not converted, so "
                "the units must match",
            )
        uncertainty = item.uncertainty.scaled(provider.sign)
        return Exchange(
            ExchangeKind.TECHNOSPHERE,
            provider.key,
            item.amount * provider.sign,
            item.unit,
            uncertainty,
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
            keys = ", ".join(f"{c.key} ({c.source})" for c in candidates)
            raise DataFormatError(
                dataset.source,
                f"{where}: no activityLinkId and {len(candidates)} activities produce it: "
                f"{keys}; give the input an activityLinkId",
            )
        if candidates:
            return candidates[0]
        if self.unlinked == "cut-off":
            return None
        raise DataFormatError(
            dataset.source,
            f"{where}: expected {wanted} among the files read, found none; read the "
            "providers too, or drop unlinked inputs with --unlinked cut-off "
            "(unlinked='cut-off' from Python)",
        )


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_ecospold2(path: Path, *, unlinked: Unlinked = "error") -> LciBundle:
    """Read an ecoSpold2 file or a directory of them (conventions: the module docstring).

    ``unlinked`` says what happens to a technosphere input whose provider is not among the
    files read: ``"error"`` raises; ``"cut-off"`` drops it and notes it in the consuming
    activity's comment. Raises :class:`DataFormatError` naming the file, line and entry
    for anything it cannot read.
    """
    if unlinked not in ("error", "cut-off"):
        raise ValueError(f"unlinked: expected 'error' or 'cut-off', got {unlinked!r}")
    path = Path(path)
    datasets: list[_Dataset] = []
    seen: dict[str, str] = {}
    for file in _files(path):
        for element in _datasets(file):
            dataset = _read_dataset(file, element)
            if dataset.key in seen:
                raise DataFormatError(
                    str(file), f"activity {dataset.key} is also in {seen[dataset.key]}"
                )
            seen[dataset.key] = str(file)
            datasets.append(dataset)
    linker = _Linker(datasets, unlinked)
    activities = [linker.activity(d) for d in datasets]
    return LciBundle(
        format=FORMAT,
        activities=tuple(activities),
        flows=tuple(_unique_flows(datasets).values()),
        source=Source(publisher="ecoSpold2 import", title=path.name),
    )


def _read_dataset(path: Path, element: _Element) -> _Dataset:
    reader = _DatasetReader(path, element)
    try:
        return reader.read()
    except DomainError as error:
        raise reader.ctx.fail(element, f"activity {reader.activity_id}: {error}") from error


def _unique_flows(datasets: Sequence[_Dataset]) -> Mapping[str, ElementaryFlow]:
    flows: dict[str, tuple[ElementaryFlow, str]] = {}
    for dataset in datasets:
        for flow in dataset.flows:
            known = flows.setdefault(flow.key, (flow, dataset.source))
            if known[0].unit != flow.unit:
                raise DataFormatError(
                    dataset.source,
                    f"elementary flow {flow.key} ({flow.name!r}) is in {flow.unit!r} here but "
                    f"in {known[0].unit!r} in {known[1]}",
                )
    return {key: flow for key, (flow, _) in flows.items()}
