"""The footprint result as JSON (``tanji calc --json``, stored results, the API to come).

Top level: ``total``, ``unit`` ("kg CO2e"), ``per`` (the declared unit), ``stages``,
``gases`` and ``categories`` (fossil, biogenic, dLUC, aircraft) — then the trace:
``lines`` (every term of the root model), ``components`` (each sub-model), ``offsets``,
``data_quality``, ``uncertainty`` and ``pins``. An electricity line's ``grid`` says
which grid factor it took and why (basis, geography and year asked and taken, reason,
and the rule whose basis it is). Numbers are written with full precision
(``repr`` of the float), so a verifier recomputing gets the same digits.

``uncertainty.histogram`` (``edges``, ``counts``) keeps the shape of the Monte Carlo
distribution without its samples: √n bins (at least 10, at most 40) between the smallest
and the largest sample. Design note: storing every sample was rejected — 10 000 floats
per result to draw one chart; results saved before the histogram was added lack it.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

import numpy as np

import tanji
from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint, LineResult, dqr_rating

__all__ = ["RESULT_FORMAT", "footprint_dict"]

RESULT_FORMAT = "footprint-result/1"


#: LineResult's fields, in order. Its values are scalars but for the two mappings, so a
#: shallow copy equals ``dataclasses.asdict`` (which deep-copies, ~4× slower per result).
_LINE_FIELDS = tuple(f.name for f in fields(LineResult))


def _line(line: LineResult) -> dict[str, Any]:
    out = {name: getattr(line, name) for name in _LINE_FIELDS}
    out["gases"] = dict(line.gases)
    out["categories"] = dict(line.categories)
    out["grid"] = asdict(line.grid) if line.grid is not None else None
    return out


def footprint_dict(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None = None,
    *,
    computed_at: str | None = None,
) -> dict[str, Any]:
    model = footprint.model
    product = model.product
    out: dict[str, Any] = {
        "tanji": RESULT_FORMAT,
        "total": footprint.total,
        "unit": footprint.unit,
        "per": footprint.per,
        "stages": dict(footprint.stages),
        "gases": dict(footprint.gases),
        "categories": dict(footprint.categories),
        "recycling_credit": footprint.recycling_credit,
        "per_functional_unit": (
            {
                "total": footprint.per_functional_unit,
                "functional_unit": product.functional_unit.get("zh")
                if product.functional_unit
                else "",
                "declared_units": product.declared_units_per_functional_unit,
            }
            if footprint.per_functional_unit is not None
            else None
        ),
        "product": {
            "id": model.id,
            "version": model.version,
            "name": {"zh": product.name.zh, "en": product.name.en},
            "category": product.category,
            "company": product.company,
            "site": product.site,
            "identifiers": dict(product.identifiers),
            "boundary": product.boundary,
            "reference_period": [
                product.period_start.isoformat() if product.period_start else None,
                product.period_end.isoformat() if product.period_end else None,
            ],
        },
        "method": model.method,
        "end_of_life": model.end_of_life.value,
        "allocation": (
            {
                "method": model.allocation.method.value,
                "share": footprint.allocation_share,
                "stages": list(model.allocation.stages),
                "coproducts": [
                    {"name": c.name, "amount": c.amount, "unit": c.unit, "value": c.value}
                    for c in model.allocation.coproducts
                ],
            }
            if model.allocation
            else None
        ),
        "data_quality": {
            "dqr": footprint.dqr,
            "rating": dqr_rating(footprint.dqr),
            "primary_share": footprint.primary_share,
        },
        "uncertainty": _uncertainty(uncertainty),
        "lines": [_line(line) for line in footprint.lines],
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "declared": c.declared,
                "output": c.output,
                "total": c.total,
                "dqr": c.dqr,
                "primary_share": c.primary_share,
                "lines": [_line(line) for line in c.lines],
            }
            for c in footprint.components[1:]
        ],
        "offsets": [asdict(o) for o in footprint.offsets],
        "pins": [asdict(p) for p in footprint.pins],
        "fingerprint": footprint.fingerprint(),
        "illustrative": footprint.illustrative,
        "notes": list(footprint.notes),
        "tanji_version": tanji.__version__,
    }
    if computed_at:
        out["computed_at"] = computed_at
    return out


def _uncertainty(u: FootprintUncertainty | None) -> dict[str, Any] | None:
    if u is None:
        return None
    s = u.summary
    return {
        "iterations": s.iterations,
        "seed": u.seed,
        "mean": s.mean,
        "median": s.median,
        "sd": s.std,
        "p2_5": s.p2_5,
        "p97_5": s.p97_5,
        "relative_standard_error": s.relative_standard_error,
        "drivers": [asdict(d) for d in u.drivers],
        "histogram": _histogram(u),
    }


def _histogram(u: FootprintUncertainty) -> dict[str, list[float] | list[int]]:
    bins = int(np.clip(round(np.sqrt(len(u.samples))), 10, 40))
    counts, edges = np.histogram(u.samples, bins=bins)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
