"""Ids and units of the export: UUIDv5 keys, references, unit groups and flow properties."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

# olca-schema ships no type information (no py.typed): its entities are Any at this boundary.
import olca_schema as o  # type: ignore[import-untyped]
import olca_schema.units as olca_units  # type: ignore[import-untyped]

from tanji.domain.lci import FlowProperty

_NAMESPACE = uuid.UUID("3b74963d-838b-4d51-b2e0-cc0380627d32")

# Known units per dimension, with factors to the dimension's base unit (openLCA's reference
# unit of its unit group), so that the unit groups written are usable in openLCA beyond the
# one unit a flow is measured in.
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

_FLOW_TYPES = {
    "elementary": o.FlowType.ELEMENTARY_FLOW,
    "product": o.FlowType.PRODUCT_FLOW,
    "waste": o.FlowType.WASTE_FLOW,
}


#: openLCA's version format (major.minor.update) for entities written new.
_VERSION = "01.00.000"


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _is_uuid(key: str) -> bool:
    """openLCA keeps ids as 36-character UUID strings; other keys get a UUIDv5."""
    if len(key) != 36:
        return False
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True


def _ref(type_name: str, key: str, name: str, **more: Any) -> Any:
    return o.Ref(ref_type=o.RefType[type_name], id=key, name=name, **more)


def _dimension(unit: str) -> Mapping[str, float]:
    """The known units of ``unit``'s dimension with factors to its base, or just ``unit``."""
    return next((known for _, _, known in _DIMENSIONS if unit in known), {unit: 1.0})


def _openlca_quantity(unit: str) -> FlowProperty | None:
    """openLCA's reference flow property of a unit, when the unit is the reference unit
    of that property's unit group (ids from olca-schema's ``units.csv``, openLCA's
    reference data); None otherwise (e.g. kWh, whose group's reference unit is MJ)."""
    known = next((k for _, _, k in _DIMENSIONS if unit in k), None)
    if known is None or known[unit] != 1.0:
        return None
    unit_ref, group = olca_units.unit_ref(unit), olca_units.group_ref(unit)
    prop = olca_units.property_ref(unit)
    if unit_ref is None or group is None or prop is None:
        return None
    return FlowProperty(
        key=str(prop.id),
        name=str(prop.name),
        unit=unit,
        unit_key=str(unit_ref.id),
        unit_group_key=str(group.id),
        unit_group_name=str(group.name),
    )


class _UnitWriter:
    """The unit groups and flow properties flows are measured in.

    openLCA measures a flow in the reference unit of its property's group, and Tanji keeps
    amounts in that unit, so each quantity written has the flow's unit as its group's
    reference unit. In this order: the flow property the bundle names (its ids from the
    source, e.g. an openLCA import); openLCA's reference flow property of the unit (kg →
    Mass, Units of mass; MJ → Energy …); else a group and property of that unit alone.
    """

    def __init__(self, properties: Sequence[FlowProperty]) -> None:
        self.named = {p.key: p for p in properties}
        self.groups: dict[str, Any] = {}  # unit group id → entity
        self.properties: dict[str, Any] = {}  # flow property id → entity
        self.chosen: dict[tuple[str, str], tuple[Any, Any]] = {}  # (unit, key) → refs

    def entities(self) -> list[Any]:
        return [*self.groups.values(), *self.properties.values()]

    def refs(self, unit: str, property_key: str = "") -> tuple[Any, Any]:
        """(unit ref, flow property ref) of a flow measured in ``unit``."""
        slot = (unit, property_key)
        if slot not in self.chosen:
            self.chosen[slot] = self._choose(unit, property_key)
        return self.chosen[slot]

    def factors(self, unit: str, property_key: str = "") -> list[Any]:
        _, prop = self.refs(unit, property_key)
        return [
            o.FlowPropertyFactor(
                flow_property=prop, conversion_factor=1.0, is_ref_flow_property=True
            )
        ]

    def _choose(self, unit: str, property_key: str) -> tuple[Any, Any]:
        named = self.named.get(property_key)
        for quantity in (named if named and named.unit == unit else None, _openlca_quantity(unit)):
            if quantity is not None and self._fits(quantity):
                return self._write(quantity)
        return self._write(
            FlowProperty(
                key=_uid("flow-property", unit),
                name=f"{_property_name(unit)} ({unit})",
                unit=unit,
                unit_key=_uid("unit", unit, unit),
                unit_group_key=_uid("unit-group", unit),
                unit_group_name=f"Units of {_dimension_name(unit)} ({unit})",
            )
        )

    def _fits(self, quantity: FlowProperty) -> bool:
        """False where the same group was written with another reference unit."""
        group = self.groups.get(quantity.unit_group_key or _uid("unit-group", quantity.key))
        return group is None or any(u.is_ref_unit and u.name == quantity.unit for u in group.units)

    def _write(self, q: FlowProperty) -> tuple[Any, Any]:
        group_id = q.unit_group_key or _uid("unit-group", q.key)
        unit_id = q.unit_key or _uid("unit", group_id, q.unit)
        if group_id not in self.groups:
            known = _dimension(q.unit)
            units = [o.Unit(id=unit_id, name=q.unit, conversion_factor=1.0, is_ref_unit=True)]
            for name, factor in known.items():
                if name == q.unit:
                    continue
                theirs = olca_units.group_ref(name)
                # openLCA's own unit ids inside openLCA's own group, ours elsewhere.
                same = theirs is not None and theirs.id == group_id
                units.append(
                    o.Unit(
                        id=str(olca_units.unit_ref(name).id)
                        if same
                        else _uid("unit", group_id, name),
                        name=name,
                        conversion_factor=factor / known[q.unit],
                    )
                )
            self.groups[group_id] = o.UnitGroup(
                id=group_id,
                name=q.unit_group_name or f"Units of {q.name}",
                units=units,
                default_flow_property=_ref("FlowProperty", q.key, q.name),
            )
        if q.key not in self.properties:
            self.properties[q.key] = o.FlowProperty(
                id=q.key,
                name=q.name,
                flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY,
                unit_group=_ref("UnitGroup", group_id, self.groups[group_id].name),
            )
        return _ref("Unit", unit_id, q.unit), _ref("FlowProperty", q.key, q.name)


def _property_name(unit: str) -> str:
    return next((p for _, p, known in _DIMENSIONS if unit in known), unit)


def _dimension_name(unit: str) -> str:
    return next((d for d, _, known in _DIMENSIONS if unit in known), unit)
