"""What a footprint computation gives: its terms, offsets, line and model results and
the footprint with its whole trace."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tanji.domain.burdens import Burden, GridChoice, Pin
from tanji.domain.factors import PefQuality, Uncertainty
from tanji.domain.products import ProductModel

#: The zero emission rate of a renewable contractual instrument (combustion boundary).
GREEN_ELECTRICITY_SOURCE = (
    "World Resources Institute / WBCSD; GHG Protocol Scope 2 Guidance; 2015; "
    "Ch. 6 (market-based method): an energy attribute certificate conveys the emission "
    "rate of its generator, 0 kg CO2/kWh at the point of generation for wind, solar and hydro"
)


#: The link of the pin of a rule the root model was computed under (not merely named).
RULE_APPLIED = "rule:applied"


@dataclass(frozen=True)
class Term:
    """One term of a line: ``coefficient`` units of ``burden`` (or of a sub-model)."""

    model: str
    line: str
    name: str
    stage: str
    coefficient: float
    burden: Burden | None
    submodel: str | None
    formula: str
    share: float = 1.0
    primary: bool = False
    quality: PefQuality = field(default_factory=PefQuality)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    credit: bool = False  # a recycling credit (worldsteel scrap), reported apart too


@dataclass(frozen=True)
class Offset:
    """Offsets and credits are reported beside the footprint and never netted."""

    line: str
    name: str
    kg_co2e: float  # per declared unit, like the footprint
    evidence: str
    kg_co2e_total: float = 0.0  # as stated, for the whole output the data cover


@dataclass(frozen=True)
class LineResult:
    """A term's contribution to its model's footprint per declared unit."""

    model: str
    line: str
    term: str
    name: str
    stage: str
    quantity: float
    unit: str
    link: str
    per_unit: float  # kg CO2e per unit of what is linked (a sub-model: its footprint)
    co2e: float
    gases: Mapping[str, float]
    categories: Mapping[str, float]
    share: float
    primary: bool
    dqr: float | None
    source: str
    formula: str
    illustrative: bool
    credit: bool = False
    grid: GridChoice | None = None  # an electricity term: which grid factor, and why
    #: The unit ``per_unit`` counts: the factor's or dataset's own (kWh for a per-kWh
    #: factor on a line in MWh), or a sub-model's declared unit.
    per: str = ""


@dataclass(frozen=True)
class ModelResult:
    id: str
    name: str
    declared: str
    output: float  # declared units the activity data cover
    total: float
    lines: tuple[LineResult, ...]
    dqr: float | None
    primary_share: float


@dataclass(frozen=True)
class Footprint:
    """A product carbon footprint and its whole trace, per declared unit of the root."""

    model: ProductModel
    total: float
    per_functional_unit: float | None
    stages: Mapping[str, float]
    gases: Mapping[str, float]
    categories: Mapping[str, float]
    lines: tuple[LineResult, ...]
    components: tuple[ModelResult, ...]  # the root first, then each sub-model
    offsets: tuple[Offset, ...]
    allocation_share: float
    dqr: float | None
    primary_share: float
    pins: tuple[Pin, ...]
    notes: tuple[str, ...]
    illustrative: bool
    terms: tuple[Term, ...] = ()
    models: Mapping[str, ProductModel] = field(default_factory=dict)
    recycling_credit: float = 0.0  # included in the total; shown apart as well

    @property
    def unit(self) -> str:
        return "kg CO2e"

    @property
    def per(self) -> str:
        return self.model.product.declared

    def fingerprint(self) -> str:
        """A hash of every number of the result: recomputing must reproduce it exactly."""
        text = "|".join(
            [repr(self.total)]
            + [f"{line.model}/{line.line}/{line.term}={line.co2e!r}" for line in self.lines]
            + [f"{c.id}={c.total!r}" for c in self.components]
        )
        return hashlib.sha256(text.encode()).hexdigest()


def dqr_rating(dqr: float | None) -> str:
    """PEF data quality levels: ≤1.5 excellent, ≤2 very good, ≤3 good, ≤4 fair, else poor."""
    if dqr is None:
        return "unrated"
    for limit, name in ((1.5, "excellent"), (2.0, "very good"), (3.0, "good"), (4.0, "fair")):
        if dqr <= limit:
            return name
    return "poor"


def certificate_ids(models: Sequence[ProductModel]) -> list[tuple[str, str, str]]:
    """(model id, line id, certificate or contract id) of every market-based claim."""
    found: list[tuple[str, str, str]] = []
    for model in models:
        for line in model.lines:
            if line.electricity is None:
                continue
            for instrument in line.electricity.market:
                found.extend((model.id, line.id, i) for i in instrument.ids)
    return found
