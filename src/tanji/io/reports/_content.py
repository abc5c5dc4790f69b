"""The content of a footprint report, independent of the file format.

:func:`build_report` turns a :class:`~tanji.domain.footprints.Footprint` (and its
Monte Carlo result, if any) into numbered sections of labelled fields, tables, text
and a histogram — every label from the catalogue, every number already formatted. The
HTML and PDF writers only lay this out; the spreadsheet writer works from the footprint
itself (its cells hold numbers and formulas) with the helpers shared here.

The sections follow ISO 14067:2018 §7.3 (the CFP study report) and GB/T 24067-2024:
product and study, goal and scope, results, line-by-line contributions, data sources
and quality, uncertainty, limitations and pins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

import tanji
from tanji.domain.burdens import CATEGORIES
from tanji.domain.footprint_uncertainty import FootprintUncertainty
from tanji.domain.footprints import Footprint, LineResult, ModelResult, Term, dqr_rating
from tanji.domain.geography import place
from tanji.domain.products import EndOfLife, Link, LinkKind, ProductModel
from tanji.io.reports._text import (
    check_language,
    fmt_dqr,
    fmt_percent,
    fmt_quantity,
    fmt_value,
    t,
    t_or,
)

__all__ = [
    "Block",
    "Histogram",
    "Report",
    "Section",
    "Table",
    "build_report",
    "line_terms",
    "link_unit",
    "rating",
    "share",
    "sources",
]


@dataclass(frozen=True)
class Table:
    """A table: header, rows of formatted cells, and how to lay out its columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    weights: tuple[float, ...]  # relative column widths (for paged layouts)
    footer: tuple[str, ...] | None = None  # a total row
    caption: str = ""


@dataclass(frozen=True)
class Histogram:
    """Monte Carlo samples binned: ``counts[i]`` samples in ``[edges[i], edges[i+1])``."""

    title: str
    axis: str
    count_label: str
    counts: tuple[int, ...]
    edges: tuple[float, ...]
    markers: tuple[tuple[str, float], ...]  # (label, value): vertical lines


@dataclass(frozen=True)
class Block:
    """A part of a section, laid out in this order: text, fields, histogram, tables, list."""

    heading: str = ""
    paragraphs: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    histogram: Histogram | None = None
    tables: tuple[Table, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    number: int
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    language: str
    title: str
    subtitle: str
    product: str
    banner: str  # empty unless the footprint uses illustrative data
    banner_detail: str
    headline_label: str
    headline: str  # the total with its unit
    footer: str
    sections: tuple[Section, ...]


# --- shared helpers -------------------------------------------------------------------------


def share(part: float, whole: float) -> float | None:
    """``part / whole``, or None when the whole is zero."""
    return part / whole if whole else None


def rating(dqr: float | None, language: str) -> str:
    """The PEF quality level of a DQR, in words."""
    return t("rating." + dqr_rating(dqr).replace(" ", "_"), language)


def line_terms(footprint: Footprint, component: ModelResult) -> list[Term | None]:
    """The :class:`Term` behind each line result of ``component`` (None if not known).

    The accounting lists a model's line results in the order of its terms, so the two
    align one to one; a footprint without terms (or not aligned) gives None.
    """
    terms = [term for term in footprint.terms if term.model == component.id]
    if len(terms) != len(component.lines) or any(
        term.line != line.line or term.name != line.term
        for term, line in zip(terms, component.lines, strict=True)
    ):
        return [None] * len(component.lines)
    return list(terms)


def link_unit(footprint: Footprint, term: Term | None) -> str:
    """The unit a term's coefficient counts: its burden's unit, or a sub-model's declared unit."""
    if term is None:
        return ""
    if term.burden is not None:
        return term.burden.unit
    sub = footprint.models.get(term.submodel or "")
    return sub.product.declared if sub else ""


def sources(footprint: Footprint) -> list[tuple[str, list[str], bool]]:
    """Each distinct source cited: (source, the model/line ids using it, any illustrative)."""
    found: dict[str, tuple[list[str], list[bool]]] = {}
    for component in footprint.components:
        for line in component.lines:
            if not line.source:
                continue
            users, flags = found.setdefault(line.source, ([], []))
            ref = f"{line.model}/{line.line}"
            if ref not in users:
                users.append(ref)
            flags.append(line.illustrative)
    return [(source, users, any(flags)) for source, (users, flags) in found.items()]


def _join(items: Sequence[str], language: str) -> str:
    return t("report.list_separator", language).join(items)


def _link_text(link: Link | None) -> str:
    if link is None:
        return ""
    if link.kind is LinkKind.INLINE and link.inline is not None:
        return link.inline.source.citation()
    return f"{link.kind.value}:{link.ref}"


# --- the sections ---------------------------------------------------------------------------


def _product_section(footprint: Footprint, language: str, report_date: str) -> Section:
    model = footprint.model
    product = model.product
    L = language
    identifiers = _join(
        [f"{t_or('id.' + scheme, L, scheme)}: {value}" for scheme, value in product.identifiers],
        L,
    )
    if product.period_start or product.period_end:
        period = t(
            "product.period_value",
            L,
            start=product.period_start.isoformat() if product.period_start else "…",
            end=product.period_end.isoformat() if product.period_end else "…",
        )
    else:
        period = t("product.period_missing", L)
    fields = [
        (t("product.name", L), product.name.get(L)),
        (t("product.category", L), product.category),
        (t("product.company", L), product.company or t("report.none", L)),
        (t("product.site", L), product.site or t("report.none", L)),
        (t("product.identifiers", L), identifiers or t("report.none", L)),
        (t("product.declared_unit", L), product.declared),
    ]
    if product.functional_unit is not None:
        fields.append(
            (
                t("product.functional_unit", L),
                t(
                    "product.functional_unit_value",
                    L,
                    text=product.functional_unit.get(L),
                    units=fmt_quantity(product.declared_units_per_functional_unit or 0.0),
                ),
            )
        )
    fields += [
        (t("product.period", L), period),
        (t("product.report_date", L), report_date),
        (t("product.software", L), t("product.software_value", L, version=tanji.__version__)),
        (t("product.model", L), f"{model.id}@{model.version}"),
        (t("product.fingerprint", L), footprint.fingerprint()),
    ]
    return Section(1, "product", t("product.title", L), (Block(fields=tuple(fields)),))


def _stage_table(footprint: Footprint, language: str) -> Table:
    model = footprint.model
    L = language
    rows = []
    for stage in model.stages:
        count = sum(1 for line in model.lines if line.stage == stage.id)
        if count:
            status = t("stage.included", L)
        elif model.product.boundary == "cradle-to-gate" and stage.id in ("use", "end_of_life"):
            status = t("stage.outside", L)
        else:
            status = t("stage.no_lines", L)
        rows.append((stage.name.get(L), str(count), status))
    return Table(
        (t("scope.stage", L), t("scope.stage_lines", L), t("scope.stage_status", L)),
        tuple(rows),
        (False, True, False),
        (3, 1, 2),
        caption=t("scope.stages", L),
    )


def _cff_table(footprint: Footprint, language: str) -> Table | None:
    L = language
    rows = []
    for model in footprint.models.values() or [footprint.model]:
        for line in model.lines:
            c = line.cff
            if c is None:
                continue
            links = [
                f"{name}: {_link_text(getattr(c, attr))}"
                for name, attr in (
                    ("Ev", "ev"),
                    ("Erecycled", "erecycled"),
                    ("ErecyclingEoL", "erecycling_eol"),
                    ("E*v", "ev_star"),
                    ("ED", "ed"),
                    ("EER", "eer"),
                    ("ESE", "ese"),
                )
                if getattr(c, attr) is not None
            ]
            rows.append(
                (
                    model.id,
                    line.id,
                    *(
                        "—" if v is None else fmt_quantity(v)
                        for v in (c.a, c.b, c.r1, c.r2, c.r3, c.qsin_qp, c.qsout_qp)
                    ),
                    "; ".join(links),
                )
            )
    if not rows:
        return None
    keys = ("a", "b", "r1", "r2", "r3", "qsin_qp", "qsout_qp")
    return Table(
        (t("cff.model", L), t("cff.line", L), *(t("cff." + k, L) for k in keys), t("cff.links", L)),
        tuple(rows),
        (False, False, *([True] * len(keys)), False),
        (1.5, 1.2, *([0.95] * len(keys)), 3.5),
        caption=t("scope.cff_table", L),
    )


def _scope_section(footprint: Footprint, language: str) -> Section:
    model = footprint.model
    product = model.product
    L = language
    goal = t("scope.goal", L, product=product.name.get(L), declared=product.declared)
    fields = [
        (t("scope.boundary", L), t("boundary." + product.boundary, L)),
        (t("scope.method", L), t_or("method." + model.method, L, model.method)),
        (t("scope.cut_off", L), t("scope.cut_off_text", L)),
    ]
    if model.rule:
        fields.append((t("scope.rule", L), model.rule))
    if model.notes:
        fields.append((t("scope.notes", L), model.notes))
    blocks = [Block(paragraphs=(goal,), fields=tuple(fields), tables=(_stage_table(footprint, L),))]

    allocation = model.allocation
    if allocation is None:
        blocks.append(
            Block(heading=t("scope.allocation", L), paragraphs=(t("scope.allocation_none", L),))
        )
    else:
        coproducts = []
        for co in allocation.coproducts:
            text = f"{co.name} {fmt_quantity(co.amount)} {co.unit}"
            if co.value is not None:
                text += t("scope.coproduct_value", L, value=fmt_quantity(co.value))
            if co.substitutes is not None:
                text += t("scope.coproduct_substitutes", L, link=_link_text(co.substitutes))
            coproducts.append(text)
        method = t("allocation." + allocation.method.value, L)
        if allocation.property:
            method += f" ({allocation.property})"
        blocks.append(
            Block(
                heading=t("scope.allocation", L),
                fields=(
                    (t("scope.allocation_method", L), method),
                    (t("scope.allocation_share", L), fmt_percent(footprint.allocation_share)),
                    (
                        t("scope.allocation_stages", L),
                        _join([model.stage_name(s, L) for s in allocation.stages], L),
                    ),
                    (t("scope.coproducts", L), _join(coproducts, L)),
                ),
            )
        )

    eol = [t("eol." + model.end_of_life.value, L)]
    cff = _cff_table(footprint, L)
    if cff is not None:
        cut_off = model.end_of_life is not EndOfLife.CFF
        eol.append(t("eol.cut_off_terms" if cut_off else "eol.cff_terms", L))
    blocks.append(
        Block(
            heading=t("scope.end_of_life", L),
            paragraphs=tuple(eol),
            tables=(cff,) if cff is not None else (),
        )
    )
    return Section(2, "scope", t("scope.title", L), tuple(blocks))


def _breakdown(
    items: Sequence[tuple[str, float]], total: float, header: str, declared: str, language: str
) -> Table:
    L = language
    return Table(
        (header, t("results.value", L, declared=declared), t("results.share", L)),
        tuple((name, fmt_value(value), fmt_percent(share(value, total))) for name, value in items),
        (False, True, True),
        (3, 2, 1),
        footer=(t("report.total", L), fmt_value(total), fmt_percent(share(total, total))),
    )


def _results_section(footprint: Footprint, language: str) -> Section:
    model = footprint.model
    product = model.product
    L = language
    declared = product.declared
    total = footprint.total
    fields = [
        (
            t("results.total", L),
            f"{fmt_value(total)} {t('unit.per_declared', L, declared=declared)}",
        )
    ]
    if footprint.per_functional_unit is not None and product.functional_unit is not None:
        fields.append(
            (
                t("results.per_functional_unit", L),
                f"{fmt_value(footprint.per_functional_unit)} "
                + t("unit.per_functional", L, text=product.functional_unit.get(L)),
            )
        )
    stages = _breakdown(
        [(model.stage_name(s, L), v) for s, v in footprint.stages.items()],
        total,
        t("scope.stage", L),
        declared,
        L,
    )
    gases = _breakdown(
        [(t_or("gas." + g, L, g), v) for g, v in footprint.gases.items()],
        total,
        t("results.gas", L),
        declared,
        L,
    )
    order = list(CATEGORIES) + [c for c in footprint.categories if c not in CATEGORIES]
    categories = _breakdown(
        [(t_or("category." + c, L, c), footprint.categories.get(c, 0.0)) for c in order],
        total,
        t("results.category", L),
        declared,
        L,
    )
    if footprint.offsets:
        offsets = Block(
            heading=t("results.offsets", L),
            paragraphs=(t("results.offsets_text", L),),
            tables=(
                Table(
                    (
                        t("results.offset_line", L),
                        t("results.offset_name", L),
                        t("results.offset_amount", L),
                        t("results.offset_evidence", L),
                    ),
                    tuple(
                        (o.line, o.name, fmt_value(o.kg_co2e), o.evidence or t("report.none", L))
                        for o in footprint.offsets
                    ),
                    (False, False, True, False),
                    (1, 2, 1, 3),
                ),
            ),
        )
    else:
        offsets = Block(
            heading=t("results.offsets", L),
            paragraphs=(t("results.offsets_none", L), t("results.offsets_text", L)),
        )
    blocks = (
        Block(fields=tuple(fields)),
        Block(heading=t("results.by_stage", L), tables=(stages,)),
        Block(heading=t("results.by_gas", L), tables=(gases,)),
        Block(
            heading=t("results.by_category", L),
            paragraphs=(t("results.category_text", L),),
            tables=(categories,),
        ),
        offsets,
    )
    return Section(3, "results", t("results.title", L), blocks)


def line_link(line: LineResult, language: str) -> str:
    """What a line links to; an electricity line: the grid factor taken, and why."""
    grid = line.grid
    if grid is None:
        return line.link
    name = (grid.name_en or grid.name_zh) if language == "en" else (grid.name_zh or grid.name_en)
    why = t(
        "grid." + grid.reason,
        language,
        asked=place(grid.asked).name(language),
        year=grid.asked_year or "",
        place=place(grid.geography).name(language),
        taken=grid.year,
    )
    if grid.basis_from == "rule":
        why += "; " + t("grid.rule", language, rule=grid.rule)
    return f"{name or line.link} ({why})" if language == "en" else f"{name or line.link}（{why}）"


def _line_table(footprint: Footprint, component: ModelResult, language: str) -> Table:
    L = language
    model = footprint.models.get(component.id, footprint.model)
    rows = []
    for line, term in zip(component.lines, line_terms(footprint, component), strict=True):
        unit = link_unit(footprint, term)
        per_unit = fmt_value(line.per_unit)
        if unit:
            per_unit = t("lines.per_unit_value", L, value=per_unit, unit=unit)
        rows.append(
            (
                model.stage_name(line.stage, L),
                line.line,
                line.term,
                fmt_quantity(line.quantity),
                line.unit,
                line_link(line, L),
                per_unit,
                fmt_value(line.co2e),
                fmt_percent(share(line.co2e, component.total)),
                t("lines.primary" if line.primary else "lines.secondary", L),
                fmt_dqr(line.dqr),
            )
        )
    keys = (
        "stage",
        "line",
        "term",
        "quantity",
        "unit",
        "link",
        "per_unit",
        "contribution",
        "share",
        "data",
        "dqr",
    )
    return Table(
        tuple(t("lines." + k, L) for k in keys),
        tuple(rows),
        (False, False, False, True, False, False, True, True, True, False, True),
        (1.3, 1.0, 1.85, 1.0, 0.75, 1.75, 1.5, 1.2, 0.9, 1.2, 0.7),
        footer=(
            t("report.total", L),
            *([""] * 6),
            fmt_value(component.total),
            fmt_percent(share(component.total, component.total)),
            "",
            fmt_dqr(component.dqr),
        ),
    )


def _component_block(footprint: Footprint, component: ModelResult, language: str) -> Block:
    L = language
    return Block(
        heading=t(
            "lines.component",
            L,
            name=_model_name(footprint, component, L),
            model=component.id,
        ),
        fields=(
            (
                t("lines.component_total", L),
                f"{fmt_value(component.total)} "
                + t("unit.per_declared", L, declared=component.declared),
            ),
            (
                t("lines.component_output", L),
                t(
                    "lines.component_output_value",
                    L,
                    output=fmt_quantity(component.output),
                    declared=component.declared,
                ),
            ),
            (
                t("quality.dqr", L),
                t(
                    "quality.dqr_value",
                    L,
                    dqr=fmt_dqr(component.dqr),
                    rating=rating(component.dqr, L),
                ),
            ),
        ),
        tables=(_line_table(footprint, component, L),),
    )


def _lines_section(footprint: Footprint, language: str) -> Section:
    L = language
    root = footprint.components[0]
    blocks = [
        Block(
            heading=t("lines.root", L, model=root.id),
            paragraphs=(t("lines.text", L),),
            tables=(_line_table(footprint, root, L),),
        )
    ]
    blocks += [_component_block(footprint, c, L) for c in footprint.components[1:]]
    return Section(4, "lines", t("lines.title", L), tuple(blocks))


def _model_name(footprint: Footprint, component: ModelResult, language: str) -> str:
    model: ProductModel | None = footprint.models.get(component.id)
    return model.product.name.get(language) if model else component.name


def _quality_section(footprint: Footprint, language: str) -> Section:
    L = language
    fields = (
        (
            t("quality.dqr", L),
            t("quality.dqr_value", L, dqr=fmt_dqr(footprint.dqr), rating=rating(footprint.dqr, L)),
        ),
        (t("quality.primary_share", L), fmt_percent(footprint.primary_share)),
    )
    models = Table(
        (
            t("quality.model", L),
            t("quality.dqr", L),
            t("quality.primary_share", L),
        ),
        tuple(
            (
                f"{_model_name(footprint, c, L)} ({c.id})",
                t("quality.dqr_value", L, dqr=fmt_dqr(c.dqr), rating=rating(c.dqr, L)),
                fmt_percent(c.primary_share),
            )
            for c in footprint.components
        ),
        (False, True, True),
        (3, 2, 1),
        caption=t("quality.models", L),
    )
    cited = Table(
        ("#", t("quality.source", L), t("quality.used_by", L), t("quality.illustrative", L)),
        tuple(
            (
                str(i),
                source,
                _join(users, L),
                t("report.yes" if illustrative else "report.no", L),
            )
            for i, (source, users, illustrative) in enumerate(sources(footprint), start=1)
        ),
        (True, False, False, False),
        (0.4, 5, 2.2, 0.9),
        caption=t("quality.sources", L),
    )
    tables = [models, cited]
    evidence = [
        (f"{model.id}/{line.id}", line.evidence)
        for model in (footprint.models.values() or [footprint.model])
        for line in model.lines
        if line.evidence and line.reporting != "offset"
    ]
    if evidence:
        tables.append(
            Table(
                (t("lines.line", L), t("quality.evidence_text", L)),
                tuple(evidence),
                (False, False),
                (1, 3),
                caption=t("quality.evidence", L),
            )
        )
    return Section(
        5,
        "quality",
        t("quality.title", L),
        (Block(paragraphs=(t("quality.text", L),), fields=fields, tables=tuple(tables)),),
    )


def histogram(
    footprint: Footprint, uncertainty: FootprintUncertainty, language: str
) -> Histogram | None:
    """The Monte Carlo samples in 10 to 30 bins, with the 2.5 %, median and 97.5 % marks."""
    samples = np.asarray(uncertainty.samples, dtype=np.float64)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return None
    bins = int(min(30, max(10, math.isqrt(samples.size))))
    counts, edges = np.histogram(samples, bins=bins)
    s = uncertainty.summary
    L = language
    return Histogram(
        title=t("uncertainty.histogram", L, iterations=s.iterations),
        axis=t("uncertainty.axis", L, declared=footprint.per),
        count_label=t("uncertainty.count", L),
        counts=tuple(int(c) for c in counts),
        edges=tuple(float(e) for e in edges),
        markers=(
            (t("uncertainty.p2_5", L), s.p2_5),
            (t("uncertainty.median", L), s.median),
            (t("uncertainty.p97_5", L), s.p97_5),
        ),
    )


def _uncertainty_section(
    footprint: Footprint, uncertainty: FootprintUncertainty | None, language: str
) -> Section:
    L = language
    title = t("uncertainty.title", L)
    if uncertainty is None:
        return Section(6, "uncertainty", title, (Block(paragraphs=(t("uncertainty.none", L),)),))
    s = uncertainty.summary
    unit = t("unit.per_declared", L, declared=footprint.per)
    fields = (
        (t("uncertainty.iterations", L), f"{s.iterations:,}"),
        (
            t("uncertainty.seed", L),
            str(uncertainty.seed) if uncertainty.seed is not None else t("report.none", L),
        ),
        (t("uncertainty.deterministic", L), f"{fmt_value(footprint.total)} {unit}"),
        (t("uncertainty.mean", L), f"{fmt_value(s.mean)} {unit}"),
        (t("uncertainty.median", L), f"{fmt_value(s.median)} {unit}"),
        (t("uncertainty.std", L), f"{fmt_value(s.std)} {unit}"),
        (
            t("uncertainty.interval", L),
            t("uncertainty.interval_value", L, low=fmt_value(s.p2_5), high=fmt_value(s.p97_5))
            + f" {unit}",
        ),
        (t("uncertainty.rse", L), fmt_percent(s.relative_standard_error)),
    )
    if uncertainty.drivers:
        drivers: tuple[Table, ...] = (
            Table(
                (
                    t("uncertainty.rank", L),
                    t("uncertainty.line", L),
                    t("uncertainty.name", L),
                    t("uncertainty.driver_share", L),
                ),
                tuple(
                    (str(i), d.line, d.name, fmt_percent(d.share))
                    for i, d in enumerate(uncertainty.drivers, start=1)
                ),
                (True, False, False, True),
                (0.6, 1.5, 3, 1.5),
                caption=t("uncertainty.drivers", L),
            ),
        )
        paragraphs: tuple[str, ...] = ()
    else:
        drivers = ()
        paragraphs = (t("uncertainty.no_drivers", L),)
    return Section(
        6,
        "uncertainty",
        title,
        (
            Block(
                paragraphs=(t("uncertainty.text", L),),
                fields=fields,
                histogram=histogram(footprint, uncertainty, L),
                tables=drivers,
            ),
            Block(paragraphs=paragraphs) if paragraphs else Block(),
        ),
    )


def _limits_section(
    footprint: Footprint, uncertainty: FootprintUncertainty | None, language: str
) -> Section:
    L = language
    models = list(footprint.models.values()) or [footprint.model]
    bullets = [t("limits.single_category", L), t("limits.secondary", L)]
    if footprint.illustrative:
        bullets.append(t("limits.illustrative", L))
    if any(m.allocation is not None for m in models):
        bullets.append(t("limits.allocation", L))
    if any(line.electricity and line.electricity.market for m in models for line in m.lines):
        bullets.append(t("limits.market", L))
    if footprint.offsets:
        bullets.append(t("limits.offsets", L))
    bullets.append(t("limits.uncertainty" if uncertainty else "limits.no_uncertainty", L))
    if footprint.dqr is None or any(
        line.dqr is None for c in footprint.components for line in c.lines
    ):
        bullets.append(t("limits.unrated", L))
    bullets.append(t("limits.comparison", L))
    pins = [
        (t("pin.kind.software", L), f"tanji@{tanji.__version__}", "", ""),
        *(
            (
                t_or("pin.kind." + p.kind, L, p.kind),
                p.ref,
                p.digest or t("report.none", L),
                p.link or t("report.none", L),
            )
            for p in footprint.pins
        ),
    ]
    table = Table(
        (t("pin.kind", L), t("pin.ref", L), t("pin.digest", L), t("pin.link", L)),
        tuple(pins),
        (False, False, False, False),
        (1.2, 3, 3, 2),
    )
    return Section(
        7,
        "limits",
        t("limits.title", L),
        (
            Block(heading=t("limits.limitations", L), bullets=tuple(bullets)),
            Block(
                heading=t("limits.pins", L),
                paragraphs=(t("limits.pins_text", L, fingerprint=footprint.fingerprint()),),
                tables=(table,),
            ),
        ),
    )


def build_report(
    footprint: Footprint,
    uncertainty: FootprintUncertainty | None,
    language: str = "zh",
    report_date: date | None = None,
) -> Report:
    """The report of ``footprint`` in ``language`` ("zh" or "en")."""
    L = check_language(language)
    model = footprint.model
    day = (report_date or date.today()).isoformat()
    return Report(
        language=L,
        title=t("report.title", L),
        subtitle=t("report.subtitle", L),
        product=model.product.name.get(L),
        banner=t("report.banner", L) if footprint.illustrative else "",
        banner_detail=t("report.banner_detail", L) if footprint.illustrative else "",
        headline_label=t("report.headline", L),
        headline=f"{fmt_value(footprint.total)} "
        + t("unit.per_declared", L, declared=footprint.per),
        footer=t(
            "report.footer", L, version=tanji.__version__, model=f"{model.id}@{model.version}"
        ),
        sections=(
            _product_section(footprint, L, day),
            _scope_section(footprint, L),
            _results_section(footprint, L),
            _lines_section(footprint, L),
            _quality_section(footprint, L),
            _uncertainty_section(footprint, uncertainty, L),
            _limits_section(footprint, uncertainty, L),
        ),
    )
