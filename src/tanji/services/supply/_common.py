"""What the supply-chain modules share: reading a request as its lead firm or its
supplier sees it, and the tenant checks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import (
    OrganisationRow,
    ProductRow,
    SupplierFootprintRow,
    SupplyRequestRow,
    UserRow,
)
from tanji.domain.accounts import Actor
from tanji.domain.supply import RequestStatus, ShownStatus, shown_status
from tanji.services.errors import NotFoundError

__all__ = [
    "Answer",
    "SupplyRequest",
    "as_lead",
    "as_supplier",
    "lead_row",
    "supplier_row",
    "today",
    "view",
]


def today() -> date:
    return date.today()


@dataclass(frozen=True)
class Answer:
    """The footprint a supplier gave: per ``declared_amount`` ``declared_unit``."""

    product_id: str
    product_name: str
    company: str
    total: float
    declared_amount: float
    declared_unit: str
    verified: bool
    verifier: str
    source: str
    claimed_verifier: str = ""  # an assurance the file claims; the platform did not verify it


@dataclass(frozen=True)
class SupplyRequest:
    """A request as one side sees it. For the supplier, the lead firm's own fields
    (``customer_*``, ``mass_kg``, ``spend_cny``, ``link_problem``) are left empty."""

    id: int
    lead_org_id: int
    lead_name: str
    supplier_org_id: int | None
    supplier_name: str
    supplier_email: str
    product_name: str
    declared_unit: str
    rule_ref: str
    due_date: date
    note: str
    status: ShownStatus
    stored_status: RequestStatus
    answer_kind: str
    answer: Answer | None
    refusal_reason: str
    reminders: int
    created_at: datetime
    answered_at: datetime | None
    customer_product_id: int | None = None
    customer_product_code: str = ""
    customer_line_id: str = ""
    mass_kg: float | None = None
    spend_cny: float | None = None
    linked: bool = False
    link_problem: str = ""

    @property
    def open(self) -> bool:
        return self.stored_status is RequestStatus.REQUESTED


def _org_name(session: Session, org_id: int | None) -> str:
    org = session.get(OrganisationRow, org_id) if org_id is not None else None
    return org.name if org is not None else ""


def view(session: Session, row: SupplyRequestRow, *, for_lead: bool) -> SupplyRequest:
    found = (
        session.get(SupplierFootprintRow, row.supplier_footprint_id)
        if row.supplier_footprint_id is not None
        else None
    )
    answer = (
        Answer(
            found.product_id,
            found.product_name,
            found.company,
            found.total,
            found.declared_amount,
            found.declared_unit,
            found.verified,
            found.verifier,
            found.source,
            found.claimed_verifier,
        )
        if found is not None
        else None
    )
    stored = RequestStatus(row.status)
    status = shown_status(stored, row.due_date, answer.verified if answer else None, today())
    base = SupplyRequest(
        id=row.id,
        lead_org_id=row.lead_org_id,
        lead_name=_org_name(session, row.lead_org_id),
        supplier_org_id=row.supplier_org_id,
        supplier_name=_org_name(session, row.supplier_org_id),
        supplier_email=row.supplier_email or "",
        product_name=row.product_name,
        declared_unit=row.declared_unit,
        rule_ref=row.rule_ref or "",
        due_date=row.due_date,
        note=row.note,
        status=status,
        stored_status=stored,
        answer_kind=row.answer_kind or "",
        answer=answer,
        refusal_reason=row.refusal_reason,
        reminders=row.reminders,
        created_at=row.created_at,
        answered_at=row.answered_at,
    )
    if not for_lead:
        return base
    product = (
        session.get(ProductRow, row.customer_product_id)
        if row.customer_product_id is not None
        else None
    )
    return replace(
        base,
        customer_product_id=row.customer_product_id,
        customer_product_code=product.code if product is not None else "",
        customer_line_id=row.customer_line_id,
        mass_kg=row.mass_kg,
        spend_cny=row.spend_cny,
        linked=row.linked_at is not None,
        link_problem=row.link_problem,
    )


def _missing(request_id: int) -> NotFoundError:
    return NotFoundError(f"No footprint request {request_id}.")


def lead_row(session: Session, actor: Actor, request_id: int) -> SupplyRequestRow:
    """A request of the actor's organisation as the lead firm (else not found)."""
    row = session.get(SupplyRequestRow, request_id)
    if row is None or row.lead_org_id != actor.org_id:
        raise _missing(request_id)
    return row


def _user_email(session: Session, actor: Actor) -> str:
    user = session.get(UserRow, actor.user_id)
    return user.email if user is not None else ""


def supplier_row(session: Session, actor: Actor, request_id: int) -> SupplyRequestRow:
    """A request addressed to the actor's organisation — or, not yet claimed, to the
    actor's own e-mail address (else not found)."""
    row = session.get(SupplyRequestRow, request_id)
    if row is not None and row.supplier_org_id == actor.org_id:
        return row
    if (
        row is not None
        and row.supplier_org_id is None
        and row.supplier_email
        and row.supplier_email == _user_email(session, actor)
    ):
        return row
    raise _missing(request_id)


def as_lead(session: Session, actor: Actor) -> list[SupplyRequestRow]:
    return list(
        session.scalars(
            select(SupplyRequestRow)
            .where(SupplyRequestRow.lead_org_id == actor.org_id)
            .order_by(SupplyRequestRow.id.desc())
        )
    )


def as_supplier(session: Session, actor: Actor) -> list[SupplyRequestRow]:
    email = _user_email(session, actor)
    mine = SupplyRequestRow.supplier_org_id == actor.org_id
    invited = SupplyRequestRow.supplier_org_id.is_(None) & (
        SupplyRequestRow.supplier_email == email
    )
    return list(
        session.scalars(
            select(SupplyRequestRow).where(mine | invited).order_by(SupplyRequestRow.id.desc())
        )
    )
