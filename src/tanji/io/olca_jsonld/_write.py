"""LCI bundle → openLCA JSON-LD zip (see the package docstring)."""

from __future__ import annotations

import json
import os
import zipfile
from collections import deque
from datetime import UTC, datetime
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
from tanji.io.olca_jsonld._units import _FLOW_TYPES, _VERSION, _is_uuid, _ref, _uid, _UnitWriter


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


def write_jsonld(bundle: LciBundle, path: Path) -> None:
    """Write a bundle as an openLCA JSON-LD zip (olca-schema 2), replacing ``path``.

    Each activity becomes a process whose quantitative reference is the output of its
    product flow, or for a waste treatment the input of its waste flow; technosphere inputs
    name their provider as default provider (a consumer's waste is a waste output naming
    its treatment); product systems carry the process links of their supply chain; every
    impact category is at ``lcia_categories/<id>.json`` and an impact method groups them.
    Ids from the source are kept (processes, product and waste flows, elementary flows,
    flow properties, unit groups, impact categories and methods); a key that is not a UUID
    (a Brightway id, an ecoSpold2 activity–product pair, a split process) gets a UUIDv5
    and is kept in ``otherProperties.tanji.key``, from which the reader restores it.
    Reading the file back gives the same footprints: see the package docstring for what
    differs. Raises :class:`DataFormatError` if the bundle refers to an activity or flow
    it lacks.
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


def _tanji_properties(key: str, entity_id: str, **more: Any) -> dict[str, Any] | None:
    """``otherProperties`` of an entity: Tanji's key where the id is not it, and more."""
    tanji = {k: v for k, v in more.items() if v}
    if key != entity_id:
        tanji["key"] = key
    return {"tanji": tanji} if tanji else None


class _Writer:
    """Builds the olca-schema entities of one bundle."""

    def __init__(self, path: Path, bundle: LciBundle) -> None:
        self.path = path
        self.bundle = bundle
        self.units = _UnitWriter(bundle.flow_properties)
        self.activities = {a.key: a for a in bundle.activities}
        self.flows = {f.key: f for f in bundle.flows}
        self.flow_ids = {
            f.key: f.key if _is_uuid(f.key) else _uid("flow", f.key) for f in bundle.flows
        }
        self.process_ids = {
            a.key: a.key if _is_uuid(a.key) else _uid("process", a.key) for a in bundle.activities
        }
        #: +1, or -1 for a waste treatment whose reference amount is negative
        self.sign = {a.key: -1.0 if a.production_amount < 0 else 1.0 for a in bundle.activities}
        self.waste = {a.key: a.waste or a.production_amount < 0 for a in bundle.activities}
        self.stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self.flow_refs: dict[str, Any] = {}  # elementary flow key → reference
        self.product_flows: dict[str, Any] = {}  # flow id → entity
        self.products = {a.key: self._product_flow(a) for a in bundle.activities}

    def entities(self) -> list[Any]:
        entities: list[Any] = [self._flow(f) for f in self.bundle.flows]
        entities += self.product_flows.values()
        locations = dict.fromkeys(a.location for a in self.bundle.activities if a.location)
        entities += [o.Location(id=_uid("location", c), name=c, code=c) for c in locations]
        entities += [self._process(a) for a in self.bundle.activities]
        entities += self._methods()
        entities += [self._system(s) for s in self.bundle.product_systems]
        return [*self.units.entities(), *entities]

    def _fail(self, problem: str) -> DataFormatError:
        return DataFormatError(str(self.path), problem)

    def _product_flow(self, activity: Activity) -> Any:
        """The activity's product (or waste) flow entity, shared by activities naming one id."""
        key = activity.product_key
        flow_id = key if key and _is_uuid(key) else _uid("product", key or activity.key)
        kind = "waste" if self.waste[activity.key] else "product"
        flow = self.product_flows.get(flow_id)
        if flow is None:
            flow = self.product_flows[flow_id] = o.Flow(
                id=flow_id,
                name=activity.reference_product or activity.name,
                flow_type=_FLOW_TYPES[kind],
                flow_properties=self.units.factors(activity.unit, activity.product_property),
            )
        elif flow.flow_type is not _FLOW_TYPES[kind]:
            raise self._fail(
                f"activity {activity.key}: its reference flow {flow_id} is a product of one "
                "activity and a waste of another"
            )
        return flow

    def _product_ref(self, activity: Activity) -> Any:
        flow = self.products[activity.key]
        return _ref("Flow", flow.id, flow.name, flow_type=flow.flow_type, ref_unit=activity.unit)

    def _flow(self, flow: ElementaryFlow) -> Any:
        flow_id = self.flow_ids[flow.key]
        return o.Flow(
            id=flow_id,
            name=flow.name,
            flow_type=o.FlowType.ELEMENTARY_FLOW,
            category=flow.compartment or None,
            cas=flow.cas,
            formula=flow.formula,
            flow_properties=self.units.factors(flow.unit, flow.flow_property),
            other_properties=_tanji_properties(flow.key, flow_id),
        )

    def _flow_ref(self, flow: ElementaryFlow) -> Any:
        """One reference per flow, shared by its exchanges and factors (only serialized)."""
        ref = self.flow_refs.get(flow.key)
        if ref is None:
            ref = self.flow_refs[flow.key] = _ref(
                "Flow",
                self.flow_ids[flow.key],
                flow.name,
                flow_type=o.FlowType.ELEMENTARY_FLOW,
                category=flow.compartment or None,
                ref_unit=flow.unit,
            )
        return ref

    def _process(self, activity: Activity) -> Any:
        exchanges = [self._exchange(activity, e) for e in _reference_first(activity)]
        for internal_id, exchange in enumerate(exchanges, start=1):
            exchange.internal_id = internal_id
        exchanges[0].is_quantitative_reference = True
        location = activity.location
        process_id = self.process_ids[activity.key]
        return o.Process(
            id=process_id,
            name=activity.name,
            category=activity.category or None,
            description=activity.comment,
            process_type=o.ProcessType.UNIT_PROCESS,
            location=_ref("Location", _uid("location", location), location) if location else None,
            exchanges=exchanges,
            last_internal_id=len(exchanges),
            other_properties=_tanji_properties(
                activity.key,
                process_id,
                name_zh=activity.name_zh,
                negative_reference=self.sign[activity.key] < 0,
            ),
        )

    def _exchange(self, activity: Activity, e: Exchange) -> Any:
        amount, provider, uncertainty = e.amount, None, e.uncertainty
        if e.kind is ExchangeKind.BIOSPHERE:
            flow = self.flows.get(e.target)
            if flow is None:
                raise self._fail(f"activity {activity.key}: no elementary flow {e.target}")
            flow_ref, (unit_ref, prop_ref) = (
                self._flow_ref(flow),
                self.units.refs(flow.unit, flow.flow_property),
            )
            is_input = "resource" in flow.compartment.lower()
        else:
            supplier = self.activities.get(e.target)
            if supplier is None:
                raise self._fail(f"activity {activity.key}: no activity {e.target}")
            flow_ref = self._product_ref(supplier)
            unit_ref, prop_ref = self.units.refs(supplier.unit, supplier.product_property)
            waste, sign = self.waste[supplier.key], self.sign[supplier.key]
            if e.kind is ExchangeKind.PRODUCTION and e.target == activity.key:
                # The reference: a product output, or a waste treatment's waste input.
                is_input, k = waste, sign
            else:
                # An input of the supplier's product, or a co-production of it written as a
                # negative input (openLCA's avoided product): the same matrix entry. openLCA
                # enters a waste output positive in the treatment's row, whose reference
                # (waste input) it enters negative: the row of a positive-reference
                # treatment negated, that of a negative-reference one as it is.
                k = 1.0 if e.kind is ExchangeKind.TECHNOSPHERE else -1.0
                is_input, k = (False, sign * k) if waste else (True, k)
                provider = _ref("Process", self.process_ids[supplier.key], supplier.name)
            amount, uncertainty = k * amount, uncertainty.scaled(k)
        return o.Exchange(
            amount=amount,
            flow=flow_ref,
            unit=unit_ref,
            flow_property=prop_ref,
            is_input=is_input,
            default_provider=provider,
            uncertainty=_olca_uncertainty(uncertainty, amount),
            description=e.comment,
        )

    def _methods(self) -> list[Any]:
        """An impact category per method, and the impact methods grouping them."""
        entities: list[Any] = []
        groups: dict[str, Any] = {}
        for method in self.bundle.methods:
            category = self._category(method)
            entities.append(category)
            group_key = method.group_key or _uid("method", category.id)
            name = method.group_name or method.name
            group = groups.setdefault(
                group_key,
                # description, version and lastChange as openLCA writes them (bw2io's
                # openLCA LCIA importer needs all three).
                o.ImpactMethod(
                    id=group_key,
                    name=name,
                    impact_categories=[],
                    description="",
                    version=_VERSION,
                    last_change=self.stamp,
                ),
            )
            group.impact_categories.append(
                _ref("ImpactCategory", category.id, category.name, ref_unit=method.unit or None)
            )
        return [*entities, *groups.values()]

    def _category(self, method: ImpactMethod) -> Any:
        factors = []
        for key, value in method.factors:
            flow = self.flows.get(key)
            if flow is None:
                raise self._fail(f"method {method.name!r}: no elementary flow {key}")
            unit_ref, prop_ref = self.units.refs(flow.unit, flow.flow_property)
            factors.append(
                o.ImpactFactor(
                    flow=self._flow_ref(flow), value=value, unit=unit_ref, flow_property=prop_ref
                )
            )
        key = method.key if _is_uuid(method.key) else _uid("impact-category", method.key)
        return o.ImpactCategory(
            id=key,
            name=method.name,
            ref_unit=method.unit,
            impact_factors=factors,
            other_properties=_tanji_properties(method.key, key),
            description="",
            version=_VERSION,
            last_change=self.stamp,
        )

    def _system(self, system: ProductSystem) -> Any:
        reference = self.activities.get(system.reference_activity)
        if reference is None:
            raise self._fail(f"product system {system.name!r}: no reference activity")
        unit_ref, prop_ref = self.units.refs(reference.unit, reference.product_property)
        seen, links = self._supply_chain(reference)
        process_id = self.process_ids[reference.key]
        system_id = system.key if _is_uuid(system.key) else _uid("product-system", system.key)
        return o.ProductSystem(
            id=system_id,
            name=system.name,
            other_properties=_tanji_properties(system.key, system_id),
            ref_process=_ref("Process", process_id, reference.name),
            ref_exchange=o.ExchangeRef(internal_id=1),
            # The treatment of w kg where Tanji demands −w units of a negative reference.
            target_amount=system.amount * self.sign[reference.key],
            target_unit=unit_ref,
            target_flow_property=prop_ref,
            processes=[
                _ref("Process", self.process_ids[key], self.activities[key].name) for key in seen
            ],
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
                        process=_ref("Process", self.process_ids[activity.key], activity.name),
                        provider=_ref("Process", self.process_ids[supplier.key], supplier.name),
                        flow=self._product_ref(supplier),
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
