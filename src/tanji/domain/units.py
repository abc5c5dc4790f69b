"""Units of activity data: parsing and conversion through pint.

Activity data arrive in the units a plant records ("12.5 MWh", "3 t", "800 km",
"1,200 Nm3"), factors are published per their own unit ("kWh", "t*km", "TJ"). Every
conversion goes through one pint registry with the few units pint lacks:

- ``item`` (pieces, cells, modules) as its own dimension, so "1 piece" never converts
  to "1 kg" or to a dimensionless number;
- ``tkm`` (tonne-kilometre) for freight;
- ``Nm3`` (normal cubic metre, gas at 0 °C and 101.325 kPa) as its own unit, because a
  normal cubic metre is an amount of gas, not a volume that converts to litres at any
  temperature;
- ``kgce`` / ``tce`` (kilogram / tonne of standard coal equivalent, 29.3076 MJ per kgce,
  GB/T 2589-2020 §4.3) for Chinese energy statistics.

A dimension mismatch raises :class:`UnitError` with both units named; callers add the
line that asked.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pint

__all__ = [
    "UNIT_KINDS",
    "UnitError",
    "convert",
    "dimension_of",
    "kind_of",
    "parse_quantity",
    "same_dimension",
]


class UnitError(ValueError):
    """A unit is unknown or cannot be converted to the unit asked for."""


_DEFINITIONS = """
item = [item] = piece = pcs = cell = module = unit_item
tkm = tonne * kilometer = t_km
normal_cubic_meter = [normal_volume] = Nm3
kgce = 29.3076 * megajoule
tce = 1000 * kgce
"""

_SUPERSCRIPT = str.maketrans({"²": "**2", "³": "**3", "·": "*", "⋅": "*"})


@lru_cache(maxsize=1)
def _registry() -> pint.UnitRegistry:
    registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for definition in _DEFINITIONS.strip().splitlines():
        registry.define(definition)
    return registry


def _normal(unit: str) -> str:
    text = unit.strip()
    if text in ("Nm3", "Nm³"):
        return "Nm3"
    text = text.translate(_SUPERSCRIPT)
    # openLCA's unit names (the US LCI database's exports): "metric ton*km" is t*km,
    # "btu" the International Table Btu, "cu ft" a cubic foot.
    text = re.sub(r"\bmetric\s+ton(ne)?s?\b", "t", text)
    text = re.sub(r"\bbtu\b", "Btu", text)
    text = re.sub(r"\bcu\.?\s*ft\b", "ft**3", text)
    # "m3", "km2" → "m**3", "km**2" (pint would read "m3" as a unit named m3).
    text = re.sub(r"(?<=[A-Za-z])([23])\b", r"**\1", text)
    return text.replace("t*km", "tkm").replace("t km", "tkm")


@lru_cache(maxsize=4096)
def _unit(unit: str) -> pint.Unit:
    try:
        return _registry().Unit(_normal(unit))
    except (pint.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, TypeError):
        raise UnitError(f"unknown unit {unit!r}") from None


def parse_quantity(text: str) -> tuple[float, str]:
    """``"12.5 MWh"`` → (12.5, "MWh"); thousands separators are allowed ("1,200 kg")."""
    match = re.fullmatch(r"\s*([-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?)\s*(.*?)\s*", text)
    if match is None or not match.group(2):
        raise UnitError(f"expected a number and a unit such as '12.5 MWh', got {text!r}")
    amount = float(match.group(1).replace(",", ""))
    _unit(match.group(2))
    return amount, match.group(2)


def same_dimension(a: str, b: str) -> bool:
    return bool(_unit(a).dimensionality == _unit(b).dimensionality)


#: Kinds of quantity in words, by a unit of each (``kind_of``).
UNIT_KINDS = (
    ("kWh", "energy"), ("kg", "mass"), ("km", "length"), ("m3", "volume"), ("m2", "area"),
    ("item", "pieces"), ("Nm3", "normal volume (gas)"), ("t*km", "mass × distance"),
    ("h", "time"), ("kW", "power"),
)  # fmt: skip


def kind_of(unit: str) -> str:
    """A unit's kind in words (``energy``, ``mass``), or its dimensionality."""
    try:
        for reference, name in UNIT_KINDS:
            if same_dimension(unit, reference):
                return name
        return dimension_of(unit)
    except UnitError:
        return "an unknown kind"


def dimension_of(unit: str) -> str:
    return str(_unit(unit).dimensionality)


def convert(amount: float, from_unit: str, to_unit: str) -> float:
    """``amount`` in ``from_unit`` expressed in ``to_unit``."""
    if from_unit.strip() == to_unit.strip():
        return amount
    factor = _factor(from_unit, to_unit)
    if factor is None:  # an offset unit (°C): not a plain multiplication
        return float(_registry().Quantity(amount, _unit(from_unit)).to(_unit(to_unit)).magnitude)
    return amount * factor


@lru_cache(maxsize=4096)
def _factor(from_unit: str, to_unit: str) -> float | None:
    """The multiplier from one unit to another (pint is slow; models repeat few pairs)."""
    source, target = _unit(from_unit), _unit(to_unit)
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            f"cannot convert {from_unit!r} ({kind_of(from_unit)}) to {to_unit!r} "
            f"({kind_of(to_unit)})"
        )
    one = _registry().Quantity(1.0, source)
    if not (one._is_multiplicative and _registry().Quantity(1.0, target)._is_multiplicative):
        return None
    return float(one.to(target).magnitude)
