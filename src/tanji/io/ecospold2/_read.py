"""ecoSpold2 data sets, linking and reading (conventions: the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

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
from tanji.domain.problems import Problem
from tanji.domain.units import UnitError, convert
from tanji.io import policy as pol
from tanji.io.ecospold2._values import (
    _INPUT_GROUPS,
    FORMAT,
    Unlinked,
    _comment,
    _Context,
    _datasets,
    _Element,
    _files,
    _joined,
    _q,
    _text,
    _uncertainty,
)
from tanji.io.errors import DataFormatError
from tanji.io.policy import ImportLog, ImportPolicy

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
                Problem(
                    "spold-reference-empty" if empty else "spold-reference-count",
                    line=self.activity.sourceline,
                    count=len(products),
                ),
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
                Problem("spold-second-output", group=group, amount=f"{amount:g}"),
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
                    Problem(
                        "spold-provider-unit",
                        unit=item.unit,
                        provider=provider.key,
                        source=provider.source,
                        provider_unit=provider.unit,
                        detail=error,
                    ),
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
            wanted = Problem("spold-no-linked-provider", link=item.link, product=item.product)
        else:
            candidates = self.by_product.get(item.product, [])
            wanted = Problem("spold-no-provider", product=item.product)
        if len(candidates) > 1:
            keys = "; ".join(
                f"{c.activity.name} [{c.activity.location}] ({c.key})" for c in candidates
            )
            if self.policy.providers == "default-provider":
                chosen = self.log.provider_chosen(
                    _label(dataset),
                    where,
                    dataset.activity.location,
                    [(c.key, c.activity.name, c.activity.location) for c in candidates],
                )
                return self.by_key[chosen]
            self.log.error(
                _label(dataset),
                where,
                Problem("spold-providers-several", count=len(candidates), listed=keys),
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
            wanted,
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
            said = Problem(
                "spold-elementary-unit", unit=exchange.unit, other=flow.unit, detail=error
            )
            log.error(label, where, said)
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
