"""openLCA JSON-LD → LCI bundle (see the package docstring for the conventions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

# olca-schema ships no type information (no py.typed): its entities are Any at this boundary,
# and every value taken from them is converted to a typed one right away.
import olca_schema as o  # type: ignore[import-untyped]

from tanji.domain.factors import DomainError, Source, Uncertainty
from tanji.domain.gases import gas_for
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.io.errors import DataFormatError
from tanji.io.olca_jsonld._archive import (
    _FOLDERS,
    _NO_UNCERTAINTY,
    _PUBLISHER,
    FORMAT,
    _Archive,
    _open,
)


@dataclass(frozen=True)
class _Quantity:
    """A flow property: its unit group's reference unit and unit factors (by id and name)."""

    name: str
    ref_unit: str
    factors: Mapping[str, float]


@dataclass(frozen=True)
class _Flow:
    key: str
    name: str
    kind: str  # ELEMENTARY_FLOW, PRODUCT_FLOW or WASTE_FLOW
    unit: str
    quantity: _Quantity  # of the reference flow property
    property_factors: Mapping[str, tuple[_Quantity, float]]  # flow property id → (q, factor)
    compartment: str
    cas: str | None
    formula: str | None

    def factor(self, unit: Any, flow_property: Any) -> float:
        """Amount in the reference unit per amount in ``unit`` of ``flow_property``.

        Both are references (olca-schema ``Ref`` s or their JSON), or None for the
        reference unit and the reference flow property.
        """
        quantity, property_factor = self.quantity, 1.0
        property_id, property_name = _id_name(flow_property)
        if property_id in self.property_factors:
            quantity, property_factor = self.property_factors[property_id]
        elif property_id:
            raise ValueError(
                f"flow property {property_name or property_id!r} is not a property "
                f"of flow {self.name!r} ({self.key})"
            )
        unit_id, unit_name = _id_name(unit)
        if not (unit_id or unit_name):
            return 1.0 / property_factor
        unit_factor = quantity.factors.get(unit_id) or quantity.factors.get(unit_name)
        if unit_factor is None:
            raise ValueError(
                f"unit {unit_name or unit_id!r} is not in the unit group of {quantity.name!r}"
            )
        return unit_factor / property_factor


def _id_name(ref: Any) -> tuple[str, str]:
    """(@id, name) of a reference given as an olca-schema Ref, its JSON, or None."""
    if isinstance(ref, dict):
        return str(ref.get("@id") or ""), str(ref.get("name") or "")
    if isinstance(ref, o.Ref):
        return str(ref.id or ""), str(ref.name or "")
    return "", ""


def _quantities(archive: _Archive) -> dict[str, _Quantity]:
    groups: dict[str, tuple[str, dict[str, float]]] = {}
    for entry, group in archive.each("UnitGroup"):
        units = group.units or []
        refs = [u for u in units if u.is_ref_unit]
        if len(refs) != 1:
            raise DataFormatError(archive.source(entry), "expected exactly one reference unit")
        for unit in units:
            if not isinstance(unit.conversion_factor, int | float) or unit.conversion_factor <= 0:
                raise DataFormatError(
                    archive.source(entry), f"unit {unit.name!r}: expected a positive factor"
                )
        # Factors are relative to the reference unit, whose own factor is normally 1.
        base = float(refs[0].conversion_factor)
        factors = {
            key: float(unit.conversion_factor) / base
            for unit in units
            for key in (unit.id, unit.name)
            if key
        }
        groups[group.id] = (str(refs[0].name), factors)
    quantities = {}
    for entry, prop in archive.each("FlowProperty"):
        group_id = prop.unit_group.id if prop.unit_group else None
        if group_id not in groups:
            raise DataFormatError(
                archive.source(entry), f"its unit group {group_id} is not in the zip"
            )
        ref_unit, factors = groups[group_id]
        quantities[prop.id] = _Quantity(str(prop.name or ""), ref_unit, factors)
    return quantities


def _flows(archive: _Archive, quantities: Mapping[str, _Quantity]) -> dict[str, _Flow]:
    flows = {}
    for entry, flow in archive.each("Flow"):
        if flow.flow_type is None:
            raise DataFormatError(archive.source(entry), "no flowType")
        factors: dict[str, tuple[_Quantity, float]] = {}
        reference = None
        for fpf in flow.flow_properties or []:
            key = str(fpf.flow_property.id) if fpf.flow_property else ""
            if key not in quantities:
                raise DataFormatError(
                    archive.source(entry), f"its flow property {key} is not in the zip"
                )
            if not isinstance(fpf.conversion_factor, int | float) or fpf.conversion_factor <= 0:
                raise DataFormatError(archive.source(entry), f"flow property {key}: no factor")
            factors[key] = (quantities[key], float(fpf.conversion_factor))
            if fpf.is_ref_flow_property:
                reference = key
        if reference is None:
            raise DataFormatError(archive.source(entry), "no reference flow property")
        # Factors relative to the reference property, whose own factor is normally 1.
        base = factors[reference][1]
        relative = {k: (q, f / base) for k, (q, f) in factors.items()}
        quantity = factors[reference][0]
        flows[flow.id] = _Flow(
            key=flow.id,
            name=str(flow.name or ""),
            kind=flow.flow_type.value,
            unit=quantity.ref_unit,
            quantity=quantity,
            property_factors=relative,
            compartment=str(flow.category or ""),
            cas=flow.cas or None,
            formula=flow.formula or None,
        )
    return flows


def _elementary_flow(flow: _Flow) -> ElementaryFlow:
    return ElementaryFlow(
        key=flow.key,
        name=flow.name,
        unit=flow.unit,
        compartment=flow.compartment,
        cas=flow.cas,
        formula=flow.formula,
        gas=gas_for(flow.name, cas=flow.cas, compartment=flow.compartment, formula=flow.formula),
    )


# --------------------------------------------------------------------------------------
# Uncertainty
# --------------------------------------------------------------------------------------


def _uncertainty(u: Any) -> Uncertainty:
    """Tanji's distribution of an openLCA Uncertainty (JSON), in the exchange's own unit."""
    if not isinstance(u, dict):
        return _NO_UNCERTAINTY
    kind = u.get("distributionType")
    if kind == "LOG_NORMAL_DISTRIBUTION":
        # A geometric sd of exactly 1 is no spread at all; Tanji's lognormal needs gsd > 1.
        gsd = u.get("geomSd")
        return _NO_UNCERTAINTY if gsd == 1 else Uncertainty("lognormal", gsd=gsd)
    if kind == "NORMAL_DISTRIBUTION":
        return Uncertainty("normal", sd=u.get("sd"))
    if kind in ("UNIFORM_DISTRIBUTION", "TRIANGLE_DISTRIBUTION"):
        name = "uniform" if kind == "UNIFORM_DISTRIBUTION" else "triangular"
        return Uncertainty(name, minimum=u.get("minimum"), maximum=u.get("maximum"))
    return _NO_UNCERTAINTY


class _Line(NamedTuple):
    """One exchange of a process, converted to the flow's reference unit.

    A named tuple: a million of these are made for a large database, and a frozen
    dataclass's ``__init__`` costs four times as much.
    """

    internal_id: int | None
    flow: _Flow
    amount: float
    uncertainty: Uncertainty
    comment: str | None
    default_provider: str | None


@dataclass(frozen=True)
class _Process:
    entry: str
    key: str
    name: str
    location: str
    category: str
    comment: str | None
    name_zh: str
    products: tuple[_Line, ...]  # what the process provides; the reference first
    demands: tuple[_Line, ...]  # product inputs, waste outputs, avoided flows
    elementary: tuple[_Line, ...]
    # (product flow id, exchange internal id or None) → allocation factor; empty if single
    allocation: Mapping[tuple[str, int | None], float]

    def activity_key(self, product: _Line) -> str:
        return self.key if product is self.products[0] else f"{self.key}:{product.flow.key}"

    def share(self, product: _Line, line: _Line) -> float:
        if not self.allocation:
            return 1.0
        factor = self.allocation.get((product.flow.key, line.internal_id))
        return self.allocation[(product.flow.key, None)] if factor is None else factor


class _Reader:
    """Turns one archive's processes into activities; holds the indexes that needs."""

    def __init__(self, archive: _Archive, flows: Mapping[str, _Flow]) -> None:
        self.archive = archive
        self.flows = flows
        self.locations = {
            loc.id: str(loc.code or loc.name or "") for _, loc in archive.each("Location")
        }
        self.direction: dict[str, bool] = {}  # elementary flow id → is an input by nature
        for flow in flows.values():
            if flow.kind == "ELEMENTARY_FLOW" and flow.compartment:
                self.direction[flow.key] = "resource" in flow.compartment.lower()

    def process(self, entry: str, process: Any, exchanges: list[dict[str, Any]]) -> _Process:
        source = self.archive.source(entry)
        products: list[_Line] = []
        demands: list[_Line] = []
        elementary: list[_Line] = []
        reference: int | None = None  # its index in products
        for exchange in exchanges:
            line, role = self._line(source, process, exchange)
            if exchange.get("isQuantitativeReference"):
                if role != "product" or reference is not None:
                    raise DataFormatError(
                        source,
                        f"process {process.name!r}: the quantitative reference must be one "
                        "product output or waste input",
                    )
                reference = len(products)
            {"product": products, "demand": demands, "elementary": elementary}[role].append(line)
        if reference is None:
            raise DataFormatError(source, f"process {process.name!r}: no quantitative reference")
        products.insert(0, products.pop(reference))
        if products[0].amount <= 0:
            raise DataFormatError(
                source, f"process {process.name!r}: reference amount must be positive"
            )
        allocation = self._allocation(source, process, products, [*demands, *elementary])
        other = process.other_properties if isinstance(process.other_properties, dict) else {}
        return _Process(
            entry=entry,
            key=process.id,
            name=str(process.name or ""),
            location=self.locations.get(process.location.id, process.location.name or "")
            if process.location
            else "",
            category=str(process.category or ""),
            comment=process.description or None,
            name_zh=str(other.get("tanji", {}).get("name_zh", "")),
            products=tuple(products),
            demands=tuple(demands),
            elementary=tuple(elementary),
            allocation=allocation,
        )

    def _line(self, source: str, process: Any, exchange: dict[str, Any]) -> tuple[_Line, str]:
        internal_id = exchange.get("internalId")
        flow_id, _ = _id_name(exchange.get("flow"))
        flow = self.flows.get(flow_id)
        amount = exchange.get("amount")
        if flow is None or not isinstance(amount, int | float):
            problem = (
                "expected a numeric amount"
                if flow
                else f"flow {flow_id} is not in the zip (no flows/{flow_id}.json)"
            )
            raise DataFormatError(
                source, f"process {process.name!r}, exchange {internal_id}: {problem}"
            )
        try:
            k = flow.factor(exchange.get("unit"), exchange.get("flowProperty"))
            is_input = bool(exchange.get("isInput"))
            if flow.kind == "ELEMENTARY_FLOW":
                natural = self.direction.setdefault(flow.key, is_input)
                k, role = (k if is_input == natural else -k), "elementary"
            elif exchange.get("isAvoidedProduct"):
                k, role = -k, "demand"
            else:
                provides = is_input == (flow.kind == "WASTE_FLOW")
                role = "product" if provides else "demand"
            uncertainty = (
                _uncertainty(exchange["uncertainty"]).scaled(k)
                if "uncertainty" in exchange
                else _NO_UNCERTAINTY
            )
        except (ValueError, TypeError, DomainError) as error:
            raise DataFormatError(
                source, f"process {process.name!r}, exchange {internal_id}: {error}"
            ) from None
        provider = exchange.get("defaultProvider")
        line = _Line(
            internal_id=internal_id if isinstance(internal_id, int) else None,
            flow=flow,
            amount=float(amount) * k,
            uncertainty=uncertainty,
            comment=exchange.get("description") or None,
            default_provider=_id_name(provider)[0] or None if provider else None,
        )
        return line, role

    def _allocation(
        self, source: str, process: Any, products: Sequence[_Line], others: Sequence[_Line]
    ) -> dict[tuple[str, int | None], float]:
        if len(products) == 1:
            return {}
        names = ", ".join(repr(p.flow.name) for p in products)
        if len({p.flow.key for p in products}) < len(products):
            raise DataFormatError(source, f"process {process.name!r}: a product twice ({names})")
        method = process.default_allocation_method
        if method is None or method.value in ("NO_ALLOCATION", "USE_DEFAULT_ALLOCATION"):
            raise DataFormatError(
                source,
                f"process {process.name!r} has {len(products)} products ({names}) and no "
                "default allocation method; set one with its factors in openLCA",
            )
        factors: dict[tuple[str, int | None], float] = {}
        for af in process.allocation_factors or []:
            if af.allocation_type == method and af.product and af.value is not None:
                # Physical and economic factors are per product; causal ones per exchange too.
                slot = af.exchange.internal_id if af.exchange else None
                is_causal = method.value == "CAUSAL_ALLOCATION"
                factors[(af.product.id, slot if is_causal else None)] = float(af.value)
        causal = method.value == "CAUSAL_ALLOCATION"
        slots = [x.internal_id for x in others] if causal else [None]
        for product in products:
            missing = [i for i in slots if (product.flow.key, i) not in factors]
            if missing:
                where = f" and exchange(s) {missing}" if causal else ""
                raise DataFormatError(
                    source,
                    f"process {process.name!r}: no {method.value} factor for product "
                    f"{product.flow.name!r}{where}",
                )
        return factors


# --------------------------------------------------------------------------------------
# Linking and building activities
# --------------------------------------------------------------------------------------


class _Linker:
    """Finds the activity providing each product input (see the module docstring)."""

    def __init__(self, archive: _Archive, processes: Sequence[_Process]) -> None:
        self.archive = archive
        self.by_process = {p.key: p for p in processes}
        self.keys: dict[tuple[str, str], str] = {}  # (process id, product flow id) → activity
        self.providers: dict[str, list[str]] = defaultdict(list)  # flow id → activities
        for p in processes:
            for product in p.products:
                self.keys[(p.key, product.flow.key)] = p.activity_key(product)
                self.providers[product.flow.key].append(p.activity_key(product))
        self.links: dict[tuple[str, int | str], tuple[str, str]] = {}

    def add_links(self, entry: str, system: Any) -> None:
        for link in system.process_links or []:
            if not (link.process and link.provider and link.flow):
                raise DataFormatError(
                    self.archive.source(entry), "a process link needs process, provider, flow"
                )
            slot = link.exchange.internal_id if link.exchange else None
            key = (link.process.id, slot if slot is not None else link.flow.id)
            if self.links.setdefault(key, (link.provider.id, entry))[0] != link.provider.id:
                raise DataFormatError(
                    self.archive.source(entry),
                    f"process {link.process.id}, flow {link.flow.id}: linked to provider "
                    f"{link.provider.id} here but to {self.links[key][0]} in "
                    f"{self.links[key][1]}",
                )

    def provider(self, process: _Process, line: _Line) -> str:
        flow = line.flow
        link = self.links.get((process.key, flow.key))
        if line.internal_id is not None:
            link = self.links.get((process.key, line.internal_id), link)
        chosen = link[0] if link else line.default_provider
        if chosen is not None:
            key = self.keys.get((chosen, flow.key))
            if key is None:
                raise DataFormatError(
                    self.archive.source(process.entry),
                    f"process {process.name!r}: its input {flow.name!r} ({flow.key}) is linked "
                    f"to process {chosen}, which is not in the zip or does not provide it",
                )
            return key
        candidates = self.providers.get(flow.key, [])
        if len(candidates) == 1:
            return candidates[0]
        raise DataFormatError(
            self.archive.source(process.entry),
            f"process {process.name!r}: no provider for its input {flow.name!r} ({flow.key}): "
            "no process link, no default provider, and "
            + (
                f"{len(candidates)} candidates: {', '.join(candidates)}"
                if candidates
                else "no process in the zip provides it"
            ),
        )


def _activities(process: _Process, linker: _Linker) -> list[Activity]:
    targets = [linker.provider(process, line) for line in process.demands]
    lines = [
        *(
            (ExchangeKind.TECHNOSPHERE, t, line)
            for t, line in zip(targets, process.demands, strict=True)
        ),
        *((ExchangeKind.BIOSPHERE, line.flow.key, line) for line in process.elementary),
    ]
    split = len(process.products) > 1
    activities = []
    for product in process.products:
        exchanges = [
            _exchange(ExchangeKind.PRODUCTION, process.activity_key(product), product, 1.0)
        ]
        exchanges += [
            _exchange(kind, target, line, process.share(product, line))
            for kind, target, line in lines
        ]
        activities.append(
            Activity(
                key=process.activity_key(product),
                name=f"{process.name} [{product.flow.name}]" if split else process.name,
                unit=product.flow.unit,
                exchanges=tuple(exchanges),
                location=process.location,
                reference_product=product.flow.name,
                category=process.category,
                name_zh=process.name_zh,
                comment=process.comment,
            )
        )
    return activities


def _exchange(kind: ExchangeKind, target: str, line: _Line, share: float) -> Exchange:
    return Exchange(
        kind=kind,
        target=target,
        amount=line.amount * share,
        unit=line.flow.unit,
        uncertainty=line.uncertainty.scaled(share),
        comment=line.comment,
    )


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_jsonld(path: Path) -> LciBundle:
    """Read an openLCA JSON-LD zip into a bundle (see the module docstring for conventions).

    Raises :class:`DataFormatError` naming the file and entry for anything it cannot read.
    """
    path = Path(path)
    with _open(path) as handle:
        archive = _Archive(path, handle)
        if not any(folder in archive.entries for folder in _FOLDERS.values()):
            raise DataFormatError(
                str(path), "no openLCA entities (flows/, processes/, unit_groups/ …) in the zip"
            )
        flows = _flows(archive, _quantities(archive))
        elementary = [_elementary_flow(f) for f in flows.values() if f.kind == "ELEMENTARY_FLOW"]
        reader = _Reader(archive, flows)
        processes = [reader.process(*p) for p in archive.processes()]
        linker = _Linker(archive, processes)
        systems = list(archive.each("ProductSystem"))
        for entry, system in systems:
            linker.add_links(entry, system)
        activities = [a for p in processes for a in _activities(p, linker)]
        methods = [_method(archive, entry, c, flows) for entry, c in archive.each("ImpactCategory")]
        product_systems = [_product_system(archive, e, s, linker) for e, s in systems]
    return LciBundle(
        format=FORMAT,
        activities=tuple(activities),
        flows=tuple(elementary),
        methods=tuple(methods),
        product_systems=tuple(product_systems),
        source=Source(publisher=_PUBLISHER, title=path.name),
    )


def _method(
    archive: _Archive, entry: str, category: Any, flows: Mapping[str, _Flow]
) -> ImpactMethod:
    source = archive.source(entry)
    factors: dict[str, float] = {}
    for factor in category.impact_factors or []:
        flow_id = factor.flow.id if factor.flow else None
        flow = flows.get(flow_id or "")
        if flow is None:
            raise DataFormatError(source, f"factor for flow {flow_id}, which is not in the zip")
        if flow.kind != "ELEMENTARY_FLOW" or factor.location is not None:
            continue  # see "Skipped on purpose" in the module docstring
        if not isinstance(factor.value, int | float):
            raise DataFormatError(source, f"factor for {flow.name!r}: expected a numeric value")
        if flow.key in factors:
            raise DataFormatError(source, f"two factors for {flow.name!r} ({flow.key})")
        try:
            factors[flow.key] = float(factor.value) / flow.factor(factor.unit, factor.flow_property)
        except ValueError as error:
            raise DataFormatError(source, f"factor for {flow.name!r}: {error}") from None
    return ImpactMethod(
        key=category.id,
        name=str(category.name or ""),
        unit=str(category.ref_unit or ""),
        factors=tuple(factors.items()),
    )


def _product_system(archive: _Archive, entry: str, system: Any, linker: _Linker) -> ProductSystem:
    source = archive.source(entry)
    process = linker.by_process.get(system.ref_process.id if system.ref_process else "")
    if process is None:
        raise DataFormatError(source, "its reference process is missing or not in the zip")
    internal_id = system.ref_exchange.internal_id if system.ref_exchange else None
    product = next(
        (p for p in process.products if p.internal_id == internal_id), process.products[0]
    )
    if not isinstance(system.target_amount, int | float):
        raise DataFormatError(source, "expected a numeric targetAmount")
    try:
        k = product.flow.factor(system.target_unit, system.target_flow_property)
    except ValueError as error:
        raise DataFormatError(source, f"target amount: {error}") from None
    return ProductSystem(
        key=system.id,
        name=str(system.name or ""),
        reference_activity=process.activity_key(product),
        amount=float(system.target_amount) * k,
    )
