"""openLCA JSON-LD zips in and out, through GreenDelta's ``olca-schema`` library.

:func:`read_jsonld` turns an openLCA JSON-LD zip (openLCA 2 / olca-schema 2.x; older 1.x
exports are upgraded on the fly) into an :class:`~tanji.domain.lci.LciBundle`;
:func:`write_jsonld` writes a bundle back as a zip openLCA 2 imports. Conventions:

* **Keys** are the openLCA ``@id`` s: an activity is keyed by its process id, an
  elementary flow by its flow id, an impact method by its impact *category* id (each
  openLCA impact category becomes one Tanji method; openLCA's method groupings are not
  kept).
* **Units**: every amount is converted to the reference unit of the unit group of the
  flow's reference flow property (``amount · unit factor / flow property factor``), and
  characterization factors the opposite way (``factor · flow property factor / unit
  factor``).
* **Products and wastes**: an activity provides the product it outputs, or the treatment
  of the waste it takes in (openLCA counts wastes as negative products). A waste-treatment
  process's reference is its waste *input*; it becomes a positive PRODUCTION exchange (the
  service "treat 1 kg"). A waste *output* is a TECHNOSPHERE exchange demanding that
  service from the treatment process. Avoided products (inputs flagged
  ``isAvoidedProduct``) and avoided wastes (outputs so flagged) become TECHNOSPHERE
  exchanges with negated amounts: the credit openLCA computes.
* **Multi-output processes** (more than one product output or waste input) are split
  into one activity per product with the process's default allocation method and its
  allocation factors (physical, economic: one factor per product; causal: one per product
  and exchange). The activity of the reference product keeps the process id; the others
  are keyed ``"<process id>:<product flow id>"``. Without a default method or with a
  factor missing, the process is refused.
* **Elementary flows**: a flow's natural direction is *input* when its category names a
  resource ("Elementary flows/Resource/in air"), else *output*. Amounts are positive in
  that direction, so the uptake of CO2 from air is a positive input of a flow whose gas id
  is ``CO2-biogenic-uptake`` and is characterized by the method's factor (e.g. -1), as
  openLCA does; an exchange against the flow's direction keeps its magnitude with a
  negative sign. A flow without a category takes the direction of its first use.
* **Providers** of a product input, in this order: the process links of the zip's
  product systems, the exchange's ``defaultProvider``, the one activity providing the
  flow; otherwise the import stops with an error listing the candidates.
* **Skipped on purpose**: parameters and formulas (openLCA stores the evaluated amounts
  next to them), regionalized characterization factors (those with a location), and
  factors on product or waste flows (Tanji links every product input, so they never
  apply). A triangular distribution takes the amount as its mode.

Every problem raises :class:`~tanji.io.errors.DataFormatError` naming the file and the
entry (``lfp.zip: processes/<id>.json``) and saying what was expected.

Design note: entries are read with :mod:`zipfile` and parsed with olca-schema's
``from_dict`` (what ``zipio.ZipReader.read`` does), not through ``ZipReader`` itself:
its ``read`` lists every name of the zip for each entity, which is quadratic over a
25,000-entry database, and 1.x field names must be upgraded before parsing.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
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

__all__ = ["FORMAT", "read_jsonld", "write_jsonld"]

#: ``LciBundle.format`` of bundles read here (the import format name of the services).
FORMAT = "olca-jsonld"

_PUBLISHER = "openLCA JSON-LD import"
_NO_UNCERTAINTY = Uncertainty()
_FOLDERS = {
    "UnitGroup": "unit_groups",
    "FlowProperty": "flow_properties",
    "Flow": "flows",
    "Location": "locations",
    "Process": "processes",
    "ProductSystem": "product_systems",
    "ImpactCategory": "lcia_categories",
    "ImpactMethod": "lcia_methods",
}
# openLCA 1.x field names and their 2.x successors (olca-schema 2 ignores unknown keys).
_V1_KEYS = {
    "input": "isInput",
    "quantitativeReference": "isQuantitativeReference",
    "avoidedProduct": "isAvoidedProduct",
    "referenceFlowProperty": "isRefFlowProperty",
    "referenceUnit": "isRefUnit",
    "referenceProcess": "refProcess",
    "referenceExchange": "refExchange",
    "referenceUnitName": "refUnit",
    "infrastructureFlow": "isInfrastructureFlow",
    "infrastructureProcess": "isInfrastructureProcess",
    "inputParameter": "isInputParameter",
}


# --------------------------------------------------------------------------------------
# The archive
# --------------------------------------------------------------------------------------


class _Archive:
    """The JSON entries of one zip, by folder, parsed into olca-schema entities."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.zip = archive
        self.entries: dict[str, list[str]] = defaultdict(list)
        for name in archive.namelist():
            parts = name.split("/")
            if len(parts) >= 2 and name.endswith(".json"):
                self.entries[parts[-2]].append(name)
        self.version = 2 if "olca-schema.json" in archive.namelist() else 1
        self.categories = self._v1_category_paths() if self.version == 1 else {}

    def source(self, entry: str) -> str:
        return f"{self.path}: {entry}"

    def json_of(self, entry: str) -> dict[str, Any]:
        data = self._raw_json(entry)
        return _upgrade_v1(data, self.categories) if self.version == 1 else data

    def _raw_json(self, entry: str) -> dict[str, Any]:
        try:
            data = json.loads(self.zip.read(entry))
        except (ValueError, zipfile.BadZipFile, OSError) as error:
            raise DataFormatError(self.source(entry), f"not readable JSON: {error}") from None
        if not isinstance(data, dict):
            raise DataFormatError(self.source(entry), "expected a JSON object")
        return data

    def each(self, type_name: str) -> Iterator[tuple[str, Any]]:
        """(entry, entity) for every entity of an olca-schema type, in zip order."""
        for entry in self.entries.get(_FOLDERS[type_name], []):
            yield entry, self.parse(entry, type_name, self.json_of(entry))

    def parse(self, entry: str, type_name: str, data: dict[str, Any]) -> Any:
        try:
            entity = getattr(o, type_name).from_dict(data)
        except (TypeError, AttributeError, ValueError, KeyError) as error:
            raise DataFormatError(
                self.source(entry), f"not an openLCA {type_name}: {error!r}"
            ) from None
        if not entity.id:
            raise DataFormatError(self.source(entry), "no @id")
        return entity

    def processes(self) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
        """(entry, process, raw exchanges) of every process.

        olca-schema's ``Ref.from_dict`` finds its enum member by iterating over the enum,
        for every reference: two thirds of the reading time of a million exchanges. So the
        exchanges, the bulk of a database, are read from the JSON (with olca-schema's field
        names), and the rest of a process through olca-schema.
        """
        for entry in self.entries.get("processes", []):
            data = self.json_of(entry)
            exchanges = data.pop("exchanges", None) or []
            if not isinstance(exchanges, list) or not all(isinstance(e, dict) for e in exchanges):
                raise DataFormatError(self.source(entry), "exchanges: expected a list of objects")
            yield entry, self.parse(entry, "Process", data), exchanges

    def _v1_category_paths(self) -> dict[str, str]:
        """1.x refers to categories by id; 2.x writes their paths ("A/B/C")."""
        parents: dict[str, tuple[str, str | None]] = {}
        for entry in self.entries.get("categories", []):
            data = self._raw_json(entry)
            parent = data.get("category")
            parents[str(data.get("@id"))] = (
                str(data.get("name", "")),
                parent.get("@id") if isinstance(parent, dict) else None,
            )

        def path_of(key: str | None, depth: int = 0) -> str:
            if key not in parents or depth > 50:
                return ""
            name, parent = parents[key]
            above = path_of(parent, depth + 1)
            return f"{above}/{name}" if above else name

        return {key: path_of(key) for key in parents}


def _upgrade_v1(value: Any, categories: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_upgrade_v1(v, categories) for v in value]
    if not isinstance(value, dict):
        return value
    upgraded = {}
    for key, v in value.items():
        if key == "category" and isinstance(v, dict):
            upgraded[key] = categories.get(str(v.get("@id")), str(v.get("name", "")))
        else:
            upgraded[_V1_KEYS.get(key, key)] = _upgrade_v1(v, categories)
    return upgraded


def _open(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise DataFormatError(str(path), "no such file (expected an openLCA JSON-LD .zip)")
    if not zipfile.is_zipfile(path):
        raise DataFormatError(str(path), "not a zip file: expected an openLCA JSON-LD export")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise DataFormatError(str(path), f"cannot open the zip: {error}") from None


# --------------------------------------------------------------------------------------
# Units and flows
# --------------------------------------------------------------------------------------


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


def _scaled(u: Uncertainty, k: float) -> Uncertainty:
    """The distribution of k·X (a unit conversion, an allocation share, a sign)."""
    if u.distribution == "none" or k == 1:
        return u
    if k == 0:
        return _NO_UNCERTAINTY
    if u.distribution == "lognormal":
        return u  # the gsd is a ratio: the same in any unit
    if u.distribution == "normal":
        return Uncertainty("normal", sd=abs(k) * (u.sd or 0.0))
    low, high = k * (u.minimum or 0.0), k * (u.maximum or 0.0)
    return Uncertainty(u.distribution, minimum=min(low, high), maximum=max(low, high))


def _olca_uncertainty(u: Uncertainty, amount: float) -> Any:
    if u.distribution == "lognormal":
        return o.Uncertainty(
            distribution_type=o.UncertaintyType.LOG_NORMAL_DISTRIBUTION,
            geom_mean=abs(amount),
            geom_sd=u.gsd,
        )
    if u.distribution == "normal":
        return o.Uncertainty(
            distribution_type=o.UncertaintyType.NORMAL_DISTRIBUTION, mean=amount, sd=u.sd
        )
    if u.distribution == "uniform":
        return o.Uncertainty(
            distribution_type=o.UncertaintyType.UNIFORM_DISTRIBUTION,
            minimum=u.minimum,
            maximum=u.maximum,
        )
    if u.distribution == "triangular":
        return o.Uncertainty(
            distribution_type=o.UncertaintyType.TRIANGLE_DISTRIBUTION,
            minimum=u.minimum,
            mode=amount,
            maximum=u.maximum,
        )
    return None


# --------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------


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
                _scaled(_uncertainty(exchange["uncertainty"]), k)
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
        uncertainty=_scaled(line.uncertainty, share),
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


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

_NAMESPACE = uuid.UUID("3b74963d-838b-4d51-b2e0-cc0380627d32")

# Known units per dimension, with factors to the dimension's base unit, so that the unit
# groups written are usable in openLCA beyond the one unit a flow is measured in.
_DIMENSIONS: tuple[tuple[str, str, Mapping[str, float]], ...] = (
    ("mass", "Mass", {"kg": 1.0, "g": 1e-3, "mg": 1e-6, "t": 1e3}),
    (
        "energy",
        "Energy",
        {"MJ": 1.0, "kJ": 1e-3, "GJ": 1e3, "kWh": 3.6, "Wh": 3.6e-3, "MWh": 3.6e3},
    ),
    ("mass*length", "Goods transport (mass*distance)", {"t*km": 1.0, "kg*km": 1e-3}),
    ("volume", "Volume", {"m3": 1.0, "l": 1e-3}),
    ("items", "Number of items", {"Item(s)": 1.0}),
    ("area", "Area", {"m2": 1.0, "ha": 1e4, "km2": 1e6}),
    ("area*time", "Area*time", {"m2*a": 1.0, "ha*a": 1e4}),
    ("length", "Length", {"m": 1.0, "km": 1e3}),
    ("radioactivity", "Radioactivity", {"kBq": 1.0, "Bq": 1e-3}),
)


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _ref(type_name: str, key: str, name: str) -> Any:
    return o.Ref(ref_type=o.RefType[type_name], id=key, name=name)


class _UnitWriter:
    """One unit group and flow property per unit used, with the unit as its reference.

    openLCA measures a flow in the reference unit of its property's group, so a flow kept in
    kWh needs a group whose reference unit is kWh (Tanji amounts are in the flow's own unit).
    """

    def __init__(self) -> None:
        self.properties: dict[str, Any] = {}
        self.entities: list[Any] = []
        self.unit_refs: dict[str, Any] = {}

    def property_of(self, unit: str) -> Any:
        if unit not in self.properties:
            self.properties[unit] = self._create(unit)
        return self.properties[unit]

    def _create(self, unit: str) -> Any:
        dimension, prop_name, known = next(
            ((d, p, k) for d, p, k in _DIMENSIONS if unit in k), (unit, unit, {unit: 1.0})
        )
        units = [
            o.Unit(
                id=_uid("unit", unit, name),
                name=name,
                conversion_factor=factor / known[unit],
                is_ref_unit=name == unit,
            )
            for name, factor in known.items()
        ]
        group = o.UnitGroup(
            id=_uid("unit-group", unit), name=f"Units of {dimension} ({unit})", units=units
        )
        prop = o.FlowProperty(
            id=_uid("flow-property", unit),
            name=f"{prop_name} ({unit})",
            flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY,
            unit_group=_ref("UnitGroup", group.id, group.name),
        )
        self.entities += [group, prop]
        return prop

    def refs(self, unit: str) -> tuple[Any, Any]:
        """(unit ref, flow property ref) of a unit."""
        prop = self.property_of(unit)
        if unit not in self.unit_refs:
            self.unit_refs[unit] = _ref("Unit", _uid("unit", unit, unit), unit)
        return self.unit_refs[unit], _ref("FlowProperty", prop.id, prop.name)

    def factors(self, unit: str) -> list[Any]:
        _, prop = self.refs(unit)
        return [
            o.FlowPropertyFactor(
                flow_property=prop, conversion_factor=1.0, is_ref_flow_property=True
            )
        ]


def write_jsonld(bundle: LciBundle, path: Path) -> None:
    """Write a bundle as an openLCA JSON-LD zip (olca-schema 2), replacing ``path``.

    Each activity becomes a process whose quantitative reference is the output of a product
    flow (id derived from the activity key); technosphere inputs name their provider as
    default provider; product systems carry the process links of their supply chain.
    Reading the file back gives the same bundle content, with two exceptions that leave
    the matrices unchanged: a PRODUCTION exchange of another activity's product comes back
    as a negative TECHNOSPHERE input, and an empty ``reference_product`` as the activity
    name. Waste treatments are written as producers of a "treatment" product. Ids not
    taken from the bundle are UUIDv5, so the same bundle gives the same ids. Raises
    :class:`DataFormatError` if the bundle refers to an activity or flow it lacks.
    """
    path = Path(path)
    entities = _Writer(path, bundle).entities()
    # Written the way zipio.ZipWriter writes (olca-schema.json, then <folder>/<@id>.json
    # from each entity's to_dict), but as compact JSON: ZipWriter's indent=2 makes Python
    # fall back from its C JSON encoder, which took 70 % of the time of a large export.
    # A fresh file is moved into place, so an existing one is replaced, not appended to.
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("olca-schema.json", '{"version": 2}')
        for entity in entities:
            folder = _FOLDERS[type(entity).__name__]
            archive.writestr(f"{folder}/{entity.id}.json", json.dumps(entity.to_dict()))
    os.replace(partial, path)


class _Writer:
    """Builds the olca-schema entities of one bundle."""

    def __init__(self, path: Path, bundle: LciBundle) -> None:
        self.path = path
        self.bundle = bundle
        self.units = _UnitWriter()
        self.activities = {a.key: a for a in bundle.activities}
        self.flows = {f.key: f for f in bundle.flows}
        self.products = {a.key: self._product_flow(a) for a in bundle.activities}

    def entities(self) -> list[Any]:
        entities: list[Any] = [self._flow(f) for f in self.bundle.flows]
        entities += self.products.values()
        locations = dict.fromkeys(a.location for a in self.bundle.activities if a.location)
        entities += [o.Location(id=_uid("location", c), name=c, code=c) for c in locations]
        entities += [self._process(a) for a in self.bundle.activities]
        for method in self.bundle.methods:
            entities += self._method(method)
        entities += [self._system(s) for s in self.bundle.product_systems]
        return [*self.units.entities, *entities]

    def _fail(self, problem: str) -> DataFormatError:
        return DataFormatError(str(self.path), problem)

    def _product_flow(self, activity: Activity) -> Any:
        return o.Flow(
            id=_uid("product", activity.key),
            name=activity.reference_product or activity.name,
            flow_type=o.FlowType.PRODUCT_FLOW,
            flow_properties=self.units.factors(activity.unit),
        )

    def _flow(self, flow: ElementaryFlow) -> Any:
        return o.Flow(
            id=flow.key,
            name=flow.name,
            flow_type=o.FlowType.ELEMENTARY_FLOW,
            category=flow.compartment or None,
            cas=flow.cas,
            formula=flow.formula,
            flow_properties=self.units.factors(flow.unit),
        )

    def _process(self, activity: Activity) -> Any:
        exchanges = [self._exchange(activity, e) for e in _reference_first(activity)]
        for internal_id, exchange in enumerate(exchanges, start=1):
            exchange.internal_id = internal_id
        exchanges[0].is_quantitative_reference = True
        location = activity.location
        return o.Process(
            id=activity.key,
            name=activity.name,
            category=activity.category or None,
            description=activity.comment,
            process_type=o.ProcessType.UNIT_PROCESS,
            location=_ref("Location", _uid("location", location), location) if location else None,
            exchanges=exchanges,
            last_internal_id=len(exchanges),
            other_properties={"tanji": {"name_zh": activity.name_zh}} if activity.name_zh else None,
        )

    def _exchange(self, activity: Activity, e: Exchange) -> Any:
        amount, provider = e.amount, None
        if e.kind is ExchangeKind.BIOSPHERE:
            flow = self.flows.get(e.target)
            if flow is None:
                raise self._fail(f"activity {activity.key}: no elementary flow {e.target}")
            flow_ref, unit = _ref("Flow", flow.key, flow.name), flow.unit
            is_input = "resource" in flow.compartment.lower()
        else:
            supplier = self.activities.get(e.target)
            if supplier is None:
                raise self._fail(f"activity {activity.key}: no activity {e.target}")
            product = self.products[e.target]
            flow_ref, unit = _ref("Flow", product.id, product.name), supplier.unit
            is_input = not (e.kind is ExchangeKind.PRODUCTION and e.target == activity.key)
            if is_input:
                # A co-production of another activity's product is, for the matrices, the
                # same as a negative input of it (openLCA's avoided product): written so.
                amount = amount if e.kind is ExchangeKind.TECHNOSPHERE else -amount
                provider = _ref("Process", supplier.key, supplier.name)
        unit_ref, prop_ref = self.units.refs(unit)
        return o.Exchange(
            amount=amount,
            flow=flow_ref,
            unit=unit_ref,
            flow_property=prop_ref,
            is_input=is_input,
            default_provider=provider,
            uncertainty=_olca_uncertainty(e.uncertainty, amount),
            description=e.comment,
        )

    def _method(self, method: ImpactMethod) -> list[Any]:
        factors = []
        for key, value in method.factors:
            flow = self.flows.get(key)
            if flow is None:
                raise self._fail(f"method {method.name!r}: no elementary flow {key}")
            unit_ref, prop_ref = self.units.refs(flow.unit)
            factors.append(
                o.ImpactFactor(
                    flow=_ref("Flow", key, flow.name),
                    value=value,
                    unit=unit_ref,
                    flow_property=prop_ref,
                )
            )
        category = o.ImpactCategory(
            id=method.key, name=method.name, ref_unit=method.unit, impact_factors=factors
        )
        grouping = o.ImpactMethod(
            id=_uid("method", method.key),
            name=method.name,
            impact_categories=[_ref("ImpactCategory", method.key, method.name)],
        )
        return [category, grouping]

    def _system(self, system: ProductSystem) -> Any:
        reference = self.activities.get(system.reference_activity)
        if reference is None:
            raise self._fail(f"product system {system.name!r}: no reference activity")
        unit_ref, prop_ref = self.units.refs(reference.unit)
        seen, links = self._supply_chain(reference)
        return o.ProductSystem(
            id=system.key,
            name=system.name,
            ref_process=_ref("Process", reference.key, reference.name),
            ref_exchange=o.ExchangeRef(internal_id=1),
            target_amount=system.amount,
            target_unit=unit_ref,
            target_flow_property=prop_ref,
            processes=[_ref("Process", key, self.activities[key].name) for key in seen],
            process_links=links,
        )

    def _supply_chain(self, reference: Activity) -> tuple[dict[str, None], list[Any]]:
        """The processes upstream of ``reference`` and the links between them, breadth first."""
        seen, links, queue = {reference.key: None}, [], deque([reference])
        while queue:
            activity = queue.popleft()
            for internal_id, e in enumerate(_reference_first(activity), start=1):
                if e.kind is ExchangeKind.BIOSPHERE or e.target == activity.key:
                    continue
                supplier = self.activities[e.target]
                links.append(
                    o.ProcessLink(
                        process=_ref("Process", activity.key, activity.name),
                        provider=_ref("Process", supplier.key, supplier.name),
                        flow=_ref("Flow", self.products[e.target].id, supplier.name),
                        exchange=o.ExchangeRef(internal_id=internal_id),
                    )
                )
                if supplier.key not in seen:
                    seen[supplier.key] = None
                    queue.append(supplier)
        return seen, links


def _reference_first(activity: Activity) -> list[Exchange]:
    exchanges = list(activity.exchanges)
    index = next(
        i
        for i, e in enumerate(exchanges)
        if e.kind is ExchangeKind.PRODUCTION and e.target == activity.key
    )
    return [exchanges.pop(index), *exchanges]
