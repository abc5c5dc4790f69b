"""The government desk's JSON contract (``/api/v1/desk``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from tanji.services.desk.plans import PlanRead
from tanji.services.desk.progress import DeskProduct, DeskView, EnterpriseTally, Tally

__all__ = [
    "PlanList",
    "PlanOut",
    "PlanWrite",
    "ProgressOut",
    "StatisticsOut",
]


class PlanWrite(BaseModel):
    focus_sectors: list[Annotated[str, Field(max_length=80)]] = Field(
        min_length=1, max_length=2, description="one or two product category codes"
    )
    city_targets: dict[str, int] = Field(
        default_factory=dict, description="city region code (CN-JS-SZ …) → products"
    )
    province_target: int | None = Field(None, ge=0, le=100_000)
    document: str = Field("", max_length=2000, description="the document that sets the plan")
    version: int | None = Field(
        None, ge=1, description="the version read (required to change an existing plan)"
    )


class PlanOut(BaseModel):
    year: int
    focus_sectors: list[str]
    city_targets: dict[str, int]
    province_target: int | None
    document: str
    version: int

    @classmethod
    def of(cls, read: PlanRead) -> PlanOut:
        p = read.plan
        return cls(
            year=p.year, focus_sectors=list(p.focus_sectors), city_targets=dict(p.city_targets),
            province_target=p.province_target, document=p.document, version=read.version,
        )  # fmt: skip


class PlanList(BaseModel):
    count: int
    data: list[PlanOut]


class TallyOut(BaseModel):
    key: str
    self_declared: int
    in_certification: int
    certified: int
    products: int
    target: int | None = None

    @classmethod
    def of(cls, t: Tally | EnterpriseTally, key: str | None = None) -> TallyOut:
        counts = t.counts
        return cls(
            key=key if key is not None else str(getattr(t, "key", "")),
            self_declared=counts.get("self-declared", 0),
            in_certification=counts.get("in-certification", 0),
            certified=counts.get("certified", 0),
            products=t.products,
            target=getattr(t, "target", None),
        )


class GoalOut(BaseModel):
    year: int
    products: int
    share: float


class ProductOut(BaseModel):
    product_id: int | None
    code: str
    name_zh: str
    name_en: str
    org_id: int
    org_name: str
    region: str
    category: str
    year: int
    status: str
    total: float
    unit: str
    per: str
    demo: bool

    @classmethod
    def of(cls, p: DeskProduct) -> ProductOut:
        return cls(
            product_id=p.product_id, code=p.code, name_zh=p.name_zh, name_en=p.name_en,
            org_id=p.org_id, org_name=p.org_name, region=p.region, category=p.category,
            year=p.year, status=p.status.value, total=p.total, unit=p.unit, per=p.per,
            demo=p.demo,
        )  # fmt: skip


class EnterpriseOut(TallyOut):
    org_id: int
    name: str
    region: str


class ProgressOut(BaseModel):
    year: int
    scope: str | None = Field(description="the city the caller is limited to (None: province)")
    include_demo: bool
    plan: PlanOut | None
    totals: TallyOut
    by_city: list[TallyOut]
    by_category: list[TallyOut]
    by_year: list[TallyOut]
    goals: list[GoalOut]
    enterprises: list[EnterpriseOut]
    products: list[ProductOut]

    @classmethod
    def of(cls, v: DeskView) -> ProgressOut:
        plan = PlanOut.of(PlanRead(v.plan, v.plan_version or 1)) if v.plan is not None else None
        return cls(
            year=v.year,
            scope=v.scope,
            include_demo=v.include_demo,
            plan=plan,
            totals=TallyOut.of(v.totals),
            by_city=[TallyOut.of(t) for t in v.by_city],
            by_category=[TallyOut.of(t) for t in v.by_category],
            by_year=[TallyOut.of(t) for t in v.by_year],
            goals=[GoalOut(year=y, products=n, share=s) for y, n, s in v.goals],
            enterprises=[
                EnterpriseOut(
                    org_id=e.org_id,
                    name=e.name,
                    region=e.region,
                    **TallyOut.of(e, e.name).model_dump(),
                )
                for e in v.enterprises
            ],
            products=[ProductOut.of(p) for p in v.products],
        )


class StatisticsOut(BaseModel):
    cases_by_state: dict[str, int]
    certificates_by_status: dict[str, int]
    certificates_granted: int
    valid_by_category: dict[str, int]
