"""What a number or a name typed into a product model may be (issue 20: garbage accepted).

Every quantity of a product model — a line's amount, a transport leg's mass and distance,
the output, a co-product — is finite and at most :data:`MAX_AMOUNT` in its own unit; an
inline factor's CO2e (and each gas) is finite and at most :data:`MAX_FACTOR` kg per unit
of the factor; a name is at most :data:`MAX_NAME` characters. The model reader
(:mod:`tanji.io.product_model`) applies them to every path that writes a model: forms,
the API, YAML uploads and the Excel activity-data template.

Design note: one bound per kind rather than one per unit. 10¹⁵ of any unit is beyond
every physical inventory (a year of China's electricity is about 10¹³ kWh; of its crude
steel about 10¹² kg), and 10¹² kg CO2e per unit (a million tonnes per unit) is beyond
every published factor (SF6 is 2.35 × 10⁴ kg CO2e per kg) — so the bounds catch typos
and hostile input (``1e308`` overflowed the sums) without refusing any real product.
"""

from __future__ import annotations

import math

from tanji.domain.problems import Problem

__all__ = [
    "IMPLAUSIBLE",
    "MAX_AMOUNT",
    "MAX_FACTOR",
    "MAX_NAME",
    "amount_problem",
    "factor_problem",
    "name_problem",
]

#: The largest quantity of any unit a model may hold.
MAX_AMOUNT = 1e15
#: The largest inline factor, in kg CO2e (or kg of a gas) per unit.
MAX_FACTOR = 1e12
#: The longest name (of a product, a line, a stage) in characters.
MAX_NAME = 200

#: Beyond these a value is allowed but warned (implausible, not impossible), by kind of
#: unit: (the unit it is compared in, the largest quantity of a product's inventory, the
#: largest factor in kg CO2e per that unit). A billion tonnes or 10¹² kWh is more than any
#: product's inventory (China's crude steel is about 10⁹ t a year); SF6, the largest GWP,
#: is 2.35 × 10⁴ kg CO2e per kg and coal power about 1 kg CO2e per kWh.
IMPLAUSIBLE: dict[str, tuple[str, float, float]] = {
    "mass": ("kg", 1e12, 1e5),
    "energy": ("kWh", 1e12, 1e2),
}


def amount_problem(value: float) -> Problem | None:
    """Why ``value`` cannot be a quantity (None when it can): not finite, or too large."""
    if not math.isfinite(value):
        return Problem("not-finite")
    if abs(value) > MAX_AMOUNT:
        return Problem("amount-too-large", value=f"{value:g}", limit=f"{MAX_AMOUNT:g}")
    return None


def factor_problem(value: float) -> Problem | None:
    """Why ``value`` cannot be a factor in kg per unit (None when it can)."""
    if not math.isfinite(value):
        return Problem("not-finite")
    if abs(value) > MAX_FACTOR:
        return Problem("factor-too-large", value=f"{value:g}", limit=f"{MAX_FACTOR:g}")
    return None


def name_problem(text: str) -> Problem | None:
    """Why ``text`` cannot be a name (None when it can): longer than :data:`MAX_NAME`."""
    length = len(text.strip())
    return Problem("too-long", length=length, limit=MAX_NAME) if length > MAX_NAME else None
