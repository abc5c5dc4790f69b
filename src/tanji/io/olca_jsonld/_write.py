"""LCI bundle → openLCA JSON-LD zip (see the package docstring)."""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# olca-schema ships no type information (no py.typed): its entities are Any at this boundary,
# and every value taken from them is converted to a typed one right away.
import olca_schema as o  # type: ignore[import-untyped]

from tanji.domain.factors import Uncertainty
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
from tanji.io.olca_jsonld._archive import _FOLDERS


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
