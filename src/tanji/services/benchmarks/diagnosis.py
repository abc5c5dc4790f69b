"""Reduction diagnosis: hotspots and what-if levers ranked by their paired reduction.

:func:`diagnose` computes the product's working model, its hotspots (contribution by
line, stage, supplier and gas, per declared unit) and each lever's variant; baseline and
variants are sampled together on common random numbers
(:func:`tanji.domain.benchmarks.sample_footprints`), so each lever's reduction comes with
its 95 % interval and P(reduction > 0). Levers rank by expected reduction; with costs,
by cost per tonne (a marginal abatement cost curve). :func:`suggest_levers` proposes
the levers that need no new data (see its docstring); :func:`keep_lever` saves a
variant as the product's next version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tanji.domain.accounts import Actor
from tanji.domain.benchmarks import (
    BenchmarkError,
    Difference,
    Lever,
    LeverKind,
    apply_lever,
    difference,
    sample_footprints,
)
from tanji.domain.benchmarks.levers import RAIL_FACTOR
from tanji.domain.factors import DomainError
from tanji.domain.footprints import Footprint
from tanji.domain.problems import Problem, problem_of
from tanji.domain.products import LinkKind
from tanji.domain.units import convert
from tanji.engine import EngineError
from tanji.io.product_model import document_text
from tanji.services.background import BackgroundStore
from tanji.services.benchmarks._common import Computed, compute_product, compute_variant
from tanji.services.errors import InvalidInputError, ServiceError, invalid_field
from tanji.services.permissions import require
from tanji.services.products import update_document

__all__ = [
    "DIAGNOSIS_ITERATIONS",
    "Diagnosis",
    "Hotspots",
    "LeverResult",
    "diagnose",
    "hotspots",
    "keep_lever",
    "lever_from",
    "suggest_levers",
]

DIAGNOSIS_ITERATIONS = 1000


@dataclass(frozen=True)
class Hotspots:
    """kg CO2e per declared unit, largest first."""

    lines: tuple[tuple[str, str, float], ...]  # (line id, name, kg)
    stages: tuple[tuple[str, float], ...]
    suppliers: tuple[tuple[str, float], ...]  # (supplier or sub-model link, kg)
    gases: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class LeverResult:
    lever: Lever
    total: float | None  # the variant's footprint per declared unit
    reduction: Difference | None
    tonnes: float | None  # expected reduction over the model's output period, t CO2e
    cost_per_tonne: float | None  # CNY per t CO2e, when a cost was given
    problem: str = ""  # why the variant could not be computed


@dataclass(frozen=True)
class Diagnosis:
    product_id: int
    code: str
    per: str
    total: float
    output: float  # declared units the model's lines cover
    hotspots: Hotspots
    levers: tuple[LeverResult, ...]  # ranked: largest expected reduction first
    mac: tuple[LeverResult, ...]  # levers with a cost, cheapest per tonne first
    iterations: int
    seed: int
    illustrative: bool


def _ranked(values: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(values.items(), key=lambda kv: -abs(kv[1])))


def hotspots(footprint: Footprint) -> Hotspots:
    """Contribution by line, stage, supplier (supplier PCFs and sub-models) and gas."""
    kinds = (LinkKind.SUPPLIER, LinkKind.MODEL)
    supplied = {
        x.id: f"{x.link.kind.value}:{x.link.ref}"
        for x in footprint.model.lines
        if x.link is not None and x.link.kind in kinds
    }
    by_line: dict[tuple[str, str], float] = {}
    suppliers: dict[str, float] = {}
    for line in footprint.lines:
        key = (line.line, line.name)
        by_line[key] = by_line.get(key, 0.0) + line.co2e
        if line.line in supplied:
            who = supplied[line.line]
            suppliers[who] = suppliers.get(who, 0.0) + line.co2e
    lines = tuple((k[0], k[1], v) for k, v in sorted(by_line.items(), key=lambda kv: -abs(kv[1])))
    return Hotspots(lines, _ranked(footprint.stages), _ranked(suppliers), _ranked(footprint.gases))


def suggest_levers(base: Computed) -> list[Lever]:
    """Levers that need no new data: green power for half of each electricity line's
    grid part; on-site PV for a tenth of the largest electricity line; 10 % less of the
    two largest own lines with a quantity (process efficiency); rail for road transport
    lines (the shipped DESNZ factor). A different supplier, material or recycled
    content needs its factor: the user gives it."""
    model = base.model
    levers: list[Lever] = []
    # A line with no quantity yet (a template's placeholder) suggests nothing.
    electricity = [x for x in model.lines if x.electricity is not None and x.amount > 0]
    if electricity:
        levers.append(Lever(LeverKind.RENEWABLE, share=0.5, label="green power 50 %"))
        biggest = max(electricity, key=lambda x: _contribution(base.footprint, x.id))
        kwh = 0.1 * convert(biggest.amount, biggest.unit, "kWh")
        levers.append(Lever(LeverKind.ONSITE_PV, line=biggest.id, kwh=kwh, label="on-site PV"))
    quantified = [
        x for x in model.lines
        if x.transport is None and x.amount > 0 and x.link is not None
        and x.link.kind is not LinkKind.MODEL
    ]  # fmt: skip
    own = sorted(electricity + quantified, key=lambda x: -_contribution(base.footprint, x.id))
    levers.extend(
        Lever(LeverKind.EFFICIENCY, line=x.id, share=0.1, label=f"{x.id} −10 %") for x in own[:2]
    )
    levers.extend(
        Lever(
            LeverKind.TRANSPORT, line=x.id, factor=RAIL_FACTOR, mode="rail", label=f"{x.id} by rail"
        )
        for x in model.lines
        if x.transport is not None and x.transport.mode in ("road", "truck", "")
    )
    return levers


def _contribution(footprint: Footprint, line_id: str) -> float:
    return sum(x.co2e for x in footprint.lines if x.line == line_id)


def lever_from(spec: Mapping[str, Any]) -> Lever:
    """A lever from its JSON form (``kind``, ``line``, ``share``, ``kwh``, ``factor``,
    ``mode``, ``label``, ``cost_cny``), with the field named when it is wrong."""
    try:
        kind = LeverKind(str(spec.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in LeverKind)
        raise invalid_field(
            "kind", Problem("bench-lever-kind", kinds=kinds, value=repr(spec.get("kind")))
        ) from None
    try:
        cost = spec.get("cost_cny")
        return Lever(
            kind,
            line=str(spec.get("line") or ""),
            share=float(spec.get("share") or 0.0),
            kwh=float(spec.get("kwh") or 0.0),
            factor=spec.get("factor") or None,
            mode=str(spec.get("mode") or ""),
            label=str(spec.get("label") or ""),
            cost_cny=float(cost) if cost not in (None, "") else None,
        )
    except (TypeError, ValueError) as error:
        raise invalid_field("lever", problem_of(error)) from None


def _evaluate(
    session: Session, backgrounds: BackgroundStore, base: Computed, lever: Lever
) -> tuple[Footprint | None, str]:
    try:
        data = apply_lever(base.model, base.data, lever)
        return compute_variant(session, backgrounds, base, data), ""
    except (BenchmarkError, DomainError, EngineError, ServiceError) as error:
        return None, problem_of(error)


def diagnose(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    product_id: int,
    levers: Sequence[Lever] | None = None,
    *,
    iterations: int = DIAGNOSIS_ITERATIONS,
    seed: int = 0,
) -> Diagnosis:
    """Hotspots and ranked levers (the suggested ones when ``levers`` is None)."""
    require(actor, "product.read")
    if not 2 <= iterations <= 5000:
        raise invalid_field("iterations", Problem("bench-iterations", low=2, value=iterations))
    base = compute_product(session, backgrounds, actor, product_id)
    chosen = list(levers) if levers is not None else suggest_levers(base)
    variants = [_evaluate(session, backgrounds, base, lever) for lever in chosen]
    computed = [f for f, _ in variants if f is not None]
    samples = sample_footprints([base.footprint, *computed], base.resolver, iterations, seed)
    output = base.footprint.components[0].output
    results: list[LeverResult] = []
    k = 1
    for lever, (variant, problem) in zip(chosen, variants, strict=True):
        if variant is None:
            results.append(LeverResult(lever, None, None, None, None, problem))
            continue
        reduction = difference(samples[0], samples[k])
        k += 1
        tonnes = reduction.mean * output / 1000.0
        per_tonne = lever.cost_cny / tonnes if lever.cost_cny is not None and tonnes > 0 else None
        results.append(LeverResult(lever, variant.total, reduction, tonnes, per_tonne))
    ranked = sorted(
        results, key=lambda r: -(r.reduction.mean if r.reduction is not None else float("-inf"))
    )
    mac = sorted((r for r in results if r.cost_per_tonne is not None),
                 key=lambda r: r.cost_per_tonne or 0.0)  # fmt: skip
    return Diagnosis(
        product_id, base.row.code, base.footprint.per, base.footprint.total, output,
        hotspots(base.footprint), tuple(ranked), tuple(mac), iterations, seed,
        base.footprint.illustrative,
    )  # fmt: skip


def keep_lever(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    product_id: int,
    lever: Lever,
    version: int,
) -> int:
    """Save the lever's variant as the product's working document (its next version;
    ``version`` is the product version the person read). Returns the new version."""
    require(actor, "product.write")
    base = compute_product(session, backgrounds, actor, product_id)
    try:
        data = apply_lever(base.model, base.data, lever)
    except BenchmarkError as error:
        raise InvalidInputError(problem_of(error)) from None
    saved = update_document(
        session, actor, product_id, document_text(data), "scenario.yaml",
        expected_version=version, version_required=True,
    )  # fmt: skip
    return int(saved.version)
