"""The province's progress: product footprints against its targets, by sector and city.

Jiangsu's plan counts *products* with a carbon footprint: about 400 by 2025 and 1,000 by
2030. A product counts once however many versions it has: an organisation's workspace
product (its results share ``product_id``), or — for results computed from the command
line, which belong to no organisation — the model's product code. The sector is the
product category named in the model; the city is the region the owning organisation
registered in (results without an organisation are the operator's worked examples and
count under "not assigned").
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import FootprintResultRow, OrganisationRow

__all__ = ["TARGETS", "UNASSIGNED", "CategoryCount", "CityCount", "Progress", "footprint_progress"]

#: Year → number of product footprints the province aims for.
TARGETS: tuple[tuple[int, int], ...] = ((2025, 400), (2030, 1000))
#: The city of products whose results belong to no organisation.
UNASSIGNED = ""


@dataclass(frozen=True)
class CategoryCount:
    category: str
    products: int


@dataclass(frozen=True)
class CityCount:
    region: str  # a region code (tanji.domain.regions), or UNASSIGNED
    products: int


@dataclass(frozen=True)
class Progress:
    results: int  # saved footprint results, every version
    products: int  # distinct products with at least one result: what the targets count
    targets: tuple[tuple[int, int], ...]
    by_category: tuple[CategoryCount, ...]
    by_city: tuple[CityCount, ...]


def footprint_progress(session: Session) -> Progress:
    """Results, distinct products, and products per category and per city (most first)."""
    rows = session.execute(
        select(
            FootprintResultRow.org_id,
            FootprintResultRow.product_id,
            FootprintResultRow.product_code,
            FootprintResultRow.result,
            OrganisationRow.region,
        ).outerjoin(OrganisationRow, OrganisationRow.id == FootprintResultRow.org_id)
    ).all()
    # Design note: the category lives only in the result JSON (no column yet); reading the
    # JSON is fine at the province's scale (thousands), a column would be the next step.
    products: dict[tuple[object, ...], tuple[str, str]] = {}
    for org_id, product_id, code, text, region in rows:
        key = ("workspace", product_id) if product_id is not None else ("code", org_id, code)
        category = str((json.loads(text).get("product") or {}).get("category") or "other")
        products[key] = (category, region or UNASSIGNED)
    categories = Counter(category for category, _ in products.values())
    cities = Counter(city for _, city in products.values())
    return Progress(
        results=len(rows),
        products=len(products),
        targets=TARGETS,
        by_category=tuple(CategoryCount(c, n) for c, n in categories.most_common()),
        by_city=tuple(CityCount(c, n) for c, n in cities.most_common()),
    )
