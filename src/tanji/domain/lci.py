"""Life-cycle inventory data: unit processes, exchanges, elementary flows, impact methods.

Every importer (openLCA JSON-LD, ecoSpold2, ILCD, Brightway datapackages) turns its file
into one :class:`LciBundle`; the database service stores bundles, and the engine is fed
from what is stored. Keys are the identifiers of the source format (UUIDs for openLCA,
ecoSpold2 and ILCD; integer ids as text for Brightway), so a re-import of the same data
matches record for record.

Amounts are in each flow's reference unit: importers convert units (openLCA unit groups,
ILCD flow properties) before they build a bundle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from tanji.domain.factors import DomainError, Source, Uncertainty

__all__ = [
    "CUT_OFF_NOTE",
    "Activity",
    "ElementaryFlow",
    "Exchange",
    "ExchangeKind",
    "FlowProperty",
    "ImpactMethod",
    "ImportNote",
    "LciBundle",
    "ProductSystem",
]


#: How importers begin an activity comment that records inputs dropped for want of a
#: provider, so that every cut-off stays visible with the activity and in import reports.
CUT_OFF_NOTE = "Cut off on import (no provider in the imported set): "


@dataclass(frozen=True)
class ImportNote:
    """One line of an import's report: what a reader did with, or could not do with, one
    process (and exchange) of the file.

    ``process`` names the process (its name and id), ``exchange`` the exchange (empty for
    the process as a whole), ``kind`` what happened (an import policy applied, an
    uncertainty dropped, a unit converted; ``"error"`` for a problem that stops the
    import) and ``detail`` the specifics: amounts, factors, candidates.
    """

    process: str
    exchange: str
    kind: str
    detail: str


class ExchangeKind(StrEnum):
    PRODUCTION = "production"  # the reference product (or a co-product) of the activity
    TECHNOSPHERE = "technosphere"  # input from another activity (positive amount = consumed)
    BIOSPHERE = "biosphere"  # elementary flow to or from nature (positive = emitted)


@dataclass(frozen=True)
class ElementaryFlow:
    """An elementary flow, e.g. "Carbon dioxide, fossil" to air, in kg.

    ``gas`` is the Tanji gas id (``CO2``, ``CH4-fossil``, …) when the importer could map
    it; Tanji's own GWP methods characterize through it. ``flow_property``: the key of the
    bundle's :class:`FlowProperty` the flow is measured in, where the source names one.
    """

    key: str
    name: str
    unit: str
    compartment: str = ""
    cas: str | None = None
    formula: str | None = None
    gas: str | None = None
    flow_property: str = ""


@dataclass(frozen=True)
class FlowProperty:
    """A quantity flows are measured in (mass, energy …), with its identities in the source.

    openLCA measures a flow in a *flow property* whose *unit group* has a reference unit;
    ``unit`` is that reference unit, the unit Tanji keeps the flow's amounts in. The keys
    are the source's ids (openLCA ``@id`` s, for data from openLCA usually those of its
    reference data, e.g. "Mass" and "Units of mass"), kept so that an export refers to the
    same entities and merges with them in openLCA.
    """

    key: str
    name: str
    unit: str
    unit_key: str = ""
    unit_group_key: str = ""
    unit_group_name: str = ""


@dataclass(frozen=True)
class Exchange:
    """One input or output of an activity.

    ``target`` is the key of the activity providing a technosphere input (or of the
    activity itself for production), or of the elementary flow for a biosphere exchange.
    ``amount`` is positive for what is produced, consumed and emitted; the sign convention
    of the matrices is applied when the engine's system is built. A negative amount is
    kept as given (e.g. a waste input or an uptake of CO2).
    """

    kind: ExchangeKind
    target: str
    amount: float
    unit: str = ""
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    comment: str | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.amount):
            raise DomainError(f"exchange with {self.target}: amount must be finite")


@dataclass(frozen=True)
class Activity:
    """A unit process with its reference product.

    ``exchanges`` must contain exactly one production exchange whose target is the
    activity's own key (the reference product); importers that meet processes without a
    quantitative reference refuse them with a clear error. The reference amount is
    positive, or negative for a waste treatment in the ecoinvent/Brightway convention
    (−1 kg of waste treated); never zero.
    """

    key: str
    name: str
    unit: str
    exchanges: tuple[Exchange, ...]
    location: str = ""
    reference_product: str = ""
    category: str = ""
    name_zh: str = ""
    comment: str | None = None
    #: The reference flow's id in the source (openLCA product or waste flow ``@id``) and
    #: the key of its :class:`FlowProperty`; empty where the source has none.
    product_key: str = ""
    product_property: str = ""
    #: The reference flow is a waste whose treatment this activity provides (openLCA's
    #: waste input). A negative reference amount (the ecoinvent and Brightway
    #: convention) says the same without this flag.
    waste: bool = False

    def __post_init__(self) -> None:
        production = [
            e for e in self.exchanges if e.kind is ExchangeKind.PRODUCTION and e.target == self.key
        ]
        if len(production) != 1:
            raise DomainError(
                f"activity {self.name!r} ({self.key}): needs exactly one reference production "
                f"exchange, found {len(production)}"
            )
        if production[0].amount == 0:
            raise DomainError(
                f"activity {self.name!r} ({self.key}): reference production must not be 0"
            )

    @property
    def production_amount(self) -> float:
        return next(
            e.amount
            for e in self.exchanges
            if e.kind is ExchangeKind.PRODUCTION and e.target == self.key
        )


@dataclass(frozen=True)
class ImpactMethod:
    """Characterization factors per elementary-flow key (e.g. an imported GWP100 method).

    One impact category in openLCA's terms; ``group_key`` and ``group_name`` name the
    openLCA impact method it belongs to, where it came in one.
    """

    key: str
    name: str
    unit: str
    factors: tuple[tuple[str, float], ...]
    group_key: str = ""
    group_name: str = ""


@dataclass(frozen=True)
class ProductSystem:
    """An openLCA-style product system: a reference activity and the amount it delivers."""

    key: str
    name: str
    reference_activity: str
    amount: float = 1.0


@dataclass(frozen=True)
class LciBundle:
    """Everything one import brings: activities, flows, methods, product systems."""

    format: str
    activities: tuple[Activity, ...]
    flows: tuple[ElementaryFlow, ...]
    methods: tuple[ImpactMethod, ...] = ()
    product_systems: tuple[ProductSystem, ...] = ()
    source: Source | None = None
    #: What the reader did under the import policies: the import's report.
    notes: tuple[ImportNote, ...] = ()
    #: The quantities the flows and products name (``flow_property`` keys).
    flow_properties: tuple[FlowProperty, ...] = ()

    def cut_offs(self) -> tuple[str, ...]:
        """The inputs importers dropped for want of a provider, one line per activity."""
        return tuple(
            f"{a.name}: {line.removeprefix(CUT_OFF_NOTE)}"
            for a in self.activities
            for line in (a.comment or "").splitlines()
            if line.startswith(CUT_OFF_NOTE)
        )
