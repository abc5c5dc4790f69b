"""What an openLCA import keeps of the source's ids, and what Tanji's own export restores.

Kept for the export (:mod:`._write`) to refer to the same entities: each activity's
reference flow id and kind (product or waste), the flow property (with its unit group and
reference unit) every flow is measured in, and the impact method that grouped each impact
category. Restored from ``otherProperties.tanji`` of a zip Tanji wrote: the keys that were
not UUIDs (``key``) and the ecoinvent sign of a waste treatment (``negative_reference``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tanji.domain.lci import (
    Exchange,
    ExchangeKind,
    FlowProperty,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.io.olca_jsonld._archive import _Archive
from tanji.io.olca_jsonld._flows import _Flow, _tanji_key
from tanji.io.olca_jsonld._process import _Process

__all__ = ["method_groups", "with_identities"]


def method_groups(archive: _Archive) -> dict[str, tuple[str, str]]:
    """Impact category id → (impact method id, name) of the zip's impact methods, and
    → ("", Tanji's key) for a category Tanji wrote under another id."""
    groups: dict[str, tuple[str, str]] = {}
    for _, method in archive.each("ImpactMethod"):
        for category in method.impact_categories or []:
            if category.id:
                groups.setdefault(str(category.id), (str(method.id), str(method.name or "")))
    for entry in archive.entries.get("lcia_categories", []):
        data = archive.json_of(entry)
        other = data.get("otherProperties")
        tanji = other.get("tanji") if isinstance(other, dict) else None
        if isinstance(tanji, dict) and tanji.get("key"):
            groups[f"key:{data.get('@id')}"] = ("", str(tanji["key"]))
    return groups


def with_identities(
    bundle: LciBundle,
    processes: Sequence[_Process],
    flows: Mapping[str, _Flow],
    groups: Mapping[str, tuple[str, str]],
    systems: Sequence[tuple[str, Any]] = (),
) -> LciBundle:
    """The bundle with the source's identities, and Tanji's exported keys and signs.

    ``groups``: from :func:`method_groups`; ``systems``: the zip's (entry, product system).
    """
    product_of = {p.activity_key(line): line.flow for p in processes for line in p.products}
    activities = [
        replace(
            a,
            product_key=product.key,
            product_property=product.quantity.key,
            waste=product.kind == "WASTE_FLOW",
        )
        if (product := product_of.get(a.key)) is not None
        else a
        for a in bundle.activities
    ]
    properties = {
        f.quantity.key: FlowProperty(
            key=f.quantity.key,
            name=f.quantity.name,
            unit=f.quantity.ref_unit,
            unit_key=f.quantity.unit_key,
            unit_group_key=f.quantity.group_key,
            unit_group_name=f.quantity.group_name,
        )
        for f in flows.values()
        if f.quantity.key
    }
    elementary = [
        replace(f, flow_property=flows[f.key].quantity.key) if f.key in flows else f
        for f in bundle.flows
    ]
    methods = [
        replace(m, group_key=groups[m.key][0], group_name=groups[m.key][1])
        if m.key in groups
        else m
        for m in bundle.methods
    ]
    methods = [
        replace(m, key=groups[f"key:{m.key}"][1]) if f"key:{m.key}" in groups else m
        for m in methods
    ]
    identified = replace(
        bundle,
        activities=tuple(activities),
        flows=tuple(elementary),
        methods=tuple(methods),
        flow_properties=tuple(properties.values()),
    )
    system_keys = {
        str(system.id): key for _, system in systems if (key := _tanji_key(system.other_properties))
    }
    return _restored(identified, processes, flows, system_keys)


def _restored(
    bundle: LciBundle,
    processes: Sequence[_Process],
    flows: Mapping[str, _Flow],
    system_keys: Mapping[str, str],
) -> LciBundle:
    """Tanji's keys and waste-treatment signs, where the zip was written by Tanji."""
    keys = {p.key: str(p.tanji["key"]) for p in processes if p.tanji.get("key")}
    flow_keys = {f.key: f.tanji_key for f in flows.values() if f.tanji_key}
    negative = {keys.get(p.key, p.key) for p in processes if p.tanji.get("negative_reference")}
    if not (keys or flow_keys or negative or system_keys):
        return bundle

    def exchange(e: Exchange) -> Exchange:
        if e.kind is ExchangeKind.BIOSPHERE:
            return replace(e, target=flow_keys[e.target]) if e.target in flow_keys else e
        target = keys.get(e.target, e.target)
        if target in negative:
            return replace(e, target=target, amount=-e.amount, uncertainty=e.uncertainty.scaled(-1))
        return replace(e, target=target) if target != e.target else e

    activities = tuple(
        replace(a, key=keys.get(a.key, a.key), exchanges=tuple(exchange(e) for e in a.exchanges))
        for a in bundle.activities
    )
    systems = tuple(
        _system(replace(s, key=system_keys.get(s.key, s.key)), keys, negative)
        for s in bundle.product_systems
    )
    return replace(
        bundle,
        activities=activities,
        flows=tuple(replace(f, key=flow_keys.get(f.key, f.key)) for f in bundle.flows),
        methods=tuple(_method(m, flow_keys) for m in bundle.methods),
        product_systems=systems,
    )


def _system(system: ProductSystem, keys: Mapping[str, str], negative: set[str]) -> ProductSystem:
    reference = keys.get(system.reference_activity, system.reference_activity)
    amount = -system.amount if reference in negative else system.amount
    return replace(system, reference_activity=reference, amount=amount)


def _method(method: ImpactMethod, flow_keys: Mapping[str, str]) -> ImpactMethod:
    if not flow_keys:
        return method
    return replace(method, factors=tuple((flow_keys.get(k, k), v) for k, v in method.factors))
