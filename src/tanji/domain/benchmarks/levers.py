"""Reduction levers as model variants: each lever rewrites a copy of the model document.

A lever is data (:class:`Lever`); :func:`apply_lever` returns the variant document, which
is computed like any model and compared with the baseline by paired Monte Carlo
(:mod:`tanji.domain.benchmarks.paired`). Because a variant is an ordinary document, it
can be kept as the product's next version unchanged.

=====================  ===================================================================
kind                   what the variant changes
=====================  ===================================================================
renewable-electricity  adds a green-power contract (绿电交易) covering ``share`` of each
                       electricity line's grid remainder (zero at generation: GHG
                       Protocol Scope 2 Guidance, market-based method)
onsite-pv              moves ``kwh`` of an electricity line to a new line of self-consumed
                       on-site PV at :data:`PV_FACTOR` (life-cycle, not zero)
recycled-content       splits a material line: ``share`` of it at the recycled ``factor``
supplier-switch        links a line to another supplier's or material's ``factor``
transport-mode         a transport line moves to ``mode`` at that mode's ``factor``
process-efficiency     cuts a line's quantity by ``share`` (less energy or scrap per unit)
=====================  ===================================================================
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tanji.domain.benchmarks.errors import BenchmarkError
from tanji.domain.problems import Problem
from tanji.domain.products import ProductModel
from tanji.domain.units import UnitError, convert, parse_quantity

__all__ = ["PV_FACTOR", "RAIL_FACTOR", "Lever", "LeverKind", "apply_lever"]

#: On-site rooftop PV, life-cycle: the median of the IPCC's literature review. The annex
#: itself was not opened; 26 / 41 / 60 were read in a code text transcribing Table A.III.2
#: (p. 1335) row by row, the median 41 in two more texts citing the table, and one text's
#: solar average over CSP, rooftop and utility PV (17.6 / 38.6 / 101) agrees with them.
PV_FACTOR: Mapping[str, Any] = {
    "unit": "kWh",
    "co2e_kg": 0.041,
    "name": "屋顶光伏发电（全生命周期）rooftop PV electricity, life cycle",
    "source": {
        "publisher": "IPCC Working Group III",
        "title": "Climate Change 2014: Mitigation of Climate Change, Annex III",
        "year": 2014,
        "table": "Table A.III.2 (p. 1335), Solar PV — rooftop: median 41 g CO2eq/kWh "
        "(min 26, max 60); read in secondary transcriptions of the table, not in the annex",
    },
    "uncertainty": {"distribution": "triangular", "minimum": 0.026, "maximum": 0.060},
}
#: Rail freight for a mode shift: the shipped DESNZ 2025 well-to-wheel factor (a UK value,
#: the shipped table's proxy for China; see its row).
RAIL_FACTOR = "freight-transport:DESNZ2025-FREIGHT-RAIL-TRAIN-WTW"


class LeverKind(StrEnum):
    RENEWABLE = "renewable-electricity"
    ONSITE_PV = "onsite-pv"
    RECYCLED = "recycled-content"
    SUPPLIER = "supplier-switch"
    TRANSPORT = "transport-mode"
    EFFICIENCY = "process-efficiency"


_LINK_KEYS = ("factor", "activity", "supplier", "model", "gas")


@dataclass(frozen=True)
class Lever:
    """One what-if change. ``cost_cny``: its cost over the model's output period."""

    kind: LeverKind
    line: str = ""
    share: float = 0.0
    kwh: float = 0.0
    factor: Mapping[str, Any] | str | None = None
    mode: str = ""
    label: str = ""
    cost_cny: float | None = None

    def __post_init__(self) -> None:
        needs_share = (LeverKind.RENEWABLE, LeverKind.RECYCLED, LeverKind.EFFICIENCY)
        if self.kind in needs_share and not 0.0 < self.share <= 1.0:
            raise BenchmarkError(Problem("bench-share", kind=self.kind.value, value=self.share))
        if self.kind is LeverKind.ONSITE_PV and not (self.kwh > 0 and math.isfinite(self.kwh)):
            raise BenchmarkError(Problem("bench-pv-kwh", value=self.kwh))
        needs_factor = (LeverKind.RECYCLED, LeverKind.SUPPLIER, LeverKind.TRANSPORT)
        if self.kind in needs_factor and not self.factor:
            raise BenchmarkError(Problem("bench-new-factor", kind=self.kind.value))
        whole = (LeverKind.RENEWABLE, LeverKind.ONSITE_PV)
        if self.kind not in whole and not self.line:
            raise BenchmarkError(Problem("bench-lever-line", kind=self.kind.value))
        if self.cost_cny is not None and not math.isfinite(self.cost_cny):
            raise BenchmarkError(Problem("bench-cost", value=self.cost_cny))


def _quantity(text: str) -> tuple[float, str]:
    return parse_quantity(str(text))


def _fmt(amount: float, unit: str) -> str:
    return f"{amount:.10g} {unit}"


def _line(data: Mapping[str, Any], line_id: str) -> dict[str, Any]:
    for line in data.get("lines", []):
        if line.get("id") == line_id:
            found: dict[str, Any] = line
            return found
    raise BenchmarkError(Problem("bench-no-line", line=repr(line_id)))


def _electricity_lines(data: Mapping[str, Any], line_id: str) -> list[dict[str, Any]]:
    lines = [x for x in data.get("lines", []) if "electricity" in x]
    if line_id:
        lines = [x for x in lines if x.get("id") == line_id]
    if not lines:
        raise BenchmarkError(Problem("bench-no-electricity", line=f" {line_id}" if line_id else ""))
    return lines


def _grid_kwh(model: ProductModel, line_id: str) -> float:
    """The kWh of a line not yet covered by a market instrument."""
    line = next(x for x in model.lines if x.id == line_id)
    try:
        total = convert(line.amount, line.unit, "kWh")
    except UnitError as exc:
        raise BenchmarkError(f"line {line_id}: {exc}") from None
    covered = sum(m.kwh for m in line.electricity.market) if line.electricity else 0.0
    return max(total - covered, 0.0)


def _renewable(model: ProductModel, data: dict[str, Any], lever: Lever) -> None:
    for line in _electricity_lines(data, lever.line):
        kwh = lever.share * _grid_kwh(model, line["id"])
        if kwh <= 0:
            continue
        line["electricity"].setdefault("market", []).append(
            {
                "instrument": "green-power",
                "ids": [f"SCENARIO-{line['id']}"],
                "quantity": _fmt(kwh, "kWh"),
                "evidence": "what-if scenario: green power contract (绿电交易) still to be signed",
            }
        )


def _onsite_pv(model: ProductModel, data: dict[str, Any], lever: Lever) -> None:
    line = _electricity_lines(data, lever.line)[0]
    remainder = _grid_kwh(model, line["id"])
    kwh = min(lever.kwh, remainder)
    amount, unit = _quantity(line["quantity"])
    line["quantity"] = _fmt(amount - convert(kwh, "kWh", unit), unit)
    data["lines"].append(
        {
            "id": f"{line['id']}-onsite-pv",
            "stage": line.get("stage", "production"),
            "name": "厂内光伏自发自用 on-site PV, self-consumed (scenario)",
            "quantity": _fmt(kwh, "kWh"),
            "factor": copy.deepcopy(dict(PV_FACTOR)),
            "data": "secondary",
        }
    )


def _relink(line: dict[str, Any], factor: Mapping[str, Any] | str) -> None:
    for key in _LINK_KEYS:
        line.pop(key, None)
    line["factor"] = copy.deepcopy(factor) if isinstance(factor, Mapping) else factor


def _recycled(data: dict[str, Any], lever: Lever) -> None:
    line = _line(data, lever.line)
    if "quantity" not in line or "electricity" in line or "transport" in line:
        raise BenchmarkError(Problem("bench-recycled", line=lever.line))
    amount, unit = _quantity(line["quantity"])
    line["quantity"] = _fmt(amount * (1.0 - lever.share), unit)
    recycled = copy.deepcopy(line)
    recycled["id"] = f"{line['id']}-recycled"
    recycled["name"] = f"{line.get('name', line['id'])} — recycled (scenario)"
    recycled["quantity"] = _fmt(amount * lever.share, unit)
    recycled.pop("uncertainty", None)
    assert lever.factor is not None
    _relink(recycled, lever.factor)
    data["lines"].append(recycled)
    if lever.share == 1.0:
        data["lines"].remove(line)


def _efficiency(data: dict[str, Any], lever: Lever) -> None:
    line = _line(data, lever.line)
    if "quantity" not in line:
        raise BenchmarkError(Problem("bench-efficiency", line=lever.line))
    amount, unit = _quantity(line["quantity"])
    line["quantity"] = _fmt(amount * (1.0 - lever.share), unit)
    u = line.get("uncertainty")
    if isinstance(u, dict) and "sd" in u:
        u["sd"] = u["sd"] * (1.0 - lever.share)  # the same relative spread


def apply_lever(model: ProductModel, data: Mapping[str, Any], lever: Lever) -> dict[str, Any]:
    """The variant document: a deep copy of ``data`` (the model's document) changed by
    ``lever``. ``model`` is the parsed baseline (its amounts in units)."""
    out: dict[str, Any] = copy.deepcopy(dict(data))
    if lever.kind is LeverKind.RENEWABLE:
        _renewable(model, out, lever)
    elif lever.kind is LeverKind.ONSITE_PV:
        _onsite_pv(model, out, lever)
    elif lever.kind is LeverKind.RECYCLED:
        _recycled(out, lever)
    elif lever.kind is LeverKind.EFFICIENCY:
        _efficiency(out, lever)
    else:
        line = _line(out, lever.line)
        if lever.kind is LeverKind.TRANSPORT:
            if "transport" not in line:
                raise BenchmarkError(Problem("bench-transport", line=lever.line))
            line["transport"]["mode"] = lever.mode or "rail"
        assert lever.factor is not None
        _relink(line, lever.factor)
    return out
