"""A product's grade against its category's values, and the department's distributions.

:func:`product_grade` computes the working model (as the calculation does) and its
Monte Carlo on the keyed streams of :mod:`tanji.domain.benchmarks.paired`, then grades
the point value and gives P(true footprint ≤ value) for each value in force.
:func:`grade_distribution` (departments) grades every enterprise product's latest
saved footprint by category and city, on its point value.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from tanji.db.models import FootprintResultRow, OrganisationRow, ProductRow
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.benchmarks import GradeResult, Kind, Resolved, grade, sample_footprints
from tanji.domain.problems import Problem
from tanji.services.background import BackgroundStore
from tanji.services.benchmarks._common import compute_product
from tanji.services.benchmarks.references import category_values
from tanji.services.desk.progress import city_of
from tanji.services.errors import invalid_field
from tanji.services.permissions import require

__all__ = ["GRADE_ITERATIONS", "DistributionRow", "ProductGrade", "grade_distribution",
           "product_grade"]  # fmt: skip

#: Monte Carlo iterations behind a grade's probabilities (a page request, not a batch).
GRADE_ITERATIONS = 1000


@dataclass(frozen=True)
class ProductGrade:
    product_id: int
    code: str
    category: str
    per: str
    year: int
    values: dict[Kind, Resolved]
    result: GradeResult
    illustrative: bool


def product_grade(
    session: Session,
    backgrounds: BackgroundStore,
    actor: Actor,
    product_id: int,
    year: int,
    *,
    iterations: int = GRADE_ITERATIONS,
    seed: int = 0,
) -> ProductGrade:
    """The product's grade in ``year`` with P(X ≤ value) from ``iterations`` draws."""
    if not 0 <= iterations <= 5000:
        raise invalid_field("iterations", Problem("bench-iterations", low=0, value=iterations))
    base = compute_product(session, backgrounds, actor, product_id)
    footprint = base.footprint
    values = category_values(session, footprint.model.product.category, footprint.per, year)
    resolved = values.current.values
    samples = None
    if iterations >= 2:
        samples = sample_footprints([footprint], base.resolver, iterations, seed)[0]
    result = grade(footprint.total, {k: v.value for k, v in resolved.items()}, samples)
    return ProductGrade(
        product_id,
        base.row.code,
        footprint.model.product.category,
        footprint.per,
        year,
        resolved,
        result,
        footprint.illustrative,
    )


@dataclass(frozen=True)
class DistributionRow:
    category: str
    per: str
    city: str  # the organisation's region (CN-JS-SZ …)
    counts: dict[str, int]  # grade → products ("ungraded" when no value is in force)


def grade_distribution(session: Session, actor: Actor, year: int) -> list[DistributionRow]:
    """Every enterprise product's latest footprint graded, counted by category and city."""
    require(actor, "benchmark.oversee")
    city = city_of(session, actor)  # a city department sees its own city only
    latest = (
        select(func.max(FootprintResultRow.id))
        .where(FootprintResultRow.product_id.is_not(None))
        .group_by(FootprintResultRow.product_id)
    )
    rows = session.execute(
        select(FootprintResultRow, ProductRow.category, OrganisationRow.region)
        .join(ProductRow, ProductRow.id == FootprintResultRow.product_id)
        .join(OrganisationRow, OrganisationRow.id == ProductRow.org_id)
        .where(FootprintResultRow.id.in_(latest), OrganisationRow.kind == OrgKind.ENTERPRISE.value)
        .where(OrganisationRow.region == city if city is not None else true())
    ).all()
    counts: dict[tuple[str, str, str], Counter[str]] = {}
    cache: dict[tuple[str, str], dict[Kind, float]] = {}
    for result, category, region in rows:
        category = category or json.loads(result.result)["product"].get("category", "")
        key = (category, result.per)
        if key not in cache:
            resolved = category_values(session, category, result.per, year).current.values
            cache[key] = {k: v.value for k, v in resolved.items()}
        found = grade(result.total, cache[key]).grade
        counts.setdefault((category, result.per, region), Counter())[
            found.value if found else "ungraded"
        ] += 1
    return [
        DistributionRow(c, p, city, dict(counter))
        for (c, p, city), counter in sorted(counts.items())
    ]
