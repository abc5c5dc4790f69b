"""Burdens: what one unit of a linked thing emits, by gas and reporting category.

Every link of a product model resolves to a :class:`Burden`: kg CO2e per unit, split by
``(gas, category)`` so the result can be reported by gas and with fossil, biogenic, dLUC
and aircraft emissions apart (ISO 14067:2018 §7.2, GB/T 24067-2024). A burden carries
the source, data quality and uncertainty of the value, and the :class:`Pin` (the exact
version) that makes a result reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from tanji.domain.factors import EmissionFactor, PefQuality, Uncertainty
from tanji.domain.products import Link, ProductModel

__all__ = [
    "BIOGENIC_GASES",
    "CATEGORIES",
    "Burden",
    "GridChoice",
    "LinkResolver",
    "Pin",
    "category_of",
    "factor_burden",
    "gas_burden",
]

#: Reporting categories, in report order. ``fossil`` holds every emission not in another.
CATEGORIES = ("fossil", "biogenic", "dluc", "aircraft")
#: Gas ids (of the GWP table and the biogenic method entries) counted as biogenic.
BIOGENIC_GASES = frozenset({"CO2-biogenic", "CO2-biogenic-uptake", "CH4-nonfossil"})
#: The gas key of a value known only as CO2e.
CO2E = "CO2e"

FloatArray = NDArray[np.float64]


def category_of(gas: str) -> str:
    return "biogenic" if gas in BIOGENIC_GASES else "fossil"


@dataclass(frozen=True)
class Pin:
    """The exact version of something a result used.

    ``kind``: factor, activity, supplier, model, gwp, rule; ``ref``: its reference with the
    version (``cn-electricity:CN-ELEC-LOC-2022-CN-JS@1``); ``digest``: a content hash where
    the version number alone does not fix the value (a database version, a model file).
    """

    kind: str
    ref: str
    digest: str = ""
    #: The link as the model wrote it (``factor:DB:CODE``, ``grid:CN-JS:2022:location``):
    #: a pinned recomputation resolves that link to exactly ``ref`` again.
    link: str = ""


@dataclass(frozen=True)
class GridChoice:
    """Which grid factor an electricity line took, and why: the result says so.

    ``reason``: ``exact`` (the geography and year asked), ``regional`` or ``national``
    (no finer factor of the year asked), ``earlier`` (none of the year asked: the latest
    earlier year, finest geography first), ``later`` (nothing earlier is published: the
    earliest later year), ``latest`` (no year asked: the latest year published).
    ``basis_from``: ``model`` (the model states the basis), ``rule`` (the rule's, with
    its reason), ``default`` (neither states it: the life-cycle factor of a product
    footprint), ``market`` (the remainder of a market-based line: the residual factor).
    """

    basis: str  # lifecycle, location, residual
    asked: str  # the geography asked (CN-JS)
    asked_year: int | None
    geography: str  # the geography of the factor taken
    year: int  # its year
    reason: str
    basis_from: str = "default"
    rule: str = ""  # the rule (id@version) whose basis it is
    rule_reason_zh: str = ""
    rule_reason_en: str = ""
    factor: str = ""  # the factor taken (DB:CODE@VERSION) and its names
    name_zh: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Burden:
    """kg CO2e per ``unit`` of the linked thing, by (gas, category)."""

    unit: str
    parts: Mapping[tuple[str, str], float]
    label: str
    source: str
    pins: tuple[Pin, ...] = ()
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    quality: PefQuality = field(default_factory=PefQuality)
    illustrative: bool = False
    #: Background Monte Carlo samples: (background key, activity id) in the resolver.
    sample_key: tuple[str, int] | None = None
    #: What the result must say about the data behind it (e.g. an LCI database's
    #: greenhouse-gas-like flows without a GWP); they become the footprint's notes.
    warnings: tuple[str, ...] = ()
    #: A grid link's choice of factor (which geography and year, and why).
    grid: GridChoice | None = None

    @cached_property
    def total(self) -> float:
        # Cached: a burden is read once per line for the formula, the solve and the result.
        return float(sum(self.parts.values()))

    def recategorized(self, category: str) -> Burden:
        """The same burden reported under one category (a dLUC or aircraft line)."""
        parts: dict[tuple[str, str], float] = {}
        for (gas, _), value in self.parts.items():
            parts[(gas, category)] = parts.get((gas, category), 0.0) + value
        return replace(self, parts=parts)


def factor_burden(
    factor: EmissionFactor, gwp: Mapping[str, float], basis: str, pin: Pin | None
) -> Burden:
    """A factor's burden under a GWP set: per gas when published per gas, else as CO2e.

    The rule for a CO2e published under another GWP set is the factor's own
    (:meth:`EmissionFactor.co2e_under`): restating it is refused, not guessed.
    """
    total = factor.co2e_under(gwp, basis)  # raises where a CO2e cannot be restated
    if factor.gases and all(g.gas in gwp for g in factor.gases):
        parts: dict[tuple[str, str], float] = {}
        for g in factor.gases:
            key = (g.gas, category_of(g.gas))
            parts[key] = parts.get(key, 0.0) + g.kg * gwp[g.gas]
        # A CO2e published under this very GWP set may cover gases not listed one by one:
        # keep the published total, the remainder reported as unspecified CO2e.
        rest = total - sum(parts.values())
        if abs(rest) > 1e-9 * max(abs(total), 1.0):
            parts[(CO2E, "fossil")] = rest
    else:
        parts = {(CO2E, "fossil"): total}
    return Burden(
        unit=factor.unit,
        parts=parts,
        label=factor.name_zh or factor.name_en,
        source=factor.source.citation(),
        pins=(pin,) if pin else (),
        uncertainty=factor.uncertainty,
        quality=factor.pef,
        illustrative=factor.illustrative,
    )


def gas_burden(gas: str, gwp: Mapping[str, float], basis: str, source: str) -> Burden:
    """1 kg of a gas: its GWP under the chosen set."""
    return Burden(
        unit="kg",
        parts={(gas, category_of(gas)): gwp[gas]},
        label=gas,
        source=source,
        pins=(Pin("gwp", f"{basis}:{gas}"),),
    )


class LinkResolver(Protocol):
    """What the accounting needs from the outside world (files, the database).

    Implementations: :class:`tanji.services.footprints.StoreResolver` (links against the
    database) and the file-only resolver of :mod:`tanji.io.product_model` (inline
    factors, sub-model files and PACT files). Errors are raised as
    :class:`~tanji.domain.factors.DomainError` with ``where`` in the message.
    """

    gwp: Mapping[str, float]
    basis: str

    def prefetch(self, links: Sequence[Link]) -> None:
        """A hint: these links are about to be resolved (a store loads them at once)."""
        ...

    def burden(self, link: Link, where: str) -> Burden:
        """The burden of a factor, inline, activity, supplier, gas or grid link."""
        ...

    def submodel(self, ref: str, parent: ProductModel, where: str) -> ProductModel:
        """The product model a MODEL link names (relative to its parent's source)."""
        ...

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> FloatArray:
        """Background Monte Carlo samples, ``(iterations, len(keys))`` kg CO2e per unit."""
        ...
