"""Reference values of a category: computed from certified footprints, or set officially.

One function per intention: :func:`category_values` (what the category page shows),
:func:`set_official_value` and :func:`set_policy` (the department's acts), and
:func:`known_categories`. The caller owns the transaction.

Certified footprints are the certificates in force (status ``valid`` or ``granted``) of
the category and declared unit; each counts with the footprint result it certifies
(its DQR from the result) and the year it was issued.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    BenchmarkOfficialValueRow,
    BenchmarkPolicyRow,
    CertificateRow,
    FootprintResultRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.benchmarks import (
    DEFAULT_POLICY,
    BenchmarkError,
    CategoryPolicy,
    ComputedValues,
    FootprintSample,
    Kind,
    OfficialValue,
    Resolved,
    compute_values,
    resolve,
)
from tanji.domain.problems import Problem, problem_of
from tanji.domain.rules import Rule
from tanji.services.audit import audit
from tanji.services.errors import invalid_field
from tanji.services.permissions import require
from tanji.services.rules import list_rules

__all__ = [
    "CERTIFIED",
    "CategoryValues",
    "ExternalReference",
    "YearValues",
    "category_values",
    "certified_samples",
    "known_categories",
    "official_values",
    "policy_for",
    "set_official_value",
    "set_policy",
]

#: Certificate statuses that count as a certified footprint.
CERTIFIED = ("valid", "granted")


@dataclass(frozen=True)
class ExternalReference:
    """A value from an accounting rule shown beside the category's (never mixed in)."""

    rule: str
    kind: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    per: str
    label: str
    source: str
    comparable: bool  # same declared unit as the category's


@dataclass(frozen=True)
class YearValues:
    year: int
    computed: ComputedValues
    official: tuple[OfficialValue, ...]
    values: dict[Kind, Resolved]


@dataclass(frozen=True)
class CategoryValues:
    category: str
    declared_unit: str
    year: int
    policy: CategoryPolicy
    current: YearValues
    history: tuple[YearValues, ...]  # newest first, the current year included
    external: tuple[ExternalReference, ...]
    external_note: str  # why there is no external reference, when there is none


def _dqr(result_text: str) -> float | None:
    quality = json.loads(result_text).get("data_quality") or {}
    dqr = quality.get("dqr")
    return float(dqr) if dqr is not None else None


def certified_samples(session: Session, category: str, declared_unit: str) -> list[FootprintSample]:
    """The category's certified footprints (every year), per declared unit."""
    rows = session.execute(
        select(CertificateRow, FootprintResultRow.result)
        .join(FootprintResultRow, FootprintResultRow.id == CertificateRow.result_id)
        .where(
            CertificateRow.category == category,
            CertificateRow.declared_unit == declared_unit,
            CertificateRow.status.in_(CERTIFIED),
        )
    ).all()
    return [
        FootprintSample(c.declared_value, _dqr(text), c.issued_on.year, c.number)
        for c, text in rows
    ]


def policy_for(session: Session, category: str, declared_unit: str) -> CategoryPolicy:
    """The category's policy (the newest the department set), else the default."""
    row = session.scalar(
        select(BenchmarkPolicyRow)
        .where(
            BenchmarkPolicyRow.category == category,
            BenchmarkPolicyRow.declared_unit == declared_unit,
        )
        .order_by(BenchmarkPolicyRow.id.desc())
        .limit(1)
    )
    if row is None:
        return DEFAULT_POLICY
    return CategoryPolicy(
        percentiles={
            Kind.LEADING: row.leading_percentile,
            Kind.BASELINE: row.baseline_percentile,
            Kind.LIMIT: row.limit_percentile,
        },
        min_sample=row.min_sample,
        max_dqr=row.max_dqr,
    )


def official_values(session: Session, category: str, declared_unit: str) -> list[OfficialValue]:
    """Every official value of the category, newest first (the newest of a year and kind
    is the one in force)."""
    rows = session.scalars(
        select(BenchmarkOfficialValueRow)
        .where(
            BenchmarkOfficialValueRow.category == category,
            BenchmarkOfficialValueRow.declared_unit == declared_unit,
        )
        .order_by(BenchmarkOfficialValueRow.id.desc())
    ).all()
    return [
        OfficialValue(Kind(r.kind), r.value, r.year, r.document, str(r.set_by_org_id or ""),
                      r.illustrative)
        for r in rows
    ]  # fmt: skip


def _in_force(official: Sequence[OfficialValue], year: int) -> list[OfficialValue]:
    """Per kind, the newest value of the latest year not after ``year``."""
    out: dict[Kind, OfficialValue] = {}
    for value in sorted(official, key=lambda o: -o.year):  # stable: newest row first
        if value.year <= year and value.kind not in out:
            out[value.kind] = value
    return list(out.values())


def _external(rules: Sequence[Rule], declared_unit: str) -> tuple[ExternalReference, ...]:
    out = []
    for rule in rules:
        for r in rule.references:
            source = ""
            if r.citation is not None:
                source = "; ".join(x for x in (r.citation.document, r.citation.clause) if x)
            out.append(
                ExternalReference(
                    rule=rule.ref,
                    kind=r.kind,
                    value=r.value,
                    low=r.low,
                    high=r.high,
                    unit=r.unit,
                    per=r.per,
                    label=r.label,
                    source=source,
                    comparable=r.per == declared_unit,
                )
            )
    return tuple(out)


def _rules_of(session: Session, category: str) -> list[Rule]:
    rules: list[Rule] = []
    for entry in list_rules(session):
        rule = entry.rule
        if category in rule.categories and rule.ref not in {r.ref for r in rules}:
            rules.append(rule)
    return rules


def _year_values(
    samples: Sequence[FootprintSample],
    official: Sequence[OfficialValue],
    year: int,
    policy: CategoryPolicy,
) -> YearValues:
    computed = compute_values(samples, year, policy, rng=year)
    in_force = _in_force(official, year)
    return YearValues(year, computed, tuple(in_force), resolve(computed, in_force))


def category_values(
    session: Session, category: str, declared_unit: str, year: int
) -> CategoryValues:
    """The category's values for ``year`` and every earlier year with data, with the
    rules' external references. Public data: anyone signed in may read it."""
    policy = policy_for(session, category, declared_unit)
    samples = certified_samples(session, category, declared_unit)
    official = official_values(session, category, declared_unit)
    years = sorted({s.year for s in samples} | {o.year for o in official} | {year}, reverse=True)
    history = tuple(_year_values(samples, official, y, policy) for y in years if y <= year)
    rules = _rules_of(session, category)
    external = _external(rules, declared_unit)
    note = ""
    if not external:
        note = "none of the rules of this category cites a published external value" + (
            f" ({', '.join(r.ref for r in rules)})" if rules else ""
        )
    return CategoryValues(
        category, declared_unit, year, policy, history[0], history, external, note
    )


def known_categories(session: Session) -> list[tuple[str, str]]:
    """(category, declared unit) pairs with certificates, official values or a rule."""
    found: set[tuple[str, str]] = set()
    found.update(
        (c, u)
        for c, u in session.execute(
            select(CertificateRow.category, CertificateRow.declared_unit).distinct()
        ).all()
    )
    found.update(
        (c, u)
        for c, u in session.execute(
            select(
                BenchmarkOfficialValueRow.category, BenchmarkOfficialValueRow.declared_unit
            ).distinct()
        ).all()
    )
    for entry in list_rules(session):
        rule = entry.rule
        if not rule.skeleton:
            found.update((c, rule.declared_unit) for c in rule.categories)
    return sorted((c, u) for c, u in found if c and u)


def set_official_value(
    session: Session,
    actor: Actor,
    *,
    category: str,
    declared_unit: str,
    year: int,
    kind: str,
    value: float,
    document: str,
    illustrative: bool = False,
) -> int:
    """The department sets a value with the document that sets it (it wins from now)."""
    require(actor, "benchmark.set")
    if kind not in {k.value for k in Kind}:
        raise invalid_field("kind", Problem("bench-kind", value=repr(kind)))
    if not category.strip() or not declared_unit.strip():
        raise invalid_field("category", Problem("bench-category"))
    if not 2000 <= year <= 2100:
        raise invalid_field("year", Problem("bench-year", value=year))
    try:
        OfficialValue(Kind(kind), value, year, document)
    except BenchmarkError as error:
        field = str(error).split(":", 1)[0]
        raise invalid_field(
            field if field in ("value", "document") else "value", problem_of(error)
        ) from None
    row = BenchmarkOfficialValueRow(
        category=category.strip(),
        declared_unit=declared_unit.strip(),
        year=year,
        kind=kind,
        value=value,
        document=document.strip(),
        illustrative=illustrative,
        set_by_org_id=actor.org_id,
        set_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "benchmark.set", "benchmark_official_value", row.id, None,
          {"category": category, "per": declared_unit, "year": year, "kind": kind,
           "value": value, "document": document, "illustrative": illustrative})  # fmt: skip
    return row.id


def set_policy(
    session: Session,
    actor: Actor,
    *,
    category: str,
    declared_unit: str,
    leading: float,
    baseline: float,
    limit: float,
    min_sample: int,
    max_dqr: float,
) -> int:
    """The department sets how the category's values are computed."""
    require(actor, "benchmark.set")
    try:
        CategoryPolicy(
            percentiles={Kind.LEADING: leading, Kind.BASELINE: baseline, Kind.LIMIT: limit},
            min_sample=min_sample,
            max_dqr=max_dqr,
        )
    except BenchmarkError as error:
        raise invalid_field("percentiles", problem_of(error)) from None
    row = BenchmarkPolicyRow(
        category=category,
        declared_unit=declared_unit,
        leading_percentile=leading,
        baseline_percentile=baseline,
        limit_percentile=limit,
        min_sample=min_sample,
        max_dqr=max_dqr,
        set_by_org_id=actor.org_id,
        set_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "benchmark.policy", "benchmark_policy", row.id, None,
          {"category": category, "per": declared_unit, "percentiles": [leading, baseline, limit],
           "min_sample": min_sample, "max_dqr": max_dqr})  # fmt: skip
    return row.id
