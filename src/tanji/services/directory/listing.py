"""What the public directory lists: every certificate in force, one line each.

Design note: the directory lists **certified products only** — a certificate of status
``valid`` whose dates include today. A self-declared footprint (computed in a workspace,
never certified) is not listed at all: a buyer, a bank or a consumer cannot tell a
self-declared number from a checked one at a glance, and the labels feature already
refuses to print one. A suspended, withdrawn, expired or cancelled certificate leaves
the directory at the next request (nothing is cached). Demo organisations' products
are listed, marked as demo data.

The grade is the benchmarks feature's (:func:`tanji.domain.benchmarks.grade`): the
certified value against the category's values in force this year for the same
declared unit; no grade when no value is in force. It is computed per request (the
directory is read from the certificates, it keeps no copy), which is fine for the
thousands of certificates the province's target speaks of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.label_tables import LabelRow
from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    OrganisationRow,
    ProductRow,
)
from tanji.domain.benchmarks import Grade, Kind, grade
from tanji.domain.directory import DirectoryReason, compare_problems
from tanji.domain.regions import REGIONS
from tanji.services.benchmarks.references import category_values
from tanji.services.errors import NotFoundError, RefusedError, invalid_field

__all__ = [
    "GRADES",
    "MAX_PER_PAGE",
    "CompareRefusedError",
    "Comparison",
    "DirectoryEntry",
    "DirectoryPage",
    "Filters",
    "categories",
    "compare",
    "entries",
    "entry",
    "search",
]

GRADES = tuple(g.value for g in Grade)
MAX_PER_PAGE = 100


class CompareRefusedError(RefusedError):
    """Two products that may not be compared (different category or declared unit)."""


@dataclass(frozen=True)
class DirectoryEntry:
    """One certified product as the public sees it."""

    certificate: str
    product_name: str
    product_name_en: str
    category: str
    declared_unit: str
    value: float
    unit: str
    holder_org_id: int
    holder: str
    holder_en: str
    city: str  # the holder's region code (CN-JS-SZ …)
    body: str
    body_en: str
    issued_on: date
    expires_on: date
    rule_ref: str
    standard: str
    label: str | None  # the newest label in force of the certificate, if any
    grade: str | None  # a Grade value, or None when no value is in force
    grade_values: dict[str, float]
    grade_illustrative: bool
    demo: bool
    product_id: int | None
    result_id: int


@dataclass(frozen=True)
class Filters:
    """The directory's search: every field optional."""

    q: str = ""
    category: str = ""
    grade: str = ""
    city: str = ""
    company: str = ""
    min_value: float | None = None
    max_value: float | None = None
    declared_unit: str = ""
    holder_org_id: int | None = None
    page: int = 1
    per_page: int = 20

    def checked(self) -> Filters:
        """The filters, or :class:`InvalidInputError` naming the field at fault."""
        if self.grade and self.grade not in GRADES:
            raise invalid_field("grade", f"one of {', '.join(GRADES)}, not {self.grade!r}")
        if self.city and self.city not in REGIONS:
            raise invalid_field(
                "city", f"a Jiangsu region code such as CN-JS-SZ, not {self.city!r}"
            )
        if self.page < 1:
            raise invalid_field("page", f"a page number from 1, not {self.page}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise invalid_field("per_page", f"1 to {MAX_PER_PAGE} per page, not {self.per_page}")
        for name, value in (("min_value", self.min_value), ("max_value", self.max_value)):
            if value is not None and not (value >= 0 and value < float("inf")):
                raise invalid_field(name, f"a number of kg CO2e from 0, not {value}")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise invalid_field("max_value", "a maximum not below the minimum")
        return self


@dataclass(frozen=True)
class DirectoryPage:
    items: tuple[DirectoryEntry, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _graded(session: Session, rows: Sequence[DirectoryEntry], day: date) -> list[DirectoryEntry]:
    cache: dict[tuple[str, str], tuple[dict[Kind, float], bool]] = {}
    out = []
    for item in rows:
        key = (item.category, item.declared_unit)
        if key not in cache:
            resolved = category_values(session, *key, day.year).current.values
            cache[key] = (
                {k: v.value for k, v in resolved.items()},
                any(v.official is not None and v.official.illustrative for v in resolved.values()),
            )
        values, illustrative = cache[key]
        found = grade(item.value, values).grade
        out.append(
            replace(
                item,
                grade=found.value if found else None,
                grade_values={k.value: v for k, v in values.items()},
                grade_illustrative=illustrative,
            )
        )
    return out


def entries(session: Session, *, day: date | None = None) -> list[DirectoryEntry]:
    """Every certified product in the directory, graded, lowest footprint first within a
    category (the order is category, declared unit, value, certificate)."""
    day = day or utcnow().date()
    holder = OrganisationRow.__table__.alias("holder")
    body = OrganisationRow.__table__.alias("body")
    rows = session.execute(
        select(
            CertificateRow, CertificationCaseRow.product_id, ProductRow.name_en,
            holder.c.name, holder.c.name_en, holder.c.region, holder.c.demo,
            body.c.name, body.c.name_en,
        )
        .join(CertificationCaseRow, CertificationCaseRow.id == CertificateRow.case_id)
        .outerjoin(ProductRow, ProductRow.id == CertificationCaseRow.product_id)
        .join(holder, holder.c.id == CertificateRow.holder_org_id)
        .join(body, body.c.id == CertificateRow.body_org_id)
        .where(
            CertificateRow.status == "valid",
            CertificateRow.issued_on <= day,
            CertificateRow.expires_on >= day,
        )
        .order_by(CertificateRow.category, CertificateRow.declared_unit,
                  CertificateRow.declared_value, CertificateRow.number)
    ).all()  # fmt: skip
    labels = _labels(session, [r[0].id for r in rows])
    found = [
        DirectoryEntry(
            certificate=c.number, product_name=c.product_name, product_name_en=name_en or "",
            category=c.category, declared_unit=c.declared_unit, value=c.declared_value,
            unit=c.unit, holder_org_id=c.holder_org_id, holder=h_name, holder_en=h_en or "",
            city=region, body=b_name, body_en=b_en or "", issued_on=c.issued_on,
            expires_on=c.expires_on, rule_ref=c.rule_ref, standard=c.standard,
            label=labels.get(c.id), grade=None, grade_values={}, grade_illustrative=False,
            demo=bool(demo), product_id=product_id, result_id=c.result_id,
        )
        for c, product_id, name_en, h_name, h_en, region, demo, b_name, b_en in rows
    ]  # fmt: skip
    return _graded(session, found, day)


def _labels(session: Session, certificate_ids: list[int]) -> dict[int, str]:
    """The newest unrevoked label of each certificate."""
    if not certificate_ids:
        return {}
    rows = session.execute(
        select(LabelRow.certificate_id, LabelRow.public_id)
        .where(LabelRow.certificate_id.in_(certificate_ids), LabelRow.revoked_at.is_(None))
        .order_by(LabelRow.id)
    ).all()
    return {int(c): str(p) for c, p in rows}


def _matches(item: DirectoryEntry, f: Filters) -> bool:
    q = f.q.strip().lower()
    company = f.company.strip().lower()
    return (
        (not q or any(q in text.lower() for text in (
            item.product_name, item.product_name_en, item.category, item.certificate,
            item.holder, item.holder_en)))
        and (not f.category or item.category == f.category)
        and (not f.declared_unit or item.declared_unit == f.declared_unit)
        and (not f.grade or item.grade == f.grade)
        and (not f.city or item.city == f.city)
        and (not company or company in item.holder.lower() or company in item.holder_en.lower())
        and (f.holder_org_id is None or item.holder_org_id == f.holder_org_id)
        and (f.min_value is None or item.value >= f.min_value)
        and (f.max_value is None or item.value <= f.max_value)
    )  # fmt: skip


def search(session: Session, filters: Filters, *, day: date | None = None) -> DirectoryPage:
    """One page of the certified products that match ``filters``."""
    f = filters.checked()
    found = [item for item in entries(session, day=day) if _matches(item, f)]
    start = (f.page - 1) * f.per_page
    return DirectoryPage(tuple(found[start : start + f.per_page]), len(found), f.page, f.per_page)


def categories(session: Session, *, day: date | None = None) -> list[tuple[str, str]]:
    """(category, declared unit) pairs that have at least one certified product."""
    return sorted({(e.category, e.declared_unit) for e in entries(session, day=day)})


def entry(session: Session, certificate: str, *, day: date | None = None) -> DirectoryEntry:
    """The directory's line of certificate ``certificate``; :class:`NotFoundError` when it
    is not (or no longer) in force."""
    for item in entries(session, day=day):
        if item.certificate == certificate.strip():
            return item
    raise NotFoundError(f"No certified product with certificate {certificate} in the directory.")


@dataclass(frozen=True)
class Comparison:
    a: DirectoryEntry
    b: DirectoryEntry
    difference: float  # b − a, in the unit per declared unit
    ratio: float | None  # b / a


def compare(session: Session, a: str, b: str, *, day: date | None = None) -> Comparison:
    """Two certified products side by side, only when they are comparable (same
    category and declared unit); else :class:`CompareRefusedError` saying why."""
    first, second = entry(session, a, day=day), entry(session, b, day=day)
    problems: list[DirectoryReason] = compare_problems(
        first.category, first.declared_unit, second.category, second.declared_unit,
        same=first.certificate == second.certificate,
    )  # fmt: skip
    if problems:
        raise CompareRefusedError(problems)
    ratio = second.value / first.value if first.value else None
    return Comparison(first, second, second.value - first.value, ratio)
