"""Footprint requests: a lead firm asks, both sides list and read, the invited address
claims, the lead firm reminds.

A request goes to an enterprise on the platform, found by its unified social credit
code, or to an e-mail address. Design note: an e-mail request does not use an
organisation invitation (:mod:`tanji.services.auth.invitations`) — that would make the
supplier's person a member of the *lead firm*. The address is kept on the request; the
page sends the invitation mail with the same machinery (:mod:`tanji.web.mails`), and
whoever signs in with that address (after registering their own enterprise, or in one
they belong to) sees the request and claims it for their organisation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import OrganisationRow, ProductRow, SupplyRequestRow
from tanji.domain.accounts import Actor, OrgKind, OrgStatus, unified_social_credit_code_valid
from tanji.domain.supply import RequestStatus, ShownStatus
from tanji.services.audit import audit
from tanji.services.certification.notifications import notify
from tanji.services.errors import ConflictError, InvalidInputError, NotFoundError, ServiceError
from tanji.services.permissions import require
from tanji.services.rules import get_rule
from tanji.services.supply._common import (
    SupplyRequest,
    as_lead,
    as_supplier,
    lead_row,
    supplier_row,
    today,
    view,
)

__all__ = [
    "REMINDER_INTERVAL",
    "LineSupply",
    "RequestInput",
    "claim",
    "inbox",
    "line_statuses",
    "outbox",
    "remind",
    "request_footprint",
    "request_of",
]

#: A supplier is reminded at most once in this interval.
REMINDER_INTERVAL = timedelta(hours=20)
MAX_TEXT = 200
MAX_NOTE = 2000


@dataclass(frozen=True)
class RequestInput:
    """What the lead firm fills in. Exactly one of ``supplier_uscc`` and
    ``supplier_email``; ``customer_product_id`` and ``customer_line_id`` name the model
    line the answer is to feed (optional); ``mass_kg`` and ``spend_cny`` the purchase
    a year (optional; the coverage uses them)."""

    product_name: str
    declared_unit: str
    due_date: date
    supplier_uscc: str = ""
    supplier_email: str = ""
    rule: str = ""
    note: str = ""
    customer_product_id: int | None = None
    customer_line_id: str = ""
    mass_kg: float | None = None
    spend_cny: float | None = None


def _email(text: str) -> str | None:
    normal = text.strip().lower()
    local, at, domain = normal.partition("@")
    ok = local and at and "." in domain and not any(c.isspace() for c in normal)
    return normal if ok and len(normal) <= 320 else None


def _supplier(
    session: Session, actor: Actor, given: RequestInput, problems: dict[str, str]
) -> tuple[int | None, str | None]:
    uscc, email = given.supplier_uscc.strip().upper(), given.supplier_email.strip()
    if bool(uscc) == bool(email):
        problems["supplier"] = (
            "Give the supplier's unified social credit code or its e-mail address (one of them)."
        )
        return None, None
    if email:
        address = _email(email)
        if address is None:
            problems["supplier_email"] = "Not an e-mail address."
        return None, address
    if not unified_social_credit_code_valid(uscc):
        problems["supplier_uscc"] = (
            "Not a valid unified social credit code (18 characters, as on the business licence)."
        )
        return None, None
    org = session.scalar(select(OrganisationRow).where(OrganisationRow.uscc == uscc))
    if org is None or org.kind != OrgKind.ENTERPRISE.value or org.status != OrgStatus.ACTIVE.value:
        problems["supplier_uscc"] = (
            "No active enterprise with this code on the platform; "
            "invite the supplier by e-mail instead."
        )
        return None, None
    if org.id == actor.org_id:
        problems["supplier_uscc"] = "This is your own organisation."
        return None, None
    return org.id, None


def _line(
    session: Session, actor: Actor, given: RequestInput, problems: dict[str, str]
) -> tuple[int | None, str]:
    if given.customer_product_id is None:
        if given.customer_line_id.strip():
            problems["customer_product_id"] = "Choose the product whose line the answer feeds."
        return None, ""
    product = session.get(ProductRow, given.customer_product_id)
    if product is None or product.org_id != actor.org_id:
        problems["customer_product_id"] = "No such product in your workspace."
        return None, ""
    line_id = given.customer_line_id.strip()
    lines = json.loads(product.document).get("lines", [])
    if not line_id or not any(line.get("id") == line_id for line in lines):
        problems["customer_line_id"] = "Choose a line of the product's model."
        return None, ""
    return product.id, line_id


def _amount(value: float | None, name: str, problems: dict[str, str]) -> float | None:
    if value is not None and (not math.isfinite(value) or value < 0 or value > 1e15):
        problems[name] = "A number, 0 or more."
        return None
    return value


def request_footprint(session: Session, actor: Actor, given: RequestInput) -> SupplyRequest:
    """The lead firm asks a supplier for a product's footprint; the supplier on the
    platform is told (an in-app notice). Every problem is reported at once, by field."""
    require(actor, "supply.request")
    problems: dict[str, str] = {}
    supplier_org_id, email = _supplier(session, actor, given, problems)
    name = given.product_name.strip()
    if not name or len(name) > MAX_TEXT:
        problems["product_name"] = "Required: the product you buy (up to 200 characters)."
    unit = given.declared_unit.strip()
    if not unit or len(unit) > 40:
        problems["declared_unit"] = (
            "Required: the declared unit, e.g. 1 kg or 1 kWh (up to 40 characters)."
        )
    rule_ref = None
    if given.rule.strip():
        try:
            rule_ref = get_rule(session, given.rule.strip()).ref
        except ServiceError:
            problems["rule"] = "No such accounting rule in the rules library."
    if given.due_date < today():
        problems["due_date"] = "The due date is in the past."
    elif given.due_date > today() + timedelta(days=3 * 366):
        problems["due_date"] = "The due date is more than three years away."
    if len(given.note) > MAX_NOTE:
        problems["note"] = "The note is longer than 2,000 characters."
    product_id, line_id = _line(session, actor, given, problems)
    mass = _amount(given.mass_kg, "mass_kg", problems)
    spend = _amount(given.spend_cny, "spend_cny", problems)
    if problems:
        raise InvalidInputError(" ".join(problems.values()), fields=problems)
    row = SupplyRequestRow(
        lead_org_id=actor.org_id, supplier_org_id=supplier_org_id, supplier_email=email,
        product_name=name, declared_unit=unit, rule_ref=rule_ref, due_date=given.due_date,
        note=given.note.strip(), customer_product_id=product_id, customer_line_id=line_id,
        mass_kg=mass, spend_cny=spend, status=RequestStatus.REQUESTED.value,
        created_by=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if supplier_org_id is not None:
        _tell_supplier(session, row, "supply-request")
    audit(session, actor, "supply.request", "supply_request", row.id, None, _snapshot(row))
    return view(session, row, for_lead=True)


def _snapshot(row: SupplyRequestRow) -> dict[str, object]:
    return {
        "supplier_org_id": row.supplier_org_id, "supplier_email": row.supplier_email,
        "product_name": row.product_name, "declared_unit": row.declared_unit,
        "due_date": row.due_date.isoformat(), "status": row.status,
        "supplier_footprint_id": row.supplier_footprint_id,
    }  # fmt: skip


def _tell_supplier(session: Session, row: SupplyRequestRow, kind: str) -> None:
    assert row.supplier_org_id is not None
    lead = session.get(OrganisationRow, row.lead_org_id)
    notify(
        session, row.supplier_org_id, kind, supply_request=row.id,
        lead=lead.name if lead else "", product=row.product_name, due=row.due_date.isoformat(),
    )  # fmt: skip


def outbox(session: Session, actor: Actor) -> list[SupplyRequest]:
    """The lead firm's requests, newest first."""
    require(actor, "product.read")
    return [view(session, row, for_lead=True) for row in as_lead(session, actor)]


def inbox(session: Session, actor: Actor) -> list[SupplyRequest]:
    """The requests addressed to the actor's organisation (and, not yet claimed, to
    the actor's e-mail address), newest first — as a supplier sees them."""
    require(actor, "product.read")
    return [view(session, row, for_lead=False) for row in as_supplier(session, actor)]


def request_of(session: Session, actor: Actor, request_id: int) -> tuple[SupplyRequest, str]:
    """One request and the side the actor is on (``lead`` or ``supplier``); a request
    of neither side is not found."""
    require(actor, "product.read")
    try:
        return view(session, lead_row(session, actor, request_id), for_lead=True), "lead"
    except NotFoundError:
        return view(session, supplier_row(session, actor, request_id), for_lead=False), "supplier"


def claim(session: Session, actor: Actor, request_id: int) -> SupplyRequest:
    """A request sent to the actor's e-mail address becomes their organisation's."""
    require(actor, "supply.answer")
    row = supplier_row(session, actor, request_id)
    if row.supplier_org_id is None:
        if row.lead_org_id == actor.org_id:
            raise ConflictError("A request of your own organisation cannot be claimed by it.")
        row.supplier_org_id = actor.org_id
        session.flush()
        audit(session, actor, "supply.claim", "supply_request", row.id, None, _snapshot(row))
    return view(session, row, for_lead=False)


def remind(
    session: Session, actor: Actor, request_id: int, *, now: datetime | None = None
) -> SupplyRequest:
    """The lead firm chases an open request: the supplier is told again."""
    require(actor, "supply.request")
    row = lead_row(session, actor, request_id)
    if row.status != RequestStatus.REQUESTED.value:
        raise ConflictError("This request is no longer open: it was answered or declined.")
    moment = now or utcnow()
    last = row.reminded_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=moment.tzinfo)
    if last is not None and moment - last < REMINDER_INTERVAL:
        raise ConflictError("A reminder was sent less than a day ago.")
    row.reminders += 1
    row.reminded_at = moment
    session.flush()
    if row.supplier_org_id is not None:
        _tell_supplier(session, row, "supply-reminder")
    audit(session, actor, "supply.remind", "supply_request", row.id, None, _snapshot(row))
    return view(session, row, for_lead=True)


@dataclass(frozen=True)
class LineSupply:
    """The request feeding one model line, as the model's page shows it."""

    request_id: int
    status: ShownStatus
    supplier: str
    linked: bool


def line_statuses(session: Session, actor: Actor, product_id: int) -> dict[str, LineSupply]:
    """For the lead firm's product: line id → the newest request that feeds it."""
    rows = session.scalars(
        select(SupplyRequestRow)
        .where(
            SupplyRequestRow.lead_org_id == actor.org_id,
            SupplyRequestRow.customer_product_id == product_id,
        )
        .order_by(SupplyRequestRow.id)
    )
    out: dict[str, LineSupply] = {}
    for row in rows:
        shown = view(session, row, for_lead=True)
        who = shown.supplier_name or shown.supplier_email
        out[row.customer_line_id] = LineSupply(row.id, shown.status, who, shown.linked)
    return out
