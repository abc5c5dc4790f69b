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

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np

from tanji.domain.burdens import CATEGORIES, Burden, GridChoice, LinkResolver, Pin
from tanji.domain.factors import DomainError, PefQuality, Uncertainty
from tanji.domain.products import (
    AllocationMethod,
    Electricity,
    EndOfLife,
    Line,
    Link,
    LinkKind,
    ProductModel,
)
from tanji.domain.units import UnitError, convert
from tanji.engine import Engine, EngineError, Exchanges, build_system

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


# --- expansion ----------------------------------------------------------------------------


def _convert(amount: float, unit: str, to: str, where: str) -> float:
    try:
        return convert(amount, unit, to)
    except UnitError as exc:
        raise DomainError(f"{where}: {exc}") from None


def _line_share(model: ProductModel, line: Line) -> float:
    allocation = model.allocation
    if allocation is None:
        return 1.0
    applies = line.stage in allocation.stages if line.allocate is None else line.allocate
    return allocation.share() if applies else 1.0


def expand(
    model: ProductModel, resolver: LinkResolver
) -> tuple[list[Term], list[Offset], dict[str, ProductModel]]:
    """The terms of one model's lines, its offsets, and the sub-models it links."""
    terms: list[Term] = []
    offsets: list[Offset] = []
    subs: dict[str, ProductModel] = {}
    for line in model.lines:
        where = f"{model.source or model.id}: {line.where or 'line ' + line.id}"
        share = _line_share(model, line)
        base = {
            "model": model.id,
            "line": line.id,
            "stage": line.stage,
            "share": share,
            "primary": line.primary,
            "quality": line.quality,
            "uncertainty": line.uncertainty,
        }
        if line.reporting == "offset":
            offsets.append(_offset(line, resolver, where))
            continue
        if line.electricity is not None:
            terms.extend(_electricity_terms(line, resolver, where, base))
        elif line.cff is not None:
            terms.extend(_cff_terms(model, line, resolver, where, base))
        elif line.scrap is not None:
            terms.extend(_scrap_terms(model, line, resolver, where, base))
        else:
            assert line.link is not None
            amount, unit = _line_amount(line, where)
            if line.link.kind is LinkKind.MODEL:
                sub = resolver.submodel(line.link.ref, model, where)
                subs[sub.id] = sub
                declared = sub.product.declared_unit
                q = _convert(amount, unit, declared, where) / sub.product.declared_amount
                terms.append(
                    Term(
                        **base,  # type: ignore[arg-type]
                        name=line.name,
                        coefficient=q * share,
                        burden=None,
                        submodel=sub.id,
                        formula=_formula(amount, unit, share, f"× footprint of {sub.id}"),
                    )
                )
                continue
            burden = _reported(resolver.burden(line.link, where), line)
            q = _convert(amount, unit, burden.unit, where)
            terms.append(
                Term(
                    **base,  # type: ignore[arg-type]
                    name=line.name,
                    coefficient=q * share,
                    burden=burden,
                    submodel=None,
                    formula=_formula(amount, unit, share, f"× {burden.total:.6g} /{burden.unit}"),
                )
            )
    terms.extend(_coproduct_credits(model, resolver))
    return terms, offsets, subs


def _reported(burden: Burden, line: Line) -> Burden:
    return burden.recategorized(line.reporting) if line.reporting else burden


def _formula(amount: float, unit: str, share: float, rest: str) -> str:
    text = f"{amount:.6g} {unit}"
    if share != 1.0:
        text += f" × {share:.6g} (allocation)"
    return f"{text} {rest}"


def _line_amount(line: Line, where: str) -> tuple[float, str]:
    leg = line.transport
    if leg is None:
        return line.amount, line.unit
    tonnes = _convert(leg.mass, leg.mass_unit, "t", where + " transport mass")
    km = _convert(leg.distance, leg.distance_unit, "km", where + " transport distance")
    return tonnes * km, "t*km"


def _offset(line: Line, resolver: LinkResolver, where: str) -> Offset:
    kg = _convert(line.amount, line.unit, "kg", where)
    return Offset(line.id, line.name, kg, line.evidence)


def _electricity_terms(
    line: Line, resolver: LinkResolver, where: str, base: dict[str, object]
) -> list[Term]:
    assert line.electricity is not None
    share = float(base["share"])  # type: ignore[arg-type]
    kwh = _convert(line.amount, line.unit, "kWh", where)
    covered = sum(i.kwh for i in line.electricity.market)
    if covered > kwh * (1 + 1e-12):
        raise DomainError(
            f"{where} electricity: the market instruments cover {covered:g} kWh, more than "
            f"the {kwh:g} kWh used; a certificate cannot be claimed beyond consumption"
        )
    terms = []
    for instrument in line.electricity.market:
        if instrument.link is not None:
            burden = resolver.burden(instrument.link, where)
            per_kwh = _convert(1.0, "kWh", burden.unit, where)
        else:
            burden = Burden(
                unit="kWh",
                parts={("CO2", "fossil"): 0.0},
                label=f"{instrument.instrument} ({', '.join(instrument.ids)})",
                source=GREEN_ELECTRICITY_SOURCE,
            )
            per_kwh = 1.0
        terms.append(
            Term(
                **base,  # type: ignore[arg-type]
                name=f"{line.name}: {instrument.instrument}",
                coefficient=instrument.kwh * per_kwh * share,
                burden=_reported(burden, line),
                submodel=None,
                formula=_formula(
                    instrument.kwh,
                    "kWh",
                    share,
                    f"({instrument.instrument}, {instrument.evidence})",
                ),
            )
        )
    rest = kwh - covered
    if rest > 0 or not line.electricity.market:
        grid = line.electricity.grid
        market = bool(line.electricity.market) and grid.kind is LinkKind.GRID
        if market:
            # Market-based: the uncovered remainder takes the residual mix, so the
            # certified renewable power is not counted again in the grid average. No
            # life-cycle residual factor is published: the residual one is CO2 only.
            grid = Link(LinkKind.GRID, grid.ref, year=grid.year, basis="residual")
        burden = _reported(resolver.burden(grid, where), line)
        if burden.grid is not None:
            burden = replace(burden, grid=_grid_why(burden.grid, line.electricity, market))
        q = _convert(rest, "kWh", burden.unit, where)
        terms.append(
            Term(
                **base,  # type: ignore[arg-type]
                name=f"{line.name}: {burden.label}",
                coefficient=q * share,
                burden=burden,
                submodel=None,
                formula=_formula(rest, "kWh", share, f"× {burden.total:.6g} /{burden.unit}"),
            )
        )
    return terms


def _grid_why(choice: GridChoice, electricity: Electricity, market: bool) -> GridChoice:
    """Who chose the basis: the market remainder, the model, the rule or the default."""
    if market:
        return replace(choice, basis_from="market")
    if electricity.grid.basis and not electricity.basis_rule:
        return replace(choice, basis_from="model")
    if electricity.basis_rule:
        reason = electricity.basis_reason
        return replace(
            choice,
            basis_from="rule",
            rule=electricity.basis_rule,
            rule_reason_zh=reason.zh if reason else "",
            rule_reason_en=reason.en if reason else "",
        )
    return replace(choice, basis_from="default")


@dataclass(frozen=True)
class _Numbers:
    """A CFF's parameters once every one is known (from the model or its rule)."""

    a: float
    r1: float
    r2: float
    r3: float
    qsin_qp: float
    qsout_qp: float
    b: float


_CffTerm = tuple[str, str, str, Callable[[_Numbers], float]]
_CFF_TERMS_CUT_OFF: tuple[_CffTerm, ...] = (
    ("(1−R1)·Ev", "ev", "material", lambda c: 1 - c.r1),
    ("R1·Erecycled", "erecycled", "material", lambda c: c.r1),
    ("R3·EER", "eer", "eol", lambda c: c.r3),
    ("(1−R2−R3)·ED", "ed", "eol", lambda c: 1 - c.r2 - c.r3),
)
_CFF_TERMS: tuple[_CffTerm, ...] = (
    ("(1−R1)·Ev", "ev", "material", lambda c: 1 - c.r1),
    ("R1·A·Erecycled", "erecycled", "material", lambda c: c.r1 * c.a),
    ("R1·(1−A)·Ev·Qsin/Qp", "ev", "material", lambda c: c.r1 * (1 - c.a) * c.qsin_qp),
    ("(1−A)·R2·ErecyclingEoL", "erecycling_eol", "eol", lambda c: (1 - c.a) * c.r2),
    ("−(1−A)·R2·E*v·Qsout/Qp", "ev_star", "eol", lambda c: -(1 - c.a) * c.r2 * c.qsout_qp),
    ("(1−B)·R3·EER", "eer", "eol", lambda c: (1 - c.b) * c.r3),
    ("−(1−B)·R3·ESE", "ese", "eol", lambda c: -(1 - c.b) * c.r3),
    ("(1−R2−R3)·ED", "ed", "eol", lambda c: 1 - c.r2 - c.r3),
)


def _cff_terms(
    model: ProductModel, line: Line, resolver: LinkResolver, where: str, base: dict[str, object]
) -> list[Term]:
    """The Circular Footprint Formula (or the cut-off approach) for one material line.

    Under cut-off (100:0) recycled content carries only its recycling burden, recycling
    at end of life is outside the system (no burden, no credit) and energy recovery gets
    no credit. Material terms are reported in raw material acquisition, the others in
    the line's own stage.
    """
    cff = line.cff
    assert cff is not None
    missing = cff.missing()
    if missing:
        raise DomainError(
            f"{where} cff: {', '.join(missing)} not given (by the model, nor by a rule's "
            f"defaults for material {cff.material or '(none named)'})"
        )
    numbers = _Numbers(
        float(cff.a or 0.0), float(cff.r1 or 0.0), float(cff.r2 or 0.0), cff.r3,
        cff.qsin_qp, cff.qsout_qp, cff.b,
    )  # fmt: skip
    share = float(base["share"])  # type: ignore[arg-type]
    stages = {s.id for s in model.stages}
    material_stage = "raw_materials" if "raw_materials" in stages else line.stage
    # worldsteel models recycling with scrap lines; its materials are cut off at the gate.
    table = _CFF_TERMS if model.end_of_life is EndOfLife.CFF else _CFF_TERMS_CUT_OFF
    terms = []
    for label, parameter, part, coefficient in table:
        k = coefficient(numbers)
        if k == 0:
            continue
        link = getattr(cff, parameter)
        if link is None:
            raise DomainError(
                f"{where} cff: the term {label} needs '{parameter}' (its coefficient is {k:g})"
            )
        burden = _reported(resolver.burden(link, f"{where} cff {parameter}"), line)
        q = _convert(line.amount, line.unit, burden.unit, where)
        terms.append(
            Term(
                **{**base, "stage": material_stage if part == "material" else line.stage},  # type: ignore[arg-type]
                name=f"{line.name}: {label}",
                coefficient=k * q * share,
                burden=burden,
                submodel=None,
                formula=_formula(
                    line.amount, line.unit, share, f"× {k:.6g} ({label}) × {burden.total:.6g}"
                ),
            )
        )
    return terms


def _scrap_terms(
    model: ProductModel, line: Line, resolver: LinkResolver, where: str, base: dict[str, object]
) -> list[Term]:
    """worldsteel's value of scrap: −(RR − S)·Y·(Xpr − Xre) per unit of product.

    Only under ``end_of_life: worldsteel``; under the other methods a scrap line adds
    nothing (cut-off gives no credit; the CFF models recycling with ``cff`` lines).
    """
    scrap = line.scrap
    assert scrap is not None
    if model.end_of_life is not EndOfLife.WORLDSTEEL:
        return []
    k = (scrap.rr - scrap.s) * scrap.y
    share = float(base["share"])  # type: ignore[arg-type]
    terms = []
    for label, link, sign in (
        ("−(RR−S)·Y·Xpr", scrap.xpr, -1.0),
        ("+(RR−S)·Y·Xre", scrap.xre, 1.0),
    ):
        burden = _reported(resolver.burden(link, f"{where} scrap"), line)
        q = _convert(line.amount, line.unit, burden.unit, where)
        terms.append(
            Term(
                **base,  # type: ignore[arg-type]
                name=f"{line.name}: {label}",
                coefficient=sign * k * q * share,
                burden=burden,
                submodel=None,
                formula=_formula(
                    line.amount,
                    line.unit,
                    share,
                    f"× {sign * k:.6g} ({label}) × {burden.total:.6g}",
                ),
                credit=True,
            )
        )
    return terms


def _coproduct_credits(model: ProductModel, resolver: LinkResolver) -> list[Term]:
    allocation = model.allocation
    if allocation is None or allocation.method is not AllocationMethod.SYSTEM_EXPANSION:
        return []
    terms = []
    for co in allocation.coproducts:
        assert co.substitutes is not None
        where = f"{model.source or model.id}: allocation co-product {co.name}"
        burden = resolver.burden(co.substitutes, where)
        q = _convert(co.amount, co.unit, burden.unit, where)
        terms.append(
            Term(
                model=model.id,
                line=f"coproduct:{co.name}",
                name=f"{co.name} (avoided: {burden.label})",
                stage=allocation.stages[-1],
                coefficient=-q,
                burden=burden,
                submodel=None,
                formula=f"−{co.amount:.6g} {co.unit} × {burden.total:.6g} (system expansion)",
            )
        )
    return terms


# --- the foreground system ------------------------------------------------------------------


@dataclass(frozen=True)
class Foreground:
    """The expanded models: ids in order (the root first), terms, offsets, outputs."""

    models: dict[str, ProductModel]
    order: list[str]
    terms: list[Term]
    offsets: list[Offset]
    outputs: dict[str, float]  # declared units each model's data cover


def collect(root: ProductModel, resolver: LinkResolver) -> Foreground:
    """Expand the root and every model it reaches (each once, so loops terminate)."""
    models = {root.id: root}
    order = [root.id]
    terms: list[Term] = []
    offsets: list[Offset] = []
    queue = [root]
    while queue:
        model = queue.pop(0)
        resolver.prefetch(model.links())
        model_terms, model_offsets, subs = expand(model, resolver)
        terms.extend(model_terms)
        if model is root:
            offsets.extend(model_offsets)
        for sub_id, sub in subs.items():
            if sub_id in models:
                if models[sub_id].digest != sub.digest:
                    raise DomainError(
                        f"model {sub_id}: two different models carry this id "
                        f"({models[sub_id].source} and {sub.source})"
                    )
                continue
            models[sub_id] = sub
            order.append(sub_id)
            queue.append(sub)
    outputs = {}
    for model_id, model in models.items():
        product = model.product
        where = f"{model.source or model_id}: output"
        outputs[model_id] = (
            _convert(model.output_amount, model.output_unit, product.declared_unit, where)
            / product.declared_amount
        )
    # Offsets are stated for the whole output, like the lines: report them per declared unit.
    root_output = outputs[root.id]
    offsets = [
        Offset(o.line, o.name, o.kg_co2e / root_output, o.evidence, o.kg_co2e) for o in offsets
    ]
    return Foreground(models, order, terms, offsets, outputs)


def _keys(terms: Sequence[Term]) -> list[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for term in terms:
        if term.burden is not None:
            keys.update(term.burden.parts)
    return sorted(keys)


def solve_foreground(
    fg: Foreground, engine: Engine, keys: Sequence[tuple[str, str]]
) -> tuple[dict[str, float], dict[tuple[str, str], dict[str, float]]]:
    """Footprint per declared unit of every model: total and per (gas, category) key."""
    index = {model_id: i + 1 for i, model_id in enumerate(fg.order)}
    rows, cols, amounts = [], [], []
    for model_id in fg.order:
        rows.append(index[model_id])
        cols.append(index[model_id])
        amounts.append(fg.outputs[model_id])
    for term in fg.terms:
        if term.submodel is not None:
            rows.append(index[term.submodel])
            cols.append(index[term.model])
            amounts.append(-term.coefficient)
    direct = [(i, t) for i, t in enumerate(fg.terms) if t.burden is not None]
    flows = [i + 1 for i, _ in direct]
    biosphere = Exchanges(
        flows, [index[t.model] for _, t in direct], [t.coefficient for _, t in direct]
    )
    methods = {"total": (flows, [t.burden.total for _, t in direct if t.burden])}
    try:
        system = build_system(
            Exchanges(rows, cols, amounts, name="product models"), biosphere, methods
        )
        totals = engine.footprints(system, "total")  # checked for its backward error
        # Every (gas, category) key at once: one block solve on the same factorization,
        # Aᵀ·H = Bᵀ·C, whose residual is checked like the engine checks its own.
        C = np.zeros((system.n_flows, len(keys)))
        if keys:
            column = {key: k for k, key in enumerate(keys)}
            parts = [term.burden.parts for _, term in direct if term.burden is not None]
            counts = [len(p) for p in parts]
            total = sum(counts)
            c_rows = np.repeat(system.flow_index(flows), counts)
            c_columns = np.fromiter(
                map(column.__getitem__, chain.from_iterable(parts)), np.intp, total
            )
            c_values = np.fromiter(chain.from_iterable(p.values() for p in parts), float, total)
            # Unbuffered, in this order: the sums a loop of C[row, column] += value gives.
            np.add.at(C, (c_rows, c_columns), c_values)
        Q = np.asarray(system.biosphere.T @ C)
        H = engine.factorization(system).solve_transposed(Q) if keys else Q
        if keys:
            residual = np.abs(system.technosphere.T @ H - Q).max(initial=0.0)
            if residual > 1e-9 * max(1.0, np.abs(Q).max(initial=0.0)):
                raise EngineError(f"the key-by-key solve left a residual of {residual:.1e}")
    except EngineError as exc:
        raise DomainError(
            f"the product models {', '.join(fg.order)} cannot be solved: {exc} — a model "
            "that needs at least its own output of itself (through sub-models) has no "
            "finite footprint"
        ) from None
    h = {m: totals.score_of(index[m]) for m in fg.order}
    position = system.activity_index([index[m] for m in fg.order])
    by_key = {
        key: {m: float(H[position[i], k]) for i, m in enumerate(fg.order)}
        for k, key in enumerate(keys)
    }
    return h, by_key


# --- the result -----------------------------------------------------------------------------


def _term_quality(term: Term, sub_dqr: Mapping[str, float | None]) -> float | None:
    if term.submodel is not None:
        return sub_dqr.get(term.submodel)
    own = _dqr(term.quality)
    if own is not None:
        return own
    return _dqr(term.burden.quality) if term.burden is not None else None


def _dqr(quality: PefQuality) -> float | None:
    # Most lines rate nothing: skip building the four ratings when one is missing.
    return None if quality.p is None else quality.dqr()


def _weighted(values: Sequence[tuple[float, float | None]]) -> float | None:
    rated = [(abs(w), v) for w, v in values if v is not None]
    weight = sum(w for w, _ in rated)
    if not rated or weight == 0:
        return None
    return sum(w * v for w, v in rated) / weight


def _line_results(
    fg: Foreground,
    model_id: str,
    h: Mapping[str, float],
    by_key: Mapping[tuple[str, str], Mapping[str, float]],
    sub_dqr: Mapping[str, float | None],
) -> list[LineResult]:
    model = fg.models[model_id]
    output = fg.outputs[model_id]
    results = []
    lines = {line.id: line for line in model.lines}
    per_output = f" / {output:.6g} {model.product.declared_unit}-units"
    for term in fg.terms:
        if term.model != model_id:
            continue
        key_values: Mapping[tuple[str, str], float]
        if term.submodel is not None:
            per_unit = h[term.submodel]
            key_values = {key: values[term.submodel] for key, values in by_key.items()}
            sub = fg.models[term.submodel]
            link, source = f"model {sub.id}", sub.source or sub.id
            illustrative = sub.illustrative
            grid = None
            per = sub.product.declared
        else:
            assert term.burden is not None
            per_unit = term.burden.total
            key_values = term.burden.parts
            link, source = term.burden.label, term.burden.source
            illustrative = term.burden.illustrative
            grid = term.burden.grid
            per = term.burden.unit
        gases, categories = _by_gas_and_category(term.coefficient, key_values, output)
        line = lines.get(term.line)
        results.append(
            LineResult(
                model=model_id,
                line=term.line,
                term=term.name,
                name=line.name if line else term.name,
                stage=term.stage,
                quantity=line.amount if line else term.coefficient,
                unit=line.unit if line else "",
                link=link,
                per_unit=per_unit,
                co2e=term.coefficient * per_unit / output,
                gases=gases,
                categories=categories,
                share=term.share,
                primary=term.primary,
                dqr=_term_quality(term, sub_dqr),
                source=source,
                formula=f"({term.formula}){per_output}",
                illustrative=illustrative,
                credit=term.credit,
                grid=grid,
                per=per,
            )
        )
    return results


def _by_gas_and_category(
    coefficient: float, key_values: Mapping[tuple[str, str], float], output: float
) -> tuple[dict[str, float], dict[str, float]]:
    """A term's kg CO2e per declared unit by gas and by category (zeros left out)."""
    gases: dict[str, float] = {}
    categories: dict[str, float] = {}
    gas_get, category_get = gases.get, categories.get
    for (gas, category), value in key_values.items():
        amount = coefficient * value / output
        if amount:
            gases[gas] = gas_get(gas, 0.0) + amount
            categories[category] = category_get(category, 0.0) + amount
    return gases, categories


def _primary_share(lines: Sequence[LineResult]) -> float:
    total = sum(abs(line.co2e) for line in lines)
    if total == 0:
        return 0.0
    return sum(abs(line.co2e) for line in lines if line.primary) / total


def compute(root: ProductModel, resolver: LinkResolver, engine: Engine | None = None) -> Footprint:
    """The footprint of ``root`` per declared unit, with the full trace."""
    fg = collect(root, resolver)
    claimed: dict[str, str] = {}
    for model_id, line_id, certificate in certificate_ids(list(fg.models.values())):
        where = f"{model_id} line {line_id}"
        if certificate in claimed:
            raise DomainError(
                f"{where}: certificate {certificate} is already claimed by {claimed[certificate]}; "
                "a certificate counts once"
            )
        claimed[certificate] = where
    engine = engine or Engine()
    keys = _keys(fg.terms)
    h, by_key = solve_foreground(fg, engine, keys)
    # Each model's own-lines data quality (a sub-model line takes its model's rating).
    sub_dqr: dict[str, float | None] = {}
    components = []
    for model_id in reversed(fg.order):
        lines = _line_results(fg, model_id, h, by_key, sub_dqr)
        dqr = _weighted([(line.co2e, line.dqr) for line in lines])
        sub_dqr[model_id] = dqr
        model = fg.models[model_id]
        components.append(
            ModelResult(
                id=model_id,
                name=model.product.name.get("zh"),
                declared=model.product.declared,
                output=fg.outputs[model_id],
                total=h[model_id],
                lines=tuple(lines),
                dqr=dqr,
                primary_share=_primary_share(lines),
            )
        )
    components.reverse()
    root_lines = components[0].lines
    stages = {s.id: 0.0 for s in root.stages}
    gases: dict[str, float] = {}
    categories = dict.fromkeys(CATEGORIES, 0.0)
    for line in root_lines:
        stages[line.stage] = stages.get(line.stage, 0.0) + line.co2e
        for gas, value in line.gases.items():
            gases[gas] = gases.get(gas, 0.0) + value
        for category, value in line.categories.items():
            categories[category] = categories.get(category, 0.0) + value
    total = h[root.id]
    dpfu = root.product.declared_units_per_functional_unit
    pins = _pins(fg)
    illustrative = any(m.illustrative for m in fg.models.values()) or any(
        t.burden.illustrative for t in fg.terms if t.burden is not None
    )
    share = root.allocation.share() if root.allocation else 1.0
    notes = _notes(fg, total)
    return Footprint(
        model=root,
        total=total,
        per_functional_unit=total * dpfu if dpfu else None,
        stages=stages,
        gases=dict(sorted(gases.items())),
        categories=categories,
        lines=root_lines,
        components=tuple(components),
        offsets=tuple(fg.offsets),
        allocation_share=share,
        dqr=components[0].dqr,
        primary_share=components[0].primary_share,
        pins=pins,
        notes=tuple(notes),
        illustrative=illustrative,
        terms=tuple(fg.terms),
        models=dict(fg.models),
        recycling_credit=sum(line.co2e for line in root_lines if line.credit),
    )


def _pins(fg: Foreground) -> tuple[Pin, ...]:
    seen: dict[tuple[str, str], Pin] = {}
    for model_id in fg.order:
        model = fg.models[model_id]
        pin = Pin("model", f"{model.id}@{model.version}", model.digest)
        seen[(pin.kind, pin.ref)] = pin
        if model.rule:
            applied = model.rule_applied and model_id == fg.order[0]
            # A sub-model naming the same rule must not hide that the root applied it.
            if applied or ("rule", model.rule) not in seen:
                seen[("rule", model.rule)] = Pin(
                    "rule", model.rule, link=RULE_APPLIED if applied else ""
                )
    for term in fg.terms:
        if term.burden is not None:
            for pin in term.burden.pins:
                seen.setdefault((pin.kind, pin.ref), pin)
    return tuple(sorted(seen.values(), key=lambda p: (p.kind, p.ref)))


def _notes(fg: Foreground, total: float) -> list[str]:
    notes = []
    if any(t.burden is not None and t.burden.illustrative for t in fg.terms):
        notes.append("illustrative values: some factors are marked illustrative (not for claims)")
    if not math.isfinite(total):
        notes.append("the footprint is not finite")
    if fg.offsets:
        notes.append("offsets are reported apart and are not subtracted from the footprint")
    for term in fg.terms:  # each background database's warnings once
        for warning in term.burden.warnings if term.burden is not None else ():
            if warning not in notes:
                notes.append(warning)
    return notes


def sample_columns(terms: Sequence[Term]) -> np.ndarray:
    """Indices of terms whose burden has background Monte Carlo samples."""
    return np.array(
        [i for i, t in enumerate(terms) if t.burden is not None and t.burden.sample_key],
        dtype=np.int64,
    )
