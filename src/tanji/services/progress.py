"""The province's progress: saved product footprints against its targets.

Jiangsu's plan counts product carbon footprints: about 400 products by 2025 and 1,000 by
2030. We count saved footprint results (each a computed product with its pins) and, for
the breakdown, the product category named in the result's model.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.models import FootprintResultRow

__all__ = ["TARGETS", "CategoryCount", "Progress", "footprint_progress"]

#: Year → number of product footprints the province aims for.
TARGETS: tuple[tuple[int, int], ...] = ((2025, 400), (2030, 1000))


@dataclass(frozen=True)
class CategoryCount:
    category: str
    results: int


@dataclass(frozen=True)
class Progress:
    results: int
    products: int
    targets: tuple[tuple[int, int], ...]
    by_category: tuple[CategoryCount, ...]


def footprint_progress(session: Session) -> Progress:
    """Saved results, distinct products, and results per product category (most first)."""
    results = session.scalar(select(func.count(FootprintResultRow.id))) or 0
    products = session.scalar(select(func.count(func.distinct(FootprintResultRow.product_code))))
    categories: Counter[str] = Counter()
    # Design note: the category lives only in the result JSON (no column yet); reading the
    # JSON is fine at the province's scale (thousands), a column would be the next step.
    for text in session.scalars(select(FootprintResultRow.result)):
        product = json.loads(text).get("product") or {}
        categories[str(product.get("category") or "other")] += 1
    return Progress(
        results=results,
        products=products or 0,
        targets=TARGETS,
        by_category=tuple(CategoryCount(c, n) for c, n in categories.most_common()),
    )
