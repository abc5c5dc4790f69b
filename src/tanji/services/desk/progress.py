"""Progress as the government's desk shows it: products by status, sector, city and
year, against the 400 / 1,000 goals and the year's work plan, down to enterprises.

A product counts as :mod:`tanji.services.progress` counts it (once, however many
versions; never illustrative results; never results that belong to no organisation);
its status is the best it reached (:class:`~tanji.domain.desk.DeskStatus`), its year
that of its first counted footprint. Demo organisations' products never count toward
the goals; a department may *look* at them (``include_demo``), marked illustrative.

**Scope**: the provincial department and the operator see the province; a city
department sees the organisations registered in its city and nothing else.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
    OrganisationRow,
)
from tanji.domain.accounts import Actor, OrgKind
from tanji.domain.certification.case import OPEN_STATES, CaseState
from tanji.domain.desk import GOALS, DeskStatus, WorkPlan
from tanji.domain.regions import JIANGSU_CITIES
from tanji.services.certification.views import Statistics
from tanji.services.errors import InvalidInputError, PermissionDeniedError
from tanji.services.permissions import require

from .plans import plan_of

__all__ = [
    "STATUSES",
    "DeskProduct",
    "DeskView",
    "EnterpriseTally",
    "Tally",
    "certification_statistics",
    "city_of",
    "desk_view",
    "scope_of",
]

STATUSES: tuple[DeskStatus, ...] = tuple(DeskStatus)
#: Case states in which a product is "in certification" (surveillance is certified).
_IN_CERTIFICATION = frozenset(s.value for s in OPEN_STATES - {CaseState.SURVEILLANCE})
_CITY_CODES = tuple(city.code for city in JIANGSU_CITIES)


@dataclass(frozen=True)
class DeskProduct:
    product_id: int | None  # the workspace product, when it is one
    code: str
    name_zh: str
    name_en: str
    org_id: int
    org_name: str
    region: str
    category: str
    year: int  # of its first counted footprint
    status: DeskStatus
    total: float  # the newest footprint
    unit: str
    per: str
    demo: bool


@dataclass(frozen=True)
class Tally:
    """Products of one city, sector or year, by status; ``target`` from the plan."""

    key: str | int
    counts: dict[str, int] = field(default_factory=dict)
    target: int | None = None

    @property
    def products(self) -> int:
        return sum(self.counts.values())

    def of(self, status: DeskStatus | str) -> int:
        return self.counts.get(str(status), 0)

    @property
    def share(self) -> float | None:
        return self.products / self.target if self.target else None


@dataclass(frozen=True)
class EnterpriseTally:
    org_id: int
    name: str
    region: str
    counts: dict[str, int]

    @property
    def products(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DeskView:
    """What the desk shows for ``year`` in ``scope`` (a city code, or ``None``: the
    province), filtered by ``city``/``category``/``status`` for the drill-down."""

    year: int
    scope: str | None
    include_demo: bool
    plan: WorkPlan | None
    plan_version: int | None
    totals: Tally
    by_city: tuple[Tally, ...]
    by_category: tuple[Tally, ...]
    by_year: tuple[Tally, ...]  # new products per year (cumulative = running sum)
    goals: tuple[tuple[int, int, float], ...]  # (year, products, share reached)
    products: tuple[DeskProduct, ...]  # the drill-down (filters applied)
    enterprises: tuple[EnterpriseTally, ...]
    filters: dict[str, str] = field(default_factory=dict)


def scope_of(session: Session, actor: Actor) -> str | None:
    """The city ``actor`` is limited to, or ``None`` for the province (403 for a city
    department registered without a city)."""
    require(actor, "desk.read")
    return city_of(session, actor)


def city_of(session: Session, actor: Actor) -> str | None:
    """The city a city department is limited to (``None``: any other kind, no limit);
    403 for a city department registered without a city. No permission check: the
    caller's service checks what it allows."""
    if actor.org_kind is not OrgKind.DEPARTMENT_CITY:
        return None
    org = session.get(OrganisationRow, actor.org_id)
    region = org.region if org is not None else ""
    if region not in _CITY_CODES:
        raise PermissionDeniedError("A city department must be registered in a city.")
    return region


def _name(document: dict[str, object]) -> tuple[str, str]:
    name = (document.get("product") or {}).get("name") or {}  # type: ignore[attr-defined]
    if isinstance(name, dict):
        return str(name.get("zh") or ""), str(name.get("en") or name.get("zh") or "")
    return str(name), str(name)


def _products(session: Session, scope: str | None, include_demo: bool) -> list[DeskProduct]:
    query = (
        select(FootprintResultRow, OrganisationRow)
        .join(OrganisationRow, OrganisationRow.id == FootprintResultRow.org_id)
        .order_by(FootprintResultRow.id)
    )
    if not include_demo:
        query = query.where(OrganisationRow.demo.is_(False))
    if scope is not None:
        query = query.where(OrganisationRow.region == scope)
    valid = set(
        session.scalars(select(CertificateRow.result_id).where(CertificateRow.status == "valid"))
    )
    in_case = set(
        session.scalars(
            select(CertificationCaseRow.result_id).where(
                CertificationCaseRow.state.in_(_IN_CERTIFICATION)
            )
        )
    )
    found: dict[tuple[object, ...], DeskProduct] = {}
    rank = {s: i for i, s in enumerate(STATUSES)}
    for result, org in session.execute(query).all():
        document = json.loads(result.result)
        if document.get("illustrative"):
            continue
        key = (
            ("workspace", result.product_id)
            if result.product_id is not None
            else ("code", org.id, result.product_code)
        )
        status = (
            DeskStatus.CERTIFIED
            if result.id in valid
            else DeskStatus.IN_CERTIFICATION
            if result.id in in_case
            else DeskStatus.SELF_DECLARED
        )
        before = found.get(key)
        if before is not None and rank[before.status] > rank[status]:
            status = before.status
        zh, en = _name(document)
        found[key] = DeskProduct(
            product_id=result.product_id,
            code=result.product_code,
            name_zh=zh,
            name_en=en,
            org_id=org.id,
            org_name=org.name,
            region=org.region,
            category=str((document.get("product") or {}).get("category") or "other"),
            year=before.year if before is not None else result.created_at.year,
            status=status,
            total=result.total,
            unit=result.unit,
            per=result.per,
            demo=org.demo,
        )
    return list(found.values())


def _tally(products: Iterable[DeskProduct], key: str) -> dict[Any, Counter[str]]:
    out: dict[Any, Counter[str]] = {}
    for p in products:
        out.setdefault(getattr(p, key), Counter())[p.status.value] += 1
    return out


def _check(value: str, allowed: Iterable[str], name: str) -> str:
    if value and value not in set(allowed):
        raise InvalidInputError(f"{name}: {value!r} is not one of the choices",
                                fields={name: "one of the choices offered"})  # fmt: skip
    return value


def desk_view(
    session: Session,
    actor: Actor,
    year: int,
    *,
    include_demo: bool = False,
    city: str = "",
    category: str = "",
    status: str = "",
    org: int | None = None,
) -> DeskView:
    """Progress up to the end of ``year`` in the actor's scope, with the drill-down
    filtered by ``city``, ``category``, ``status`` (empty: all) and one enterprise
    (``org``: outside the scope it simply has no products here)."""
    scope = scope_of(session, actor)
    if not 2000 <= year <= 2100:
        raise InvalidInputError(f"year: {year}", fields={"year": "a year from 2000 to 2100"})
    _check(city, (*_CITY_CODES, "CN-JS"), "city")
    _check(status, [s.value for s in STATUSES], "status")
    if scope is not None and city and city != scope:
        raise PermissionDeniedError("A city department sees its own city only.")
    every = [p for p in _products(session, scope, include_demo) if p.year <= year]
    stored = plan_of(session, year)
    plan = stored.plan if stored is not None else None
    targets = dict(plan.city_targets) if plan is not None else {}
    cities = _tally(every, "region")
    shown_cities = (scope,) if scope is not None else _CITY_CODES
    by_city = [Tally(c, dict(cities.get(c, Counter())), targets.get(c)) for c in shown_cities]
    if scope is None and "CN-JS" in cities:  # registered in the province, no city
        by_city.append(Tally("CN-JS", dict(cities["CN-JS"])))
    categories = _tally(every, "category")
    focus = plan.focus_sectors if plan is not None else ()
    order = [*focus, *sorted(c for c in categories if c not in focus)]
    by_category = tuple(Tally(str(c), dict(categories.get(c, Counter()))) for c in order)
    years = _tally(every, "year")
    by_year = tuple(Tally(int(y), dict(years[y])) for y in sorted(years))
    counted = [p for p in every if not p.demo]
    total_target = (
        (plan.province_target or plan.total_city_targets or None) if plan is not None else None
    )
    if scope is not None:
        total_target = targets.get(scope)
    totals = Tally("total", dict(Counter(p.status.value for p in every)), total_target)
    goals = tuple((y, n, len(counted) / n) for y, n in GOALS)
    shown = [
        p
        for p in every
        if (not city or p.region == city)
        and (not category or p.category == category)
        and (not status or p.status.value == status)
        and (org is None or p.org_id == org)
    ]
    shown.sort(key=lambda p: (p.region, p.org_name, p.category, p.code))
    enterprises: dict[int, EnterpriseTally] = {}
    for p in shown:
        e = enterprises.setdefault(p.org_id, EnterpriseTally(p.org_id, p.org_name, p.region, {}))
        e.counts[p.status.value] = e.counts.get(p.status.value, 0) + 1
    return DeskView(
        year=year,
        scope=scope,
        include_demo=include_demo,
        plan=plan,
        plan_version=stored.version if stored is not None else None,
        totals=totals,
        by_city=tuple(by_city),
        by_category=by_category,
        by_year=by_year,
        goals=goals,
        products=tuple(shown),
        enterprises=tuple(sorted(enterprises.values(), key=lambda e: (-e.products, e.name))),
        filters={
            "city": city,
            "category": category,
            "status": status,
            "org": str(org) if org is not None else "",
        },
    )


def certification_statistics(session: Session, actor: Actor) -> Statistics:
    """Cases by state and certificates by status (granted, suspended, withdrawn …) in
    the actor's scope: the province sees all; a city department its city's applicants."""
    scope = scope_of(session, actor)
    applicants = None
    if scope is not None:
        applicants = set(
            session.scalars(select(OrganisationRow.id).where(OrganisationRow.region == scope))
        )
    cases = [
        c
        for c in session.scalars(select(CertificationCaseRow))
        if applicants is None or c.applicant_org_id in applicants
    ]
    certificates = [
        c
        for c in session.scalars(select(CertificateRow))
        if applicants is None or c.holder_org_id in applicants
    ]
    return Statistics(
        cases_by_state=dict(Counter(c.state for c in cases)),
        certificates_by_status=dict(Counter(c.status for c in certificates)),
        by_body=[],
        by_category=dict(Counter(c.category for c in certificates if c.status == "valid")),
        bodies=0,
        bodies_in_good_standing=0,
    )
