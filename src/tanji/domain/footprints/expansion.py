"""Step 1: every line of a model expanded into terms (quantity × burden, or an amount of
a sub-model), with its offsets; electricity, the Circular Footprint Formula, scrap and
co-product credits each have their own terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tanji.domain.burdens import Burden, GridChoice, LinkResolver
from tanji.domain.factors import DomainError
from tanji.domain.footprints.results import GREEN_ELECTRICITY_SOURCE, Offset, Term
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


def convert_at(amount: float, unit: str, to: str, where: str) -> float:
    """``amount`` of ``unit`` in ``to``; a unit error names ``where`` (the line)."""
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
                q = convert_at(amount, unit, declared, where) / sub.product.declared_amount
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
            q = convert_at(amount, unit, burden.unit, where)
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
    tonnes = convert_at(leg.mass, leg.mass_unit, "t", where + " transport mass")
    km = convert_at(leg.distance, leg.distance_unit, "km", where + " transport distance")
    return tonnes * km, "t*km"


def _offset(line: Line, resolver: LinkResolver, where: str) -> Offset:
    kg = convert_at(line.amount, line.unit, "kg", where)
    return Offset(line.id, line.name, kg, line.evidence)


def _electricity_terms(
    line: Line, resolver: LinkResolver, where: str, base: dict[str, object]
) -> list[Term]:
    assert line.electricity is not None
    share = float(base["share"])  # type: ignore[arg-type]
    kwh = convert_at(line.amount, line.unit, "kWh", where)
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
            per_kwh = convert_at(1.0, "kWh", burden.unit, where)
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
        q = convert_at(rest, "kWh", burden.unit, where)
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
        q = convert_at(line.amount, line.unit, burden.unit, where)
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
        q = convert_at(line.amount, line.unit, burden.unit, where)
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
        q = convert_at(co.amount, co.unit, burden.unit, where)
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
