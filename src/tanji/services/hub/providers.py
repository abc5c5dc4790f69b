"""Service providers (R5.3): an organisation of kind service provider lists its services
(consulting, testing, certification, green design, finance, legal) by category and city;
the public directory shows the active ones of active providers (no login); an
enterprise sends a request through the platform, which the provider sees in its
workspace (with an in-app notice, e-mailed where SMTP is configured) and answers.

Who may: ``service.offer`` (a provider's editors) lists and answers, own organisation
only; ``service.request`` (an enterprise's editors) sends. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import OrganisationRow, ProviderServiceRow, ServiceRequestRow
from tanji.domain.accounts import Actor, OrgKind, OrgStatus
from tanji.domain.hub import SERVICE_CATEGORIES
from tanji.domain.regions import REGIONS
from tanji.services.audit import audit
from tanji.services.certification.notifications import notify
from tanji.services.errors import ConflictError, NotFoundError, invalid_field
from tanji.services.permissions import require

__all__ = [
    "MAX_DESCRIPTION",
    "ServiceEntry",
    "ServiceRequestEntry",
    "answer_request",
    "directory",
    "get_service",
    "my_services",
    "offer_service",
    "requests_received",
    "requests_sent",
    "send_request",
    "update_service",
]

OFFER, REQUEST = "service.offer", "service.request"
MAX_TITLE, MAX_DESCRIPTION, MAX_CONTACT, MAX_MESSAGE = 200, 4000, 400, 4000


@dataclass(frozen=True)
class ServiceEntry:
    id: int
    org_id: int
    provider: str
    provider_en: str
    category: str
    city: str
    title: str
    description: str
    contact: str
    active: bool
    version: int
    demo: bool  # offered by a demo organisation (illustrative)


@dataclass(frozen=True)
class ServiceRequestEntry:
    id: int
    service_id: int
    service_title: str
    provider: str
    requester: str
    message: str
    contact: str
    status: str
    reply: str
    created_at: datetime
    answered_at: datetime | None


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise invalid_field(field, "This field is required.")
    if len(value) > limit:
        raise invalid_field(field, f"At most {limit} characters.")
    return value


def _checked(category: str, city: str) -> tuple[str, str]:
    if category not in SERVICE_CATEGORIES:
        raise invalid_field("category", "Choose one of the service categories.")
    if city not in REGIONS:
        raise invalid_field("city", "Choose a city of Jiangsu.")
    return category, city


def _entry(row: ProviderServiceRow, org: OrganisationRow) -> ServiceEntry:
    return ServiceEntry(
        row.id, row.org_id, org.name, org.name_en, row.category, row.city, row.title,
        row.description, row.contact, row.active, row.version, org.demo,
    )  # fmt: skip


def _snapshot(row: ProviderServiceRow) -> dict[str, object]:
    return {
        "category": row.category, "city": row.city, "title": row.title,
        "description": row.description, "contact": row.contact, "active": row.active,
    }  # fmt: skip


def offer_service(
    session: Session,
    actor: Actor,
    *,
    category: str,
    city: str,
    title: str,
    description: str = "",
    contact: str = "",
) -> int:
    """List a service of the actor's organisation (a service provider). Returns its id."""
    require(actor, OFFER)
    category, city = _checked(category, city)
    row = ProviderServiceRow(
        org_id=actor.org_id, category=category, city=city,
        title=_text(title, "title", MAX_TITLE),
        description=_text(description, "description", MAX_DESCRIPTION, required=False),
        contact=_text(contact, "contact", MAX_CONTACT, required=False),
        created_by=actor.user_id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(session, actor, "service.offer", "provider_service", row.id, None, _snapshot(row))
    return row.id


def _own_service(session: Session, actor: Actor, service_id: int) -> ProviderServiceRow:
    require(actor, OFFER)
    row = session.get(ProviderServiceRow, service_id, with_for_update=True)
    if row is None or row.org_id != actor.org_id:
        raise NotFoundError(f"No service {service_id} of yours.")
    return row


def update_service(
    session: Session,
    actor: Actor,
    service_id: int,
    *,
    version: int,
    category: str,
    city: str,
    title: str,
    description: str = "",
    contact: str = "",
    active: bool = True,
) -> int:
    """Change one of the organisation's services (``version`` as read; a stale one is a
    conflict). Returns the new version."""
    row = _own_service(session, actor, service_id)
    if row.version != version:
        raise ConflictError(
            f"The service was changed meanwhile (version {row.version}); reload and try again."
        )
    category, city = _checked(category, city)
    before = _snapshot(row)
    row.category, row.city = category, city
    row.title = _text(title, "title", MAX_TITLE)
    row.description = _text(description, "description", MAX_DESCRIPTION, required=False)
    row.contact = _text(contact, "contact", MAX_CONTACT, required=False)
    row.active = active
    session.flush()
    audit(session, actor, "service.update", "provider_service", row.id, before, _snapshot(row))
    return row.version


def _listed() -> Select[ProviderServiceRow, OrganisationRow]:
    return (
        select(ProviderServiceRow, OrganisationRow)
        .join(OrganisationRow, OrganisationRow.id == ProviderServiceRow.org_id)
        .where(ProviderServiceRow.active.is_(True))
        .where(OrganisationRow.status == OrgStatus.ACTIVE.value)
        .where(OrganisationRow.kind == OrgKind.SERVICE_PROVIDER.value)
    )


def directory(
    session: Session,
    *,
    category: str | None = None,
    city: str | None = None,
    text: str | None = None,
    limit: int = 200,
) -> list[ServiceEntry]:
    """The public directory: active services of active providers, filtered by category,
    city and words in the title, description or provider's name (no login)."""
    query = _listed()
    if category:
        if category not in SERVICE_CATEGORIES:
            raise invalid_field("category", "Choose one of the service categories.")
        query = query.where(ProviderServiceRow.category == category)
    if city:
        if city not in REGIONS:
            raise invalid_field("city", "Choose a city of Jiangsu.")
        query = query.where(ProviderServiceRow.city == city)
    if text and text.strip():
        like = f"%{text.strip()[:100]}%"
        query = query.where(
            or_(
                ProviderServiceRow.title.ilike(like),
                ProviderServiceRow.description.ilike(like),
                OrganisationRow.name.ilike(like),
                OrganisationRow.name_en.ilike(like),
            )
        )
    query = query.order_by(ProviderServiceRow.category, OrganisationRow.name, ProviderServiceRow.id)
    return [_entry(row, org) for row, org in session.execute(query.limit(limit))]


def get_service(session: Session, service_id: int) -> ServiceEntry:
    """One listed service (public); an inactive one or an inactive provider's is not found."""
    found = session.execute(_listed().where(ProviderServiceRow.id == service_id)).first()
    if found is None:
        raise NotFoundError(f"No service {service_id}.")
    return _entry(found[0], found[1])


def my_services(session: Session, actor: Actor) -> list[ServiceEntry]:
    """Every service of the actor's organisation, listed or not."""
    require(actor, OFFER)
    org = session.get(OrganisationRow, actor.org_id)
    assert org is not None
    rows = session.scalars(
        select(ProviderServiceRow)
        .where(ProviderServiceRow.org_id == actor.org_id)
        .order_by(ProviderServiceRow.id)
    )
    return [_entry(row, org) for row in rows]


def send_request(
    session: Session, actor: Actor, service_id: int, *, message: str, contact: str = ""
) -> int:
    """An enterprise asks a provider for a listed service; the provider is notified."""
    require(actor, REQUEST)
    service = get_service(session, service_id)
    requester = session.get(OrganisationRow, actor.org_id)
    assert requester is not None
    row = ServiceRequestRow(
        service_id=service.id, provider_org_id=service.org_id, requester_org_id=actor.org_id,
        requester_user_id=actor.user_id, message=_text(message, "message", MAX_MESSAGE),
        contact=_text(contact, "contact", MAX_CONTACT, required=False),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(
        session, actor, "service.request", "service_request", row.id, None,
        {"service_id": service.id, "provider_org_id": service.org_id},
    )  # fmt: skip
    notify(
        session, service.org_id, "service-request", service=service.title,
        requester=requester.name, request=row.id,
    )  # fmt: skip
    return row.id


def _requests(session: Session, where: object) -> list[ServiceRequestEntry]:
    provider = OrganisationRow.__table__.alias("provider")
    requester = OrganisationRow.__table__.alias("requester")
    rows = session.execute(
        select(ServiceRequestRow, ProviderServiceRow.title, provider.c.name, requester.c.name)
        .join(ProviderServiceRow, ProviderServiceRow.id == ServiceRequestRow.service_id)
        .join(provider, provider.c.id == ServiceRequestRow.provider_org_id)
        .join(requester, requester.c.id == ServiceRequestRow.requester_org_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(ServiceRequestRow.id.desc())
    )
    return [
        ServiceRequestEntry(
            r.id,
            r.service_id,
            title,
            provider_name,
            requester_name,
            r.message,
            r.contact,
            r.status,
            r.reply,
            r.created_at,
            r.answered_at,
        )
        for r, title, provider_name, requester_name in rows
    ]


def requests_received(session: Session, actor: Actor) -> list[ServiceRequestEntry]:
    """The requests sent to the actor's organisation, newest first."""
    require(actor, OFFER)
    return _requests(session, ServiceRequestRow.provider_org_id == actor.org_id)


def requests_sent(session: Session, actor: Actor) -> list[ServiceRequestEntry]:
    """The requests the actor's organisation sent, newest first."""
    require(actor, REQUEST)
    return _requests(session, ServiceRequestRow.requester_org_id == actor.org_id)


def answer_request(
    session: Session, actor: Actor, request_id: int, *, reply: str, close: bool = False
) -> None:
    """The provider answers a request (and may close it); kept with the request."""
    require(actor, OFFER)
    row = session.get(ServiceRequestRow, request_id, with_for_update=True)
    if row is None or row.provider_org_id != actor.org_id:
        raise NotFoundError(f"No request {request_id} to you.")
    before = {"status": row.status, "reply": row.reply}
    row.reply = _text(reply, "reply", MAX_MESSAGE)
    row.status = "closed" if close else "answered"
    row.answered_at = utcnow()
    session.flush()
    audit(
        session, actor, "service.answer", "service_request", row.id, before,
        {"status": row.status, "reply": row.reply},
    )  # fmt: skip
