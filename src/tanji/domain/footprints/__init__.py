"""Product carbon footprints: from a product model's lines to a traceable result.

The computation, in three steps:

1. **Expand** every line into terms: a quantity (converted through pint to the unit of
   what it links to, times the allocation share) and a burden (kg CO2e per unit, by gas
   and category) — or, for a sub-model link, an amount of that model's declared unit.
   Electricity splits into market-based instruments and the grid remainder; a CFF line
   into the formula's terms; co-products under system expansion add credit terms.
2. **Solve the foreground** with the engine. Each product model m is an activity whose
   reference amount is its output (in declared units, A[m,m]); sub-model terms are
   inputs (A[k,m] = −q). Direct terms are the biosphere: B[t,m] = q_t with
   characterization c_t = burden per unit. The footprint per declared unit of every
   model at once is the adjoint solve Aᵀ·h = Bᵀ·c (loops are solved, not recursed).
3. **Attribute** the root model's result to its own lines: a direct term contributes
   q_t·c_t / output, a sub-model term q_t·h_k / output; these sum exactly to h_root. By
   stage, by gas and by reporting category follow from the same terms.

Data quality follows the EU PEF method: DQR = (TeR + GeR + TiR + P)/4 per line, and the
result's DQR is the mean weighted by the absolute contribution (Commission
Recommendation (EU) 2021/2279, Annex I §4.6.5.7). The primary-data share is the
absolute-contribution share of lines flagged primary.
"""

from tanji.domain.footprints.expansion import expand
from tanji.domain.footprints.results import (
    GREEN_ELECTRICITY_SOURCE,
    RULE_APPLIED,
    Footprint,
    LineResult,
    ModelResult,
    Offset,
    Term,
    certificate_ids,
    dqr_rating,
)
from tanji.domain.footprints.solve import compute

__all__ = [
    "GREEN_ELECTRICITY_SOURCE",
    "RULE_APPLIED",
    "Footprint",
    "LineResult",
    "ModelResult",
    "Offset",
    "Term",
    "certificate_ids",
    "compute",
    "dqr_rating",
    "expand",
]
