"""Product models: what an enterprise describes to get a product carbon footprint.

A :class:`ProductModel` is a product (names, category, declared and functional unit,
boundary, reference period) and the activity data of its life cycle as :class:`Line` s,
each in a life-cycle stage. A line is a quantity with a unit and one link that says what
one unit of it emits:

============  ==================================================================
``factor``    an emission factor of a background database (``DB:CODE[@VERSION]``)
              or one given inline with its source
``activity``  an LCI activity of a background database (cradle-to-gate footprint)
``supplier``  a supplier's product carbon footprint (verified on the platform, or a
              PACT file)
``model``     another product model (a sub-assembly; loops are allowed)
``gas``       a direct emission of a greenhouse gas, in kg of that gas
============  ==================================================================

and the special lines: electricity (location-based grid factor, or market-based
instruments with evidence), transport legs (mass × distance → t·km) and end-of-life
material lines under the Circular Footprint Formula.

The model is pure data, validated at construction; reading it from YAML/JSON is in
:mod:`tanji.io.product_model`, and computing it in :mod:`tanji.domain.footprints`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tanji.domain.factors import (
    DomainError,
    EmissionFactor,
    FactorKind,
    PefQuality,
    Uncertainty,
)

__all__ = [
    "DEFAULT_GRID_BASIS",
    "DEFAULT_STAGES",
    "GRID_BASES",
    "GRID_KINDS",
    "Allocation",
    "AllocationMethod",
    "Cff",
    "Coproduct",
    "Electricity",
    "EndOfLife",
    "Exclusion",
    "Line",
    "Link",
    "LinkKind",
    "LocalText",
    "MarketInstrument",
    "Product",
    "ProductModel",
    "Scrap",
    "Stage",
    "TransportLeg",
]


@dataclass(frozen=True)
class LocalText:
    """A text in Simplified Chinese and English (either may be empty, not both)."""

    zh: str = ""
    en: str = ""

    def __post_init__(self) -> None:
        if not (self.zh.strip() or self.en.strip()):
            raise DomainError("name: give it in Chinese (zh) or English (en)")

    def get(self, language: str) -> str:
        return (self.en or self.zh) if language == "en" else (self.zh or self.en)


@dataclass(frozen=True)
class Stage:
    id: str
    name: LocalText


#: ISO 14067 / GB/T 24067 life-cycle stages, in order. A rule may rename or require them.
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("raw_materials", LocalText("原材料获取", "Raw material acquisition")),
    Stage("production", LocalText("生产", "Production")),
    Stage("distribution", LocalText("分销（运输）", "Distribution (transport)")),
    Stage("use", LocalText("使用", "Use")),
    Stage("end_of_life", LocalText("寿命终止与回收", "End of life and recycling")),
)


class LinkKind(StrEnum):
    FACTOR = "factor"  # stored emission factor, ``DB:CODE[@VERSION]``
    INLINE = "inline"  # a factor written into the model with its source
    ACTIVITY = "activity"  # LCI activity, ``DB:ACTIVITY[@VERSION]``
    SUPPLIER = "supplier"  # a supplier's PCF: a product code on the platform, or a PACT file
    MODEL = "model"  # another product model
    GAS = "gas"  # kg of a greenhouse gas (a gas id of the GWP table)
    GRID = "grid"  # grid factor by geography and year (life-cycle, location or residual)


#: Grid factor bases a model or rule may ask for: ``lifecycle`` — the life-cycle
#: electricity carbon footprint factor (电力碳足迹因子, CO2e) issued for product
#: footprints; ``location`` — the CO2-only electricity consumption factor (电力平均二氧化碳
#: 排放因子), e.g. for organisation-level reporting; ``residual`` — the consumption factor
#: excluding market-traded non-fossil electricity. The ETS reporting parameter is never
#: picked by basis: a line that needs it links the factor itself.
GRID_BASES = ("lifecycle", "location", "residual")
#: The basis of a grid line that states none, under no rule: a product footprint.
DEFAULT_GRID_BASIS = "lifecycle"
#: The factor kind of each basis in the factor library.
GRID_KINDS = {
    "lifecycle": FactorKind.GRID_LIFECYCLE.value,
    "location": FactorKind.GRID_LOCATION.value,
    "residual": FactorKind.GRID_RESIDUAL.value,
}


@dataclass(frozen=True)
class Link:
    """What one unit of a line emits. ``ref`` is the reference for the kind."""

    kind: LinkKind
    ref: str = ""
    inline: EmissionFactor | None = None
    year: int | None = None  # GRID: the year of the grid factor
    basis: str = ""  # GRID: one of GRID_BASES; "" = not stated (the rule's, else the default)

    def __post_init__(self) -> None:
        if self.kind is LinkKind.INLINE and self.inline is None:
            raise DomainError("factor: an inline factor needs its values and source")
        if self.kind is not LinkKind.INLINE and not self.ref.strip():
            raise DomainError(f"{self.kind.value}: a reference is required")
        if self.basis and self.basis not in GRID_BASES:
            raise DomainError(f"grid basis: expected {', '.join(GRID_BASES)}, got {self.basis!r}")

    def describe(self) -> str:
        if self.kind is LinkKind.INLINE and self.inline is not None:
            return f"inline factor ({self.inline.source.citation()})"
        if self.kind is LinkKind.GRID:
            return f"grid {self.basis or DEFAULT_GRID_BASIS} {self.ref} {self.year or ''}".strip()
        return f"{self.kind.value} {self.ref}"


@dataclass(frozen=True)
class MarketInstrument:
    """A contractual instrument for electricity (market-based method).

    ``instrument``: ``green-certificate`` (GEC, 绿证, 1 MWh each), ``green-power`` (green
    electricity trading, 绿电交易) or ``ppa``. The certificate or contract ids are what
    makes a claim countable once; ``evidence`` (a contract, a certificate registry
    record) is required — a market-based claim without evidence is not accepted.
    """

    instrument: str
    ids: tuple[str, ...]
    kwh: float
    evidence: str
    link: Link | None = None  # the instrument's emission rate; default zero (renewable)

    def __post_init__(self) -> None:
        if self.instrument not in ("green-certificate", "green-power", "ppa"):
            raise DomainError(
                "instrument: expected green-certificate, green-power or ppa, "
                f"got {self.instrument!r}"
            )
        if not self.ids:
            raise DomainError("ids: list the certificate or contract ids of the instrument")
        if not self.evidence.strip():
            raise DomainError("evidence: a market-based claim needs evidence (a contract, …)")
        if not self.kwh > 0:
            raise DomainError(f"kwh: expected a positive amount, got {self.kwh}")


@dataclass(frozen=True)
class Electricity:
    """Electricity use: location-based by default, market-based only with instruments."""

    grid: Link  # kind GRID (or a FACTOR/INLINE chosen by the user)
    market: tuple[MarketInstrument, ...] = ()
    #: Who chose the grid basis when the model states none: the rule (``id@version``)
    #: and its reason, set when the model is computed under a rule.
    basis_rule: str = ""
    basis_reason: LocalText | None = None


@dataclass(frozen=True)
class TransportLeg:
    """A transport leg: mass × distance gives t·km (the line's quantity)."""

    mass: float
    mass_unit: str
    distance: float
    distance_unit: str
    mode: str = ""


@dataclass(frozen=True)
class Cff:
    """EU PEF Circular Footprint Formula parameters of one material (per kg or unit).

    Material: (1−R1)·Ev + R1·(A·Erecycled + (1−A)·Ev·Qsin/Qp)
              + (1−A)·R2·(ErecyclingEoL − E*v·Qsout/Qp)
    Energy:   (1−B)·R3·(EER − LHV·XER,heat·ESE,heat − LHV·XER,elec·ESE,elec)
    Disposal: (1−R2−R3)·ED
    (Commission Recommendation (EU) 2021/2279, Annex I, §4.4.8.1.) The energy credit is
    given here as one burden ``ese`` per unit of material (LHV·X·ESE summed).
    """

    a: float | None = None
    r1: float | None = None
    r2: float | None = None
    r3: float = 0.0
    qsin_qp: float = 1.0
    qsout_qp: float = 1.0
    b: float = 0.0
    material: str = ""  # a rule's default parameters are looked up by material
    given: frozenset[str] = frozenset()  # the parameters the model states itself
    ev: Link | None = None
    erecycled: Link | None = None
    erecycling_eol: Link | None = None
    ev_star: Link | None = None
    ed: Link | None = None
    eer: Link | None = None
    ese: Link | None = None

    def __post_init__(self) -> None:
        for name in ("a", "r1", "r2", "r3", "qsin_qp", "qsout_qp", "b"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise DomainError(f"cff {name}: expected a value from 0 to 1, got {value}")
        if (self.r2 or 0.0) + self.r3 > 1.0 + 1e-12:
            raise DomainError(f"cff R2 + R3: together at most 1, got {(self.r2 or 0) + self.r3}")

    def missing(self) -> list[str]:
        """Required parameters neither the model nor a rule has given."""
        names = {"a": "A", "r1": "R1", "r2": "R2"}
        return [label for attr, label in names.items() if getattr(self, attr) is None]


@dataclass(frozen=True)
class Scrap:
    """The worldsteel end-of-life recycling (value of scrap) approach for steel.

    Credit per unit of product = −(RR − S)·Y·(Xpr − Xre): RR the end-of-life recycling
    rate, S the scrap input per unit of product, Y the metallic yield of scrap to steel,
    Xpr the primary (BF-BOF) and Xre the secondary (100 % scrap EAF) steel burdens
    (worldsteel, Life cycle inventory methodology report, 2017, §7 and Annex 10).
    """

    rr: float
    s: float
    y: float
    xpr: Link
    xre: Link

    def __post_init__(self) -> None:
        for name in ("rr", "s", "y"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.5:
                raise DomainError(f"scrap {name}: expected a fraction, got {value}")


class EndOfLife(StrEnum):
    CUT_OFF = "cut-off"
    CFF = "cff"
    WORLDSTEEL = "worldsteel"  # steel: scrap lines credit (RR − S)·Y·(Xpr − Xre)


class AllocationMethod(StrEnum):
    MASS = "mass"
    ECONOMIC = "economic"
    PHYSICAL = "physical"
    SYSTEM_EXPANSION = "system-expansion"


@dataclass(frozen=True)
class Coproduct:
    name: str
    amount: float
    unit: str
    value: float | None = None  # mass, price or physical property of this co-product's amount
    substitutes: Link | None = None  # system expansion: what the co-product displaces


@dataclass(frozen=True)
class Allocation:
    """Co-products and how the shared burdens are split (ISO 14044 §4.3.4)."""

    method: AllocationMethod
    main_value: float | None  # the main product output's mass, revenue or property
    coproducts: tuple[Coproduct, ...]
    stages: tuple[str, ...] = ("raw_materials", "production")
    property: str = ""  # physical: which property (energy content, …)

    def __post_init__(self) -> None:
        if not self.coproducts:
            raise DomainError("allocation coproducts: list at least one co-product")
        if self.method is AllocationMethod.SYSTEM_EXPANSION:
            missing = [c.name for c in self.coproducts if c.substitutes is None]
            if missing:
                raise DomainError(
                    f"allocation: system expansion needs 'substitutes' for {', '.join(missing)}"
                )
            return
        if self.main_value is None or self.main_value <= 0:
            raise DomainError("allocation main_value: the main product's value must be > 0")
        bad = [c.name for c in self.coproducts if c.value is None or c.value < 0]
        if bad:
            raise DomainError(f"allocation: give a value ≥ 0 for co-product(s) {', '.join(bad)}")

    def share(self) -> float:
        """The main product's share of the allocated burdens (1 under system expansion)."""
        if self.method is AllocationMethod.SYSTEM_EXPANSION or self.main_value is None:
            return 1.0
        total = self.main_value + sum(c.value or 0.0 for c in self.coproducts)
        return self.main_value / total


@dataclass(frozen=True)
class Line:
    """One line of activity data. ``where`` locates it in its file for messages."""

    id: str
    stage: str
    name: str
    amount: float
    unit: str
    link: Link | None = None
    electricity: Electricity | None = None
    transport: TransportLeg | None = None
    cff: Cff | None = None
    scrap: Scrap | None = None
    process: str = ""  # the rule process this line models (``process:`` in the file)
    primary: bool = False
    evidence: str = ""
    quality: PefQuality = field(default_factory=PefQuality)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    reporting: str = ""  # "", "dluc", "aircraft" or "offset"
    allocate: bool | None = None  # None: as the allocation's stages say
    where: str = ""

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise DomainError("id: every line needs an id")
        links = (
            (self.link is not None)
            + (self.electricity is not None)
            + (self.cff is not None)
            + (self.scrap is not None)
        )
        if links != 1:
            raise DomainError(
                f"line {self.id}: give exactly one of factor, activity, supplier, model, gas, "
                "electricity, cff or scrap"
            )
        if self.reporting not in ("", "dluc", "aircraft", "offset"):
            raise DomainError(
                f"line {self.id} reporting: expected dluc, aircraft or offset, "
                f"got {self.reporting!r}"
            )


@dataclass(frozen=True)
class Exclusion:
    """An input left out of the model (cut-off), with its estimated share of the total."""

    name: str
    share: float
    reason: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0:
            raise DomainError(f"exclusion {self.name}: share from 0 to 1, got {self.share}")


@dataclass(frozen=True)
class Product:
    name: LocalText
    category: str
    declared_amount: float
    declared_unit: str
    functional_unit: LocalText | None = None
    declared_units_per_functional_unit: float | None = None
    company: str = ""
    site: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, value): gtin, company, iiot
    boundary: str = "cradle-to-gate"
    period_start: date | None = None
    period_end: date | None = None

    def __post_init__(self) -> None:
        if self.boundary not in ("cradle-to-gate", "cradle-to-grave"):
            raise DomainError(
                f"boundary: expected cradle-to-gate or cradle-to-grave, got {self.boundary!r}"
            )
        if not self.declared_amount > 0:
            raise DomainError("declared_unit: the amount must be positive")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise DomainError("reference_period: ends before it starts")

    @property
    def declared(self) -> str:
        amount = f"{self.declared_amount:g}"
        return f"{amount} {self.declared_unit}"


@dataclass(frozen=True)
class ProductModel:
    """A product and its life-cycle activity data. ``output`` is what the data cover."""

    id: str
    version: str
    product: Product
    output_amount: float
    output_unit: str
    lines: tuple[Line, ...]
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    method: str = "ipcc-ar6-gwp100"
    end_of_life: EndOfLife = EndOfLife.CUT_OFF
    allocation: Allocation | None = None
    exclusions: tuple[Exclusion, ...] = ()
    rule: str = ""  # rule id[@version] the model follows (rules library)
    rule_applied: bool = False  # computed under ``rule`` (its GWP set, EoL, defaults)
    illustrative: bool = False
    notes: str = ""
    digest: str = ""  # sha256 of the canonical model document
    source: str = ""  # file or database reference it was read from
    #: Where top-level fields were written (``product.declared_unit`` → 7) for messages.
    field_lines: tuple[tuple[str, int], ...] = ()

    def where(self, field_name: str) -> str:
        """``file: line N (field)`` for a top-level field, as precisely as known."""
        lines = dict(self.field_lines)
        name = field_name
        while name and name not in lines:
            name = name.rpartition(".")[0]
        line = lines.get(name) if name else None
        at = f"line {line} ({field_name})" if line else field_name
        return f"{self.source or self.id}: {at}"

    def __post_init__(self) -> None:
        if not self.output_amount > 0:
            raise DomainError("output: the amount of product the data cover must be positive")
        ids: set[str] = set()
        repeated: set[str] = set()
        for line in self.lines:
            (repeated if line.id in ids else ids).add(line.id)
        duplicates = sorted(repeated)
        if duplicates:
            raise DomainError(f"lines: ids must be unique, repeated: {', '.join(duplicates)}")
        stages = {s.id for s in self.stages}
        for line in self.lines:
            if line.stage not in stages:
                raise DomainError(
                    f"line {line.id} stage: {line.stage!r} is not a stage of the model "
                    f"({', '.join(s.id for s in self.stages)})"
                )
        if self.allocation is not None:
            unknown = [s for s in self.allocation.stages if s not in stages]
            if unknown:
                raise DomainError(f"allocation stages: unknown stage(s) {', '.join(unknown)}")

    def links(self) -> list[Link]:
        """Every link of the model: lines, market instruments, CFF parameters, co-products."""
        found: list[Link] = []
        for line in self.lines:
            if line.link is not None:
                found.append(line.link)
            if line.electricity is not None:
                found.append(line.electricity.grid)
                found.extend(m.link for m in line.electricity.market if m.link is not None)
            if line.cff is not None:
                for name in ("ev", "erecycled", "erecycling_eol", "ev_star", "ed", "eer", "ese"):
                    link = getattr(line.cff, name)
                    if link is not None:
                        found.append(link)
            if line.scrap is not None:
                found.extend((line.scrap.xpr, line.scrap.xre))
        if self.allocation is not None:
            found.extend(c.substitutes for c in self.allocation.coproducts if c.substitutes)
        return found

    def stage_name(self, stage: str, language: str = "zh") -> str:
        for s in self.stages:
            if s.id == stage:
                return s.name.get(language)
        return stage
