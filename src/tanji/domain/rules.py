"""Accounting rules (产品碳足迹核算规则): what a valid footprint of a category is.

A :class:`Rule` is data — a YAML/JSON document (``tanji: rule/1``, read by
:mod:`tanji.io.rule_file`) — holding the category, units, boundary and required stages
and processes, cut-off limits, the allocation hierarchy, how electricity must be
modelled, the end-of-life method and its defaults, primary-data and data-quality
requirements, report items, reference values and the clauses all of it comes from.

:func:`check` returns :class:`Finding` s (errors and warnings, each pointing to the line
and the clause); :func:`apply` gives the model as the rule wants it computed (its GWP
set, end-of-life method and CFF defaults, its stage names), so one model can be computed
under several rules side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from tanji.domain.factors import DomainError
from tanji.domain.geography import level_of
from tanji.domain.problems import Problem
from tanji.domain.products import (
    EndOfLife,
    Line,
    LinkKind,
    LocalText,
    ProductModel,
    Stage,
)
from tanji.domain.units import same_dimension

__all__ = [
    "RULE_STATUSES",
    "Citation",
    "Finding",
    "ProcessRequirement",
    "ReferenceValue",
    "Rule",
    "RuleStage",
    "Severity",
    "apply",
    "check",
    "line_quality",
    "next_statuses",
    "references_for",
]

#: The lifecycle of a rule: a draft is tried as a group standard, then published; a
#: published rule is superseded by its next version. (R1.1 of the requirements.)
RULE_STATUSES = ("draft", "trial", "published", "superseded")
_TRANSITIONS = {
    "draft": ("trial", "published"),
    "trial": ("published", "draft"),
    "published": ("superseded",),
    "superseded": (),
}


def next_statuses(status: str) -> tuple[str, ...]:
    return _TRANSITIONS.get(status, ())


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Citation:
    """Where a requirement comes from: document and clause (and whether it was read)."""

    document: str
    clause: str = ""
    note: str = ""

    def text(self) -> str:
        return f"{self.document} {self.clause}".strip()


@dataclass(frozen=True)
class ProcessRequirement:
    """A process a stage must contain: a model line tagged ``process: <id>`` provides it."""

    id: str
    name: LocalText
    primary: bool = False  # its activity data must be primary (measured at the site)
    citation: Citation | None = None


@dataclass(frozen=True)
class RuleStage:
    """A life-cycle stage of the rule: its id, name and which model stages map into it."""

    id: str
    name: LocalText
    required: bool
    processes: tuple[ProcessRequirement, ...] = ()
    model_stages: tuple[str, ...] = ()  # the model's stage ids counted in this stage
    citation: Citation | None = None


@dataclass(frozen=True)
class ReferenceValue:
    """A limit, baseline or leading value (or an external threshold) for comparison."""

    kind: str  # limit | baseline | leading | threshold | range
    value: float | None
    unit: str
    per: str
    low: float | None = None
    high: float | None = None
    label: str = ""
    citation: Citation | None = None


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    line: str = ""  # the model line (file:line and id) the finding is about
    clause: str = ""  # the rule clause it comes from
    line_id: str = ""  # the id of the model's line it is about, if it is about one

    def text(self) -> str:
        where = f" [{self.line}]" if self.line else ""
        clause = f" ({self.clause})" if self.clause else ""
        return f"{self.severity.value}: {self.code}: {self.message}{where}{clause}"


@dataclass(frozen=True)
class Rule:
    id: str
    version: str
    status: str
    title: LocalText
    category: str
    categories: tuple[str, ...]  # model categories the rule applies to
    codes: tuple[tuple[str, str], ...]  # (scheme, code): CPC, HS, GB/T 4754, …
    authors: tuple[tuple[str, str], ...]  # (kind, name): association, firm, institute, …
    issued: date | None
    general_method: tuple[Citation, ...]
    declared_unit: str  # e.g. "1 kWh" (total energy capacity)
    declared_unit_text: LocalText | None
    functional_unit: LocalText | None
    functional_unit_formula: str  # e.g. "capacity_kwh * cycles * dod * years"
    functional_unit_parameters: tuple[str, ...]
    boundary: str  # cradle-to-gate | cradle-to-grave
    stages: tuple[RuleStage, ...]
    cut_off_single: float | None  # max share of one excluded input (of the total)
    cut_off_total: float | None  # max share of all exclusions together
    allocation: tuple[str, ...]  # the hierarchy, most preferred first
    allocation_forbidden: tuple[str, ...]
    electricity_allowed: tuple[str, ...]  # location, market
    electricity_geography: str  # national, regional, province (the finest the rule asks)
    electricity_note: LocalText | None
    end_of_life: str  # cut-off | cff | worldsteel
    cff_defaults: Mapping[str, Mapping[str, float]]  # material → parameter → value
    methods: tuple[str, ...]  # GWP sets allowed; the first is the rule's
    primary_stages: tuple[str, ...]  # stages whose lines must be primary data
    max_dqr: float | None  # the result's DQR must not exceed this
    max_line_dqr: float | None  # nor any line's with a share above `dqr_share`
    dqr_share: float
    report_items: tuple[LocalText, ...]
    references: tuple[ReferenceValue, ...]
    citations: tuple[Citation, ...]
    notes: str = ""
    source: str = ""
    skeleton: bool = False  # a data-only outline, not yet for accounting
    #: The clause of each section (cut_off, allocation, electricity, end_of_life,
    #: primary_data, data_quality), when the rule cites one.
    section_citations: Mapping[str, Citation] = field(default_factory=dict)
    #: The grid factor an electricity line that states no basis takes: ``lifecycle``
    #: (the life-cycle electricity carbon footprint factor, for product footprints) or
    #: ``location`` (the CO2-only consumption factor, e.g. organisation-level
    #: reporting), and the rule's reason for it.
    electricity_basis: str = "lifecycle"
    electricity_basis_reason: LocalText | None = None

    def clause(self, section: str) -> str:
        citation = self.section_citations.get(section)
        return _clause(citation, self)

    def __post_init__(self) -> None:
        if self.status not in RULE_STATUSES:
            raise DomainError(
                f"status: expected one of {', '.join(RULE_STATUSES)}, got {self.status!r}"
            )
        if self.end_of_life not in ("cut-off", "cff", "worldsteel"):
            raise DomainError(f"end_of_life: cut-off, cff or worldsteel, got {self.end_of_life!r}")
        if not self.methods:
            raise DomainError("methods: name at least one GWP set")
        if self.electricity_basis not in ("lifecycle", "location"):
            raise DomainError(
                f"electricity.basis: lifecycle or location, got {self.electricity_basis!r}"
            )

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def stage(self, stage_id: str) -> RuleStage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


# --- checking a model against a rule ------------------------------------------------------


def _clause(citation: Citation | None, rule: Rule) -> str:
    if citation is not None:
        return citation.text()
    return rule.citations[0].text() if rule.citations else rule.ref


def _where(model: ProductModel, line: Line) -> str:
    return f"{model.source or model.id}: {line.where or 'line ' + line.id}"


def _rule_stage_of(rule: Rule, model_stage: str) -> RuleStage | None:
    for stage in rule.stages:
        if model_stage == stage.id or model_stage in stage.model_stages:
            return stage
    return None


def line_quality(
    terms: Iterable[tuple[str, float, float | None]],
) -> dict[str, tuple[float | None, float]]:
    """line id → (its DQR, weighted over its terms; |its share of the footprint|), from
    the root model's terms as (line id, kg CO2e, DQR or ``None``) — what :func:`check`
    takes as ``line_dqr``.

    The DQR is weighted by each term's |contribution| (a plain mean when every rated term
    contributes nothing). The share is of the sum of every line's absolute contribution,
    so credits neither inflate nor hide the share of the lines beside them.
    """
    by_line: dict[str, list[tuple[float, float | None]]] = {}
    for line_id, co2e, dqr in terms:
        by_line.setdefault(line_id, []).append((co2e, dqr))
    scale = sum(abs(co2e) for rows in by_line.values() for co2e, _ in rows)
    out: dict[str, tuple[float | None, float]] = {}
    for line_id, rows in by_line.items():
        rated = [(abs(co2e), dqr) for co2e, dqr in rows if dqr is not None]
        weight = sum(w for w, _ in rated)
        quality: float | None = None
        if rated and weight:
            quality = sum(w * v for w, v in rated) / weight
        elif rated:
            quality = sum(v for _, v in rated) / len(rated)
        co2e = sum(c for c, _ in rows)
        out[line_id] = (quality, abs(co2e) / scale if scale else 0.0)
    return out


def check(
    model: ProductModel,
    rule: Rule,
    *,
    dqr: float | None = None,
    line_dqr: Mapping[str, tuple[float | None, float]] | None = None,
) -> list[Finding]:
    """Findings of ``model`` under ``rule``: errors first, then warnings.

    ``dqr`` and ``line_dqr`` (line id → (DQR, share of the total)) come from a computed
    footprint; without them the data-quality minimums are not checked.
    """
    findings: list[Finding] = []

    def add(severity: Severity, code: str, message: str, clause: str, line: str = "") -> None:
        findings.append(Finding(severity, code, message, line, clause))

    E, W = Severity.ERROR, Severity.WARNING
    general = _clause(None, rule)
    named = {"rule": rule.ref, "rule_zh": rule.title.get("zh"), "rule_en": rule.title.get("en")}
    if rule.skeleton:
        add(W, "skeleton-rule", Problem("finding-skeleton-rule", **named), general)
    if rule.status in ("draft", "superseded"):
        add(W, "rule-status", Problem(f"finding-rule-{rule.status}", **named), general)
    if model.product.category not in rule.categories:
        add(E, "category", Problem("finding-category", category=model.product.category,
            categories=", ".join(rule.categories)), general,
            model.where("product.category"))  # fmt: skip
    declared = rule.declared_unit.split(" ", 1)[-1]
    if declared and not _dimension_matches(model.product.declared_unit, declared):
        add(E, "declared-unit", Problem("finding-declared-unit", declared=model.product.declared,
            rule_unit=rule.declared_unit), general,
            model.where("product.declared_unit"))  # fmt: skip
    if model.product.boundary != rule.boundary and rule.boundary == "cradle-to-grave":
        add(E, "boundary", Problem("finding-boundary", rule_boundary=rule.boundary,
            boundary=model.product.boundary), general,
            model.where("product.boundary"))  # fmt: skip
    elif model.product.boundary != rule.boundary:
        add(W, "boundary", Problem("finding-boundary-more", rule_boundary=rule.boundary,
            boundary=model.product.boundary), general,
            model.where("product.boundary"))  # fmt: skip
    if model.method not in rule.methods:
        add(E, "gwp-set", Problem("finding-gwp-set", rule_method=", ".join(rule.methods),
            method=model.method), general, model.where("method"))  # fmt: skip
    if rule.end_of_life != model.end_of_life.value and any(x.cff for x in model.lines):
        add(W, "end-of-life", Problem("finding-end-of-life", rule_method=rule.end_of_life,
            method=model.end_of_life.value), rule.clause("end_of_life"),
            model.where("end_of_life"))  # fmt: skip
    findings.extend(_stage_findings(model, rule))
    findings.extend(_line_findings(model, rule))
    findings.extend(_allocation_findings(model, rule))
    findings.extend(_cut_off_findings(model, rule))
    if dqr is not None and rule.max_dqr is not None and dqr > rule.max_dqr:
        add(E, "data-quality", Problem("finding-data-quality", dqr=f"{dqr:.2f}",
            maximum=f"{rule.max_dqr:g}"), rule.clause("data_quality"),
            model.where("lines"))  # fmt: skip
    if line_dqr and rule.max_line_dqr is not None:
        lines = {line.id: line for line in model.lines}
        for line_id, (value, share) in line_dqr.items():
            if value is not None and share >= rule.dqr_share and value > rule.max_line_dqr:
                line = lines.get(line_id)
                message = Problem("finding-line-data-quality", line=line_id,
                    name=line.name if line and line.name else line_id, share=f"{share:.0%}",
                    dqr=f"{value:.2f}", maximum=f"{rule.max_line_dqr:g}",
                    above=f"{rule.dqr_share:.0%}")  # fmt: skip
                findings.append(Finding(E, "line-data-quality", message,
                    _where(model, line) if line else line_id, rule.clause("data_quality"),
                    line_id))  # fmt: skip
    return sorted(findings, key=lambda f: (f.severity is not Severity.ERROR, f.code))


def _dimension_matches(unit: str, other: str) -> bool:
    try:
        return same_dimension(unit, other)
    except ValueError:
        return False


def _stage_findings(model: ProductModel, rule: Rule) -> list[Finding]:
    findings = []
    present: dict[str, list[Line]] = {}
    for line in model.lines:
        stage = _rule_stage_of(rule, line.stage)
        if stage is not None:
            present.setdefault(stage.id, []).append(line)
    model_stage_ids = {s.id for s in model.stages}
    for stage in rule.stages:
        clause = _clause(stage.citation, rule)
        mapped = {stage.id, *stage.model_stages} & model_stage_ids
        if stage.required and not present.get(stage.id):
            what = "finding-stage-empty" if mapped else "finding-stage-missing"
            findings.append(
                Finding(
                    Severity.ERROR,
                    "stage-missing",
                    Problem(
                        what,
                        stage=stage.id,
                        stage_zh=stage.name.get("zh"),
                        stage_en=stage.name.get("en"),
                    ),
                    model.where("lines"),
                    clause,
                )
            )
        tagged = {line.process for line in present.get(stage.id, []) if line.process}
        findings.extend(
            Finding(
                Severity.ERROR,
                "process-missing",
                Problem(
                    "finding-process-missing",
                    stage=stage.id,
                    stage_zh=stage.name.get("zh"),
                    stage_en=stage.name.get("en"),
                    process=process.id,
                    process_zh=process.name.get("zh"),
                    process_en=process.name.get("en"),
                ),
                model.where("lines"),
                _clause(process.citation, rule),
            )
            for process in stage.processes
            if process.id not in tagged
        )
    findings.extend(
        Finding(
            Severity.WARNING,
            "stage-unknown",
            Problem(
                "finding-stage-unknown",
                line=line.id,
                name=line.name or line.id,
                stage=line.stage,
                stages=", ".join(s.id for s in rule.stages),
            ),
            _where(model, line),
            _clause(None, rule),
            line.id,
        )
        for line in model.lines
        if _rule_stage_of(rule, line.stage) is None
    )
    return findings


def _line_findings(model: ProductModel, rule: Rule) -> list[Finding]:
    findings = []
    primary_processes = {p.id: p for s in rule.stages for p in s.processes if p.primary}
    for line in model.lines:
        where = _where(model, line)
        stage = _rule_stage_of(rule, line.stage)
        needs_primary = (stage is not None and stage.id in rule.primary_stages) or (
            line.process in primary_processes
        )
        if needs_primary and not line.primary and line.reporting != "offset":
            process = primary_processes.get(line.process)
            clause = (
                _clause(process.citation, rule)
                if process and process.citation
                else rule.clause("primary_data")
            )
            findings.append(
                Finding(
                    Severity.ERROR,
                    "primary-data",
                    Problem("finding-primary-data", line=line.id, name=line.name or line.id),
                    where,
                    clause,
                    line.id,
                )
            )
        if line.electricity is not None:
            findings.extend(_electricity_findings(line, rule, where))
    return findings


_GEOGRAPHY_LEVEL = {"national": 0, "regional": 1, "province": 2}


def _electricity_findings(line: Line, rule: Rule, where: str) -> list[Finding]:
    assert line.electricity is not None
    findings = []
    clause = rule.clause("electricity")
    if line.electricity.market and "market" not in rule.electricity_allowed:
        findings.append(
            Finding(
                Severity.ERROR,
                "electricity-market",
                Problem("finding-electricity-market", line=line.id, name=line.name or line.id),
                where,
                clause,
                line.id,
            )
        )
    grid = line.electricity.grid
    wanted = _GEOGRAPHY_LEVEL.get(rule.electricity_geography, 0)
    if grid.kind is LinkKind.GRID and level_of(grid.ref) < wanted:
        findings.append(
            Finding(
                Severity.WARNING,
                "electricity-geography",
                Problem(
                    "finding-electricity-geography",
                    line=line.id,
                    name=line.name or line.id,
                    grid=grid.ref,
                    level=rule.electricity_geography,
                ),
                where,
                clause,
                line.id,
            )
        )
    if (
        grid.kind is LinkKind.GRID
        and grid.basis in ("lifecycle", "location")
        and grid.basis != rule.electricity_basis
        and not line.electricity.basis_rule
    ):
        findings.append(
            Finding(
                Severity.WARNING,
                "electricity-basis",
                Problem(
                    "finding-electricity-basis",
                    line=line.id,
                    name=line.name or line.id,
                    basis=grid.basis,
                    rule_basis=rule.electricity_basis,
                ),
                where,
                clause,
                line.id,
            )
        )
    if grid.kind is not LinkKind.GRID and "location" in rule.electricity_allowed:
        findings.append(
            Finding(
                Severity.WARNING,
                "electricity-factor",
                Problem("finding-electricity-factor", line=line.id, name=line.name or line.id),
                where,
                clause,
                line.id,
            )
        )
    return findings


def _allocation_findings(model: ProductModel, rule: Rule) -> list[Finding]:
    if model.allocation is None:
        return []
    method = model.allocation.method.value
    clause = rule.clause("allocation")
    where = model.where("allocation")
    # Subdivision is done in the model itself (more lines), not declared as a method.
    expressible = [m for m in rule.allocation if m != "subdivision"]
    if method in rule.allocation_forbidden:
        return [
            Finding(
                Severity.ERROR,
                "allocation",
                Problem("finding-allocation", method=method, hierarchy=" > ".join(rule.allocation)),
                where,
                clause,
            )
        ]
    if expressible and method != expressible[0]:
        return [
            Finding(
                Severity.WARNING,
                "allocation-hierarchy",
                Problem(
                    "finding-allocation-hierarchy",
                    method=method,
                    hierarchy=" > ".join(rule.allocation),
                ),
                where,
                clause,
            )
        ]
    return []


def _cut_off_findings(model: ProductModel, rule: Rule) -> list[Finding]:
    findings = []
    clause = rule.clause("cut_off")
    where = model.where("exclusions")
    total = 0.0
    for exclusion in model.exclusions:
        total += exclusion.share
        if rule.cut_off_single is not None and exclusion.share > rule.cut_off_single:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "cut-off",
                    Problem(
                        "finding-cut-off",
                        excluded=exclusion.name,
                        share=f"{exclusion.share:.1%}",
                        limit=f"{rule.cut_off_single:.1%}",
                    ),
                    where,
                    clause,
                )
            )
    if rule.cut_off_total is not None and total > rule.cut_off_total:
        findings.append(
            Finding(
                Severity.ERROR,
                "cut-off-total",
                Problem(
                    "finding-cut-off-total", share=f"{total:.1%}", limit=f"{rule.cut_off_total:.1%}"
                ),
                where,
                clause,
            )
        )
    return findings


# --- computing a model under a rule ---------------------------------------------------------


def apply(model: ProductModel, rule: Rule) -> ProductModel:
    """The model as the rule computes it: its GWP set, end-of-life method, CFF defaults.

    The model's own values win where it states them (a CFF parameter it gives); the
    rule fills what the model leaves to it, and the rule's stage names are used. Where
    the rule allows only location-based electricity, market instruments are set aside.
    """
    end_of_life = {
        "cut-off": EndOfLife.CUT_OFF,
        "cff": EndOfLife.CFF,
        "worldsteel": EndOfLife.WORLDSTEEL,
    }[rule.end_of_life]
    method = model.method if model.method in rule.methods else rule.methods[0]
    lines = tuple(_with_defaults(line, rule) for line in model.lines)
    stages = _stages_for(model, rule)
    return replace(
        model,
        method=method,
        end_of_life=end_of_life,
        lines=lines,
        stages=stages,
        rule=rule.ref,
        rule_applied=True,
    )


def _stages_for(model: ProductModel, rule: Rule) -> tuple[Stage, ...]:
    names = {}
    for stage in rule.stages:
        names[stage.id] = stage.name
        for model_stage in stage.model_stages:
            names.setdefault(model_stage, stage.name)
    return tuple(Stage(s.id, names.get(s.id, s.name)) for s in model.stages)


def _with_defaults(line: Line, rule: Rule) -> Line:
    if line.electricity is not None:
        electricity = line.electricity
        grid = electricity.grid
        if grid.kind is LinkKind.GRID and not grid.basis:
            # The model leaves the grid factor to the rule: the rule's basis, and why.
            electricity = replace(
                electricity,
                grid=replace(grid, basis=rule.electricity_basis),
                basis_rule=rule.ref,
                basis_reason=rule.electricity_basis_reason,
            )
        if electricity.market and "market" not in rule.electricity_allowed:
            # The rule counts grid electricity only: certificates do not change the number.
            electricity = replace(electricity, market=())
        return replace(line, electricity=electricity)
    cff = line.cff
    if cff is None or not cff.material:
        return line
    defaults = rule.cff_defaults.get(cff.material)
    if not defaults:
        return line
    values = {
        name: float(value)
        for name, value in defaults.items()
        if name not in cff.given and name in _CFF_NUMBERS
    }
    if not values:
        return line
    return replace(line, cff=replace(cff, **values))  # type: ignore[arg-type]


_CFF_NUMBERS = {"a", "r1", "r2", "r3", "qsin_qp", "qsout_qp", "b"}


def references_for(rule: Rule, total: float, per: str) -> list[tuple[ReferenceValue, str]]:
    """Each reference value of the rule with how the total compares (where comparable)."""
    out = []
    for reference in rule.references:
        if reference.per != per:
            out.append((reference, "not comparable (other unit)"))
        elif reference.kind == "range" and reference.low is not None and reference.high is not None:
            inside = reference.low <= total <= reference.high
            out.append((reference, "within" if inside else "outside"))
        elif reference.value is not None:
            out.append((reference, "below" if total <= reference.value else "above"))
    return out
