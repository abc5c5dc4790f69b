"""Steps 2 and 3: the foreground system of the root and every model it reaches, solved
with the engine, and the root's result attributed to its lines."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from tanji.domain.burdens import CATEGORIES, LinkResolver, Pin
from tanji.domain.factors import DomainError, PefQuality
from tanji.domain.footprints.expansion import convert_at, expand
from tanji.domain.footprints.results import (
    RULE_APPLIED,
    Footprint,
    LineResult,
    ModelResult,
    Offset,
    Term,
    certificate_ids,
)
from tanji.domain.products import ProductModel
from tanji.engine import Engine, EngineError, Exchanges, build_system


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
            convert_at(model.output_amount, model.output_unit, product.declared_unit, where)
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
