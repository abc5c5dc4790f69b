"""The green supply chains' JSON contract (``/api/v1/supply``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from tanji.services.supply._common import SupplyRequest
from tanji.services.supply.answers import OwnFootprint
from tanji.services.supply.coverage import SupplyChain
from tanji.web.api.common import Timestamp
from tanji.web.deps import MAX_ID

__all__ = [
    "AnswerWrite",
    "CoverageRead",
    "DeclineWrite",
    "OwnFootprintList",
    "RequestList",
    "RequestRead",
    "RequestWrite",
]

Status = Literal["requested", "overdue", "certified", "self-declared", "refused"]
RowId = Field(ge=1, le=MAX_ID)


class RequestWrite(BaseModel):
    """A footprint request: to ``supplier_uscc`` (an enterprise on the platform) or to
    ``supplier_email`` (an invitation), exactly one of them."""

    product_name: str = Field(max_length=200, description="the product you buy")
    declared_unit: str = Field(max_length=40, description="e.g. 1 kg, 1 kWh")
    due_date: date
    supplier_uscc: str = Field("", max_length=18)
    supplier_email: str = Field("", max_length=320)
    rule: str = Field("", max_length=200, description="an accounting rule's id (optional)")
    note: str = Field("", max_length=2000)
    customer_product_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_line_id: str = Field("", max_length=200)
    mass_kg: float | None = Field(None, ge=0, le=1e15, allow_inf_nan=False)
    spend_cny: float | None = Field(None, ge=0, le=1e15, allow_inf_nan=False)


class AnswerRead(BaseModel):
    product_id: str
    product_name: str
    company: str
    total: float
    declared_amount: float
    declared_unit: str
    verified: bool
    verifier: str
    source: str


class RequestRead(BaseModel):
    """A request as the caller's side sees it: a supplier gets no ``customer_*``,
    ``mass_kg``, ``spend_cny`` (they stay null or empty)."""

    id: int
    side: Literal["lead", "supplier"]
    lead_name: str
    supplier_name: str
    supplier_email: str
    product_name: str
    declared_unit: str
    rule_ref: str
    due_date: date
    note: str
    status: Status
    answer_kind: str
    answer: AnswerRead | None
    refusal_reason: str
    reminders: int
    created_at: Timestamp
    answered_at: Timestamp | None
    customer_product_id: int | None
    customer_line_id: str
    mass_kg: float | None
    spend_cny: float | None
    linked: bool
    link_problem: str

    @classmethod
    def of(cls, r: SupplyRequest, side: Literal["lead", "supplier"]) -> RequestRead:
        a = r.answer
        return cls(
            id=r.id, side=side, lead_name=r.lead_name, supplier_name=r.supplier_name,
            supplier_email=r.supplier_email, product_name=r.product_name,
            declared_unit=r.declared_unit, rule_ref=r.rule_ref, due_date=r.due_date,
            note=r.note, status=r.status.value, answer_kind=r.answer_kind,
            answer=AnswerRead(**a.__dict__) if a is not None else None,
            refusal_reason=r.refusal_reason, reminders=r.reminders, created_at=r.created_at,
            answered_at=r.answered_at, customer_product_id=r.customer_product_id,
            customer_line_id=r.customer_line_id, mass_kg=r.mass_kg, spend_cny=r.spend_cny,
            linked=r.linked, link_problem=r.link_problem,
        )  # fmt: skip


class RequestList(BaseModel):
    count: int
    data: list[RequestRead]


class AnswerWrite(BaseModel):
    """Answer with one of your own footprints (``GET /supply/footprints``)."""

    result_id: int = Field(ge=1, le=MAX_ID)


class DeclineWrite(BaseModel):
    reason: str = Field(max_length=2000)


class OwnFootprintRead(BaseModel):
    result_id: int
    product_code: str
    product_name: str
    total: float
    unit: str
    per: str
    computed_at: date
    certificate: str
    certificate_status: str


class OwnFootprintList(BaseModel):
    count: int
    data: list[OwnFootprintRead]

    @classmethod
    def of(cls, found: list[OwnFootprint]) -> OwnFootprintList:
        return cls(count=len(found), data=[OwnFootprintRead(**f.__dict__) for f in found])


class CoverageRead(BaseModel):
    """Shares in [0, 1], null where nothing of that measure is known."""

    purchases: int
    with_data: int
    certified: int
    overdue: int
    mass_known_kg: float
    mass_with_data: float | None
    mass_certified: float | None
    spend_known_cny: float
    spend_with_data: float | None
    spend_certified: float | None
    missing: list[RequestRead]

    @classmethod
    def of(cls, chain: SupplyChain) -> CoverageRead:
        c = chain.coverage
        return cls(
            **c.__dict__, overdue=chain.overdue,
            missing=[RequestRead.of(r, "lead") for r in chain.missing],
        )  # fmt: skip
