"""Emission factors, their sources and greenhouse gases: plain value objects.

An emission factor says how much greenhouse gas one unit of an activity emits (kg per
kWh, per t, per t·km). It carries its values per gas (so it can be characterized under
any GWP set) or only as CO2e with the GWP basis it was computed with, and everything a
verifier asks of it: geography, validity, boundary, uncertainty, data quality and the
source it comes from (publisher, document, year, table).

Validation happens at construction: a factor that exists is a valid factor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tanji.domain.problems import Problem

__all__ = [
    "AS_PUBLISHED",
    "GWP_BASES",
    "Boundary",
    "DomainError",
    "EmissionFactor",
    "FactorKind",
    "GasAmount",
    "Pedigree",
    "PefQuality",
    "Source",
    "Uncertainty",
]


#: The GWP sets a CO2e value may be stated under.
GWP_BASES = ("IPCC-AR6-GWP100", "IPCC-AR6-GWP20", "IPCC-AR5-GWP100", "IPCC-AR4-GWP100")
#: A CO2e whose publisher did not state the GWP set used.
AS_PUBLISHED = "as published"


class DomainError(ValueError):
    """A value object was given an invalid value; the message names the field."""


class FactorKind(StrEnum):
    """What a factor describes. Electricity kinds are distinct so a model cannot mix them."""

    GRID_LOCATION = "grid_location"  # location-based average grid factor
    GRID_RESIDUAL = "grid_residual"  # excluding market-traded (contracted) non-fossil power
    GRID_LIFECYCLE = "grid_lifecycle"  # life-cycle electricity factor for product footprints
    GRID_FOSSIL = "grid_fossil"  # CO2 of fossil-fuel power only (化石能源电力二氧化碳排放因子)
    #: A fixed parameter of an emissions-trading reporting cycle: never picked by a grid
    #: line's basis, only linked as a factor by a line that must use it.
    GRID_ETS = "grid_ets"
    GENERATION = "electricity_generation"  # life-cycle factor of one generation type
    TRANSMISSION = "electricity_transmission"  # life-cycle factor of transmission and distribution
    COMBUSTION = "combustion"
    TRANSPORT = "transport"
    MATERIAL = "material"
    PROCESS = "process"
    WASTE = "waste"
    OTHER = "other"
    # A regulatory default value (e.g. EU CBAM embedded emissions per tonne of good by CN
    # code): a reference to compare with, never a life-cycle factor picked for a line.
    CBAM_DEFAULT = "cbam_default"


class Boundary(StrEnum):
    COMBUSTION = "combustion"  # direct (tank-to-wheel, stack) emissions only
    LIFE_CYCLE = "life_cycle"  # upstream included (well-to-wheel, cradle-to-gate)


@dataclass(frozen=True)
class Source:
    """Where a value comes from. A publisher and a title are required."""

    publisher: str
    title: str
    year: int | None = None
    document: str | None = None
    table: str | None = None
    url: str | None = None
    licence: str | None = None

    def __post_init__(self) -> None:
        if not self.publisher.strip():
            raise DomainError(Problem("factor-source-publisher"))
        if not self.title.strip():
            raise DomainError(Problem("factor-source-title"))
        if self.year is not None and not 1900 <= self.year <= 2100:
            raise DomainError(Problem("factor-source-year", value=self.year))

    def citation(self) -> str:
        """One line: publisher, title, document, year, table."""
        parts = [self.publisher, self.title, self.document, str(self.year or ""), self.table]
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class GasAmount:
    """kg of one gas (a gas id of the GWP table, e.g. ``CO2``, ``CH4-fossil``) per unit."""

    gas: str
    kg: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.kg):
            raise DomainError(Problem("factor-gas-finite", gas=self.gas, value=self.kg))


_DISTRIBUTIONS = ("none", "lognormal", "normal", "uniform", "triangular")


@dataclass(frozen=True)
class Uncertainty:
    """A distribution of the factor's value.

    lognormal: ``gsd`` (geometric standard deviation, > 1; σ = ln gsd); normal: ``sd``;
    uniform and triangular: ``minimum`` and ``maximum`` (the mode is the value).
    """

    distribution: str = "none"
    gsd: float | None = None
    sd: float | None = None
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.distribution not in _DISTRIBUTIONS:
            raise DomainError(
                Problem(
                    "factor-distribution",
                    choices=", ".join(_DISTRIBUTIONS),
                    text=self.distribution,
                )
            )
        if self.distribution == "lognormal" and not (self.gsd is not None and self.gsd > 1):
            raise DomainError(Problem("factor-gsd"))
        if self.distribution == "normal" and not (self.sd is not None and self.sd >= 0):
            raise DomainError(Problem("factor-sd"))
        if self.distribution in ("uniform", "triangular") and not (
            self.minimum is not None and self.maximum is not None and self.minimum < self.maximum
        ):
            raise DomainError(Problem("factor-min-max", distribution=self.distribution))

    def scaled(self, k: float) -> Uncertainty:
        """The distribution of k·X (a unit conversion, an allocation share, a sign).

        A lognormal's GSD is a ratio, the same in any unit; a normal's standard deviation
        scales by |k|; bounds scale by k and swap when k is negative.
        """
        if self.distribution == "none" or k == 1:
            return self
        if k == 0:
            return Uncertainty()
        if self.distribution == "lognormal":
            return self
        if self.distribution == "normal":
            return Uncertainty("normal", sd=abs(k) * (self.sd or 0.0))
        low, high = k * (self.minimum or 0.0), k * (self.maximum or 0.0)
        return Uncertainty(self.distribution, minimum=min(low, high), maximum=max(low, high))


def _score(name: str, value: int | None, low: int = 1, high: int = 5) -> None:
    if value is not None and not low <= value <= high:
        raise DomainError(Problem("factor-score", field=name, low=low, high=high, value=value))


@dataclass(frozen=True)
class Pedigree:
    """ecoinvent pedigree scores 1 (best) to 5."""

    reliability: int | None = None
    completeness: int | None = None
    temporal: int | None = None
    geographical: int | None = None
    technological: int | None = None

    def __post_init__(self) -> None:
        for name in ("reliability", "completeness", "temporal", "geographical", "technological"):
            _score(f"pedigree {name}", getattr(self, name))


@dataclass(frozen=True)
class PefQuality:
    """EU PEF data-quality ratings 1 (excellent) to 5: TeR, GeR, TiR and precision P."""

    ter: int | None = None
    ger: int | None = None
    tir: int | None = None
    p: int | None = None

    def __post_init__(self) -> None:
        for name in ("ter", "ger", "tir", "p"):
            _score(name.upper(), getattr(self, name))

    def dqr(self) -> float | None:
        """PEF data quality rating: the mean of the four ratings (PEF method, 2021)."""
        values = [self.ter, self.ger, self.tir, self.p]
        if any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None) / 4


@dataclass(frozen=True)
class EmissionFactor:
    """One emission factor, as published (a record's version holds one of these).

    Either ``gases`` (kg per gas per unit) or ``co2e`` with ``gwp_basis`` must be given.
    ``code`` is the factor's stable key inside its database.
    """

    code: str
    name_zh: str
    name_en: str
    kind: FactorKind
    unit: str
    geography: str
    source: Source
    gases: tuple[GasAmount, ...] = ()
    co2e: float | None = None
    gwp_basis: str | None = None
    boundary: Boundary = Boundary.COMBUSTION
    valid_from: date | None = None
    valid_to: date | None = None
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    pedigree: Pedigree = field(default_factory=Pedigree)
    pef: PefQuality = field(default_factory=PefQuality)
    industry_code: str | None = None
    product_code: str | None = None
    illustrative: bool = False
    notes: str | None = None

    def __post_init__(self) -> None:
        for name in ("code", "unit", "geography"):
            if not str(getattr(self, name)).strip():
                raise DomainError(Problem("factor-required", field=name))
        if not (self.name_zh.strip() or self.name_en.strip()):
            raise DomainError(Problem("factor-name"))
        if not self.gases and self.co2e is None:
            raise DomainError(Problem("factor-values"))
        if self.co2e is not None and not math.isfinite(self.co2e):
            raise DomainError(Problem("factor-co2e-finite", value=self.co2e))
        if self.co2e is not None and self.gwp_basis not in (*GWP_BASES, AS_PUBLISHED):
            raise DomainError(
                Problem(
                    "factor-gwp-basis",
                    choices=", ".join(GWP_BASES),
                    published=AS_PUBLISHED,
                    text=repr(self.gwp_basis),
                )
            )
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise DomainError(Problem("factor-period"))
        gases = [g.gas for g in self.gases]
        if len(set(gases)) != len(gases):
            raise DomainError(Problem("factor-gases-once", gases=gases))

    def co2e_under(self, gwp: Mapping[str, float], basis: str) -> float:
        """kg CO2e per unit under a GWP set (gas id → GWP); ``basis`` names that set.

        A CO2e published under ``basis`` is used as published (it may cover gases the
        table does not list one by one). Otherwise per-gas values are characterized with
        ``gwp``. A CO2e published under another stated basis cannot be restated, so that
        raises :class:`DomainError` rather than mixing GWP sets. A CO2e whose publisher
        did not state the GWP set (``as published``) is used as it is.
        """
        if self.co2e is not None and self.gwp_basis in (basis, AS_PUBLISHED):
            return self.co2e
        if self.gases:
            missing = [g.gas for g in self.gases if g.gas not in gwp]
            if missing:
                raise DomainError(f"{self.code}: no {basis} GWP for gas(es) {', '.join(missing)}")
            return sum(g.kg * gwp[g.gas] for g in self.gases)
        raise DomainError(
            f"{self.code}: published only as CO2e under {self.gwp_basis}; it cannot be "
            f"restated under {basis}"
        )
