"""Supply–demand matching: a buyer organisation contacts the supplier of a certified
product through the platform.

The request is stored and shown in the supplier's workspace, with an in-app
notification (the certification feature's notifications, kind ``contact-request``);
the supplier answers on the platform (kind ``contact-reply`` to the buyer). Neither
side's e-mail address is shown: what a buyer shares is what it writes in the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.directory_tables import ContactRequestRow
from tanji.db.models import OrganisationRow
from tanji.domain.accounts import Actor
from tanji.services.audit import audit
from tanji.services.certification.notifications import notify
from tanji.services.directory.listing import entry
from tanji.services.errors import ConflictError, NotFoundError, PermissionDeniedError, invalid_field

__all__ = ["MAX_MESSAGE", "ContactRequest", "contact_requests", "reply", "send_request"]

MAX_MESSAGE = 2000


@dataclass(frozen=True)
class ContactRequest:
    id: int
    incoming: bool  # addressed to the reader's organisation
    from_org: str
    to_org: str
    certificate: str
    product_name: str
    message: str
    reply: str
    status: str
    created_at: datetime
    replied_at: datetime | None


def _text(name: str, text: str) -> str:
    text = text.strip()
    if not text:
        raise invalid_field(name, "a message (not empty)")
    if len(text) > MAX_MESSAGE:
        raise invalid_field(name, f"at most {MAX_MESSAGE} characters, got {len(text)}")
    return text


def send_request(session: Session, actor: Actor, certificate: str, message: str) -> int:
    """Send the supplier of ``certificate`` (a product in the directory) a message."""
    if not actor.can("product.read"):
        raise PermissionDeniedError("Only a member of an organisation may contact a supplier.")
    item = entry(session, certificate)
    if item.holder_org_id == actor.org_id:
        raise ConflictError("This is your own organisation's product.")
    row = ContactRequestRow(
        from_org_id=actor.org_id, from_user_id=actor.user_id, to_org_id=item.holder_org_id,
        certificate_number=item.certificate, product_name=item.product_name,
        message=_text("message", message),
    )  # fmt: skip
    session.add(row)
    session.flush()
    buyer = session.get(OrganisationRow, actor.org_id)
    notify(session, item.holder_org_id, "contact-request", product=item.product_name,
           buyer=buyer.name if buyer else "")  # fmt: skip
    audit(session, actor, "directory.contact", "contact_request", row.id, None,
          {"certificate": item.certificate})  # fmt: skip
    return row.id


def contact_requests(session: Session, actor: Actor) -> list[ContactRequest]:
    """The requests the actor's organisation received and sent, newest first."""
    rows = session.scalars(
        select(ContactRequestRow)
        .where(or_(ContactRequestRow.to_org_id == actor.org_id,
                   ContactRequestRow.from_org_id == actor.org_id))
        .order_by(ContactRequestRow.id.desc())
        .limit(500)
    ).all()  # fmt: skip
    ids = {r.from_org_id for r in rows} | {r.to_org_id for r in rows}
    names = {
        o.id: o.name
        for o in session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(ids)))
    }
    return [
        ContactRequest(
            r.id,
            r.to_org_id == actor.org_id,
            names.get(r.from_org_id, ""),
            names.get(r.to_org_id, ""),
            r.certificate_number,
            r.product_name,
            r.message,
            r.reply,
            r.status,
            r.created_at,
            r.replied_at,
        )
        for r in rows
    ]


def reply(session: Session, actor: Actor, request_id: int, text: str) -> None:
    """The supplier answers a request once; the buyer is notified."""
    row = session.get(ContactRequestRow, request_id)
    if row is None or actor.org_id not in (row.to_org_id, row.from_org_id):
        raise NotFoundError(f"No contact request {request_id}.")
    if row.to_org_id != actor.org_id or not actor.can("product.read"):
        raise PermissionDeniedError("Only the supplier may answer a contact request.")
    if row.status == "replied":
        raise ConflictError("This request was already answered.")
    row.reply, row.status = _text("reply", text), "replied"
    row.replied_at, row.replied_by = utcnow(), actor.user_id
    supplier = session.get(OrganisationRow, actor.org_id)
    notify(session, row.from_org_id, "contact-reply", product=row.product_name,
           supplier=supplier.name if supplier else "")  # fmt: skip
    audit(session, actor, "directory.reply", "contact_request", row.id, None, {})
