"""openLCA JSON-LD units and flows: unit groups, flow properties, flows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# olca-schema ships no type information (no py.typed): its entities are Any at this boundary,
# and every value taken from them is converted to a typed one right away.
import olca_schema as o  # type: ignore[import-untyped]

from tanji.domain.gases import gas_for
from tanji.domain.lci import ElementaryFlow
from tanji.domain.problems import Problem
from tanji.domain.units import UnitError, convert
from tanji.io.errors import DataFormatError
from tanji.io.olca_jsonld._archive import _Archive


@dataclass(frozen=True)
class _Quantity:
    """A flow property: its unit group's reference unit and unit factors (by id and name)."""

    name: str
    ref_unit: str
    factors: Mapping[str, float]
    # The ids of the flow property, of its unit group and of the group's reference unit.
    key: str = ""
    unit_key: str = ""
    group_key: str = ""
    group_name: str = ""


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
    tanji_key: str = ""  # otherProperties.tanji.key: the key Tanji exported it from

    def factor(self, unit: Any, flow_property: Any) -> tuple[float, str]:
        """Amount in the reference unit per amount in ``unit`` of ``flow_property``, and a
        note when the unit is not in the property's unit group but converts (pint).

        Both are references (olca-schema ``Ref`` s or their JSON), or None for the
        reference unit and the reference flow property.
        """
        quantity, property_factor = self.quantity, 1.0
        property_id, property_name = _id_name(flow_property)
        unit_id, unit_name = _id_name(unit)
        if property_id in self.property_factors:
            quantity, property_factor = self.property_factors[property_id]
        elif property_id:
            converted = self._converted(unit_name)
            if converted is not None:
                return converted
            raise ValueError(
                Problem(
                    "lci-flow-property",
                    property=property_name or property_id,
                    flow=self.name,
                    key=self.key,
                )
            )
        if not (unit_id or unit_name):
            return 1.0 / property_factor, ""
        unit_factor = quantity.factors.get(unit_id) or quantity.factors.get(unit_name)
        if unit_factor is None:
            converted = self._converted(unit_name)
            if converted is not None:
                return converted
            raise ValueError(
                Problem("lci-unit-group", unit=unit_name or unit_id, group=quantity.name)
            )
        return unit_factor / property_factor, ""

    def _converted(self, unit_name: str) -> tuple[float, str] | None:
        """The factor from ``unit_name`` to the flow's unit by pint, if they convert."""
        if not unit_name:
            return None
        try:
            k = convert(1.0, unit_name, self.unit)
        except UnitError:
            return None
        return k, f"{unit_name} → {self.unit}: × {k:.10g} (pint)"


def _id_name(ref: Any) -> tuple[str, str]:
    """(@id, name) of a reference given as an olca-schema Ref, its JSON, or None."""
    if isinstance(ref, dict):
        return str(ref.get("@id") or ""), str(ref.get("name") or "")
    if isinstance(ref, o.Ref):
        return str(ref.id or ""), str(ref.name or "")
    return "", ""


def _quantities(archive: _Archive) -> dict[str, _Quantity]:
    groups: dict[str, tuple[str, dict[str, float], str, str]] = {}
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
        groups[group.id] = (
            str(refs[0].name),
            factors,
            str(refs[0].id or ""),
            str(group.name or ""),
        )
    quantities = {}
    for entry, prop in archive.each("FlowProperty"):
        group_id = prop.unit_group.id if prop.unit_group else None
        if group_id not in groups:
            raise DataFormatError(
                archive.source(entry), f"its unit group {group_id} is not in the zip"
            )
        ref_unit, factors, unit_key, group_name = groups[group_id]
        quantities[prop.id] = _Quantity(
            str(prop.name or ""), ref_unit, factors, prop.id, unit_key, group_id, group_name
        )
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
            tanji_key=_tanji_key(flow.other_properties),
        )
    return flows


def _tanji_key(other: Any) -> str:
    tanji = other.get("tanji") if isinstance(other, dict) else None
    return str(tanji.get("key") or "") if isinstance(tanji, dict) else ""


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
