"""The province's progress: product footprints against its targets, by sector and city.

Jiangsu's plan counts *products* with a carbon footprint: about 400 by 2025 and 1,000 by
2030. A product counts once however many versions it has (an organisation's workspace
product: its results share ``product_id``; otherwise the owner and the model's product
code). What counts is what the policy counts:

- **certified**: the product has a footprint with a certificate in force (status
  ``valid``, :mod:`tanji.services.certification`);
- **self-declared**: the product has a computed footprint and no certificate in force;
- never counted: illustrative results (worked examples, made-up numbers), results of
  demo organisations (``organisations.demo``), and results that belong to no
  organisation (the operator's command-line examples).

The sector is the product category named in the model; the city is the region the
owning organisation registered in.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tanji.db.models import CertificateRow, FootprintResultRow, OrganisationRow

__all__ = [
    "TARGETS",
    "UNASSIGNED",
    "CategoryCount",
    "CityCount",
    "Progress",
    "footprint_progress",
    "progress_stamp",
]

#: Year → number of product footprints the province aims for.
TARGETS: tuple[tuple[int, int], ...] = ((2025, 400), (2030, 1000))
#: The city of products whose results belong to no organisation.
UNASSIGNED = ""


@dataclass(frozen=True)
class CategoryCount:
    category: str
    products: int
    certified: int = 0


@dataclass(frozen=True)
class CityCount:
    region: str  # a region code (tanji.domain.regions), or UNASSIGNED
    products: int
    certified: int = 0


@dataclass(frozen=True)
class Progress:
    results: int  # counted footprint results, every version
    products: int  # distinct products with a counted result: what the targets count
    targets: tuple[tuple[int, int], ...]
    by_category: tuple[CategoryCount, ...]
    by_city: tuple[CityCount, ...]
    certified: int = 0  # of which with a certificate in force
    self_declared: int = 0  # of which without one


def footprint_progress(session: Session) -> Progress:
    """Counted results, distinct products (certified and self-declared), and products
    per category and per city (most first)."""
    rows = session.execute(
        select(
            FootprintResultRow.id,
            FootprintResultRow.org_id,
            FootprintResultRow.product_id,
            FootprintResultRow.product_code,
            FootprintResultRow.result,
            OrganisationRow.region,
        )
        .join(OrganisationRow, OrganisationRow.id == FootprintResultRow.org_id)
        .where(OrganisationRow.demo.is_(False))
    ).all()
    valid = set(
        session.scalars(select(CertificateRow.result_id).where(CertificateRow.status == "valid"))
    )
    # Design note: the category lives only in the result JSON (no column yet); reading the
    # JSON is fine at the province's scale (thousands), a column would be the next step.
    products: dict[tuple[object, ...], tuple[str, str]] = {}
    certified: set[tuple[object, ...]] = set()
    counted = 0
    for result_id, org_id, product_id, code, text, region in rows:
        document = json.loads(text)
        if document.get("illustrative"):
            continue
        counted += 1
        key = ("workspace", product_id) if product_id is not None else ("code", org_id, code)
        category = str((document.get("product") or {}).get("category") or "other")
        products[key] = (category, region or UNASSIGNED)
        if result_id in valid:
            certified.add(key)
    categories = Counter(category for category, _ in products.values())
    cities = Counter(city for _, city in products.values())
    certified_categories = Counter(products[k][0] for k in certified)
    certified_cities = Counter(products[k][1] for k in certified)
    return Progress(
        results=counted,
        products=len(products),
        certified=len(certified),
        self_declared=len(products) - len(certified),
        targets=TARGETS,
        by_category=tuple(
            CategoryCount(c, n, certified_categories[c]) for c, n in categories.most_common()
        ),
        by_city=tuple(CityCount(c, n, certified_cities[c]) for c, n in cities.most_common()),
    )


def progress_stamp(session: Session) -> tuple[object, ...]:
    """What :func:`footprint_progress` depends on that changes with the results and the
    certificates, read in one cheap query: a cached progress is current while this
    stays the same (results are never edited; a certificate's status change moves the
    count of valid ones)."""
    result_id, certificate_id = FootprintResultRow.id, CertificateRow.id
    valid = CertificateRow.status == "valid"
    found = session.execute(
        select(
            select(func.count(result_id)).scalar_subquery(),
            select(func.max(result_id)).scalar_subquery(),
            select(func.count(certificate_id)).where(valid).scalar_subquery(),
            select(func.max(certificate_id)).scalar_subquery(),
        )
    ).one()
    return tuple(found)
