"""The enterprise's side of the PACT exchange, in the platform API: partners and the
credentials issued to them, the footprints served and who sees them, partners' hosts,
fetching and requesting from them. (The PACT protocol itself is at /auth/token and
/3/…, :mod:`tanji.web.pact_host`.)"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import Query, Request
from pydantic import BaseModel, Field

from tanji.services.pact import client, events, exports, host, publish
from tanji.services.pact.client import http_client
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(prefix="/pact", tags=["pact"])


class PartnerCreate(BaseModel):
    name: str = Field(description="The partner company")
    sees_all: bool = Field(False, description="Sees every servable footprint, not only granted")


class PartnerChange(BaseModel):
    active: bool | None = None
    sees_all: bool | None = None
    connection_id: int | None = Field(None, description="The partner's own PACT host")


class PartnerRead(BaseModel):
    id: int
    name: str
    client_id: str
    sees_all: bool
    active: bool
    connection_id: int | None


class CredentialsRead(BaseModel):
    """Shown once: only the SHA-256 of the secret is kept."""

    partner_id: int
    client_id: str
    client_secret: str


class PublishCreate(BaseModel):
    result_id: int
    product_ids: list[str] = Field(min_length=1, description="URNs, e.g. urn:gtin:…")
    company_ids: list[str] = Field(min_length=1, description="URNs of the company")
    product_category_cpc: str = ""
    product_mass_per_declared_unit: float | None = None
    fossil_carbon_content: float = 0.0
    exempted_emissions_percent: float = 0.0
    geography: str = "CN-JS"
    release: bool = False


class FootprintRead(BaseModel):
    id: int
    pf_id: str
    product_name: str
    result_id: int | None
    released: bool
    certified: bool
    partners: list[int]
    document: dict[str, Any]


class ShareChange(BaseModel):
    released: bool | None = None
    deprecated: bool | None = Field(None, description="true: mark Deprecated (for good)")
    grant_partner_id: int | None = None
    revoke_partner_id: int | None = None


class ConnectionCreate(BaseModel):
    name: str
    base_url: str = Field(description="https://… of the partner's PACT host")
    client_id: str
    client_secret: str
    auth_url: str = ""


class ConnectionRead(BaseModel):
    id: int
    name: str
    base_url: str
    client_id: str


class RequestCreate(BaseModel):
    """RequestCreated criteria, as the PACT event's data."""

    productId: list[str] = Field(default_factory=list)  # noqa: N815 (PACT's name)
    companyId: list[str] = Field(default_factory=list)  # noqa: N815
    geography: list[str] = Field(default_factory=list)
    classification: list[str] = Field(default_factory=list)
    comment: str = ""


class EventRead(BaseModel):
    id: int
    direction: str
    event_type: str
    event_id: str
    state: str
    note: str
    answer: dict[str, Any] | None


def _partner(row: Any) -> PartnerRead:
    return PartnerRead(
        id=row.id, name=row.name, client_id=row.client_id, sees_all=row.sees_all,
        active=row.active, connection_id=row.connection_id,
    )  # fmt: skip


@router.get("/partners")
def list_partners(actor: ActorDep, session: SessionDep) -> list[PartnerRead]:
    return [_partner(p) for p in host.partners(session, actor)]


@router.post("/partners", status_code=201)
def add_partner(body: PartnerCreate, actor: ActorDep, session: SessionDep) -> CredentialsRead:
    """Issue client credentials to a partner (the secret is shown this once)."""
    issued = host.add_partner(session, actor, body.name, sees_all=body.sees_all)
    return CredentialsRead(**issued.__dict__)


@router.patch("/partners/{partner_id}")
def change_partner(
    partner_id: Id, body: PartnerChange, actor: ActorDep, session: SessionDep
) -> PartnerRead:
    link: int | bool | None = (
        body.connection_id if "connection_id" in body.model_fields_set else False
    )
    row = host.set_partner(
        session, actor, partner_id, active=body.active, sees_all=body.sees_all, connection_id=link
    )
    return _partner(row)


@router.post("/partners/{partner_id}/secret")
def rotate_secret(partner_id: Id, actor: ActorDep, session: SessionDep) -> CredentialsRead:
    return CredentialsRead(**host.rotate_secret(session, actor, partner_id).__dict__)


def _footprints(session: Any, actor: Any) -> list[FootprintRead]:
    return [
        FootprintRead(
            id=r.id,
            pf_id=r.pf_id,
            product_name=r.product_name,
            result_id=r.result_id,
            released=r.released_at is not None,
            certified=certified,
            partners=sorted(host.granted_ids(session, r.id)),
            document=json.loads(r.document),
        )
        for r, certified in host.footprint_rows(session, actor)
    ]


@router.get("/footprints")
def list_footprints(actor: ActorDep, session: SessionDep) -> list[FootprintRead]:
    return _footprints(session, actor)


@router.post("/footprints", status_code=201)
def publish_footprint(body: PublishCreate, actor: ActorDep, session: SessionDep) -> FootprintRead:
    """A PACT v3 footprint of one of your results (served once certified or released)."""
    details = publish.FootprintDetails(
        **body.model_dump(exclude={"result_id", "release"}),
    )
    row = publish.publish_result(session, actor, body.result_id, details)
    if body.release:
        host.release(session, actor, row.id, True)
    return next(f for f in _footprints(session, actor) if f.id == row.id)


@router.patch("/footprints/{footprint_id}")
def share(
    footprint_id: Id, body: ShareChange, actor: ActorDep, session: SessionDep
) -> FootprintRead:
    """Release or withdraw a footprint, grant it to a partner or revoke the grant."""
    host.managed_footprint(session, actor, footprint_id)
    if body.released is not None:
        host.release(session, actor, footprint_id, body.released)
    if body.deprecated:
        host.deprecate(session, actor, footprint_id)
    if body.grant_partner_id is not None:
        host.grant(session, actor, footprint_id, body.grant_partner_id, True)
    if body.revoke_partner_id is not None:
        host.grant(session, actor, footprint_id, body.revoke_partner_id, False)
    return next(f for f in _footprints(session, actor) if f.id == footprint_id)


def _connection(row: Any) -> ConnectionRead:
    return ConnectionRead(id=row.id, name=row.name, base_url=row.base_url, client_id=row.client_id)


@router.get("/connections")
def list_connections(actor: ActorDep, session: SessionDep) -> list[ConnectionRead]:
    return [_connection(c) for c in client.connections(session, actor)]


@router.post("/connections", status_code=201)
def add_connection(
    body: ConnectionCreate, actor: ActorDep, session: SessionDep, app: AppDep
) -> ConnectionRead:
    """Register a partner's PACT host and the credentials it issued to you."""
    row = client.add_connection(
        session, actor, body.name, body.base_url, body.client_id, body.client_secret,
        auth_url=body.auth_url, test_mode=app.settings.pact_test_mode,
    )  # fmt: skip
    return _connection(row)


@router.get("/connections/{connection_id}/footprints")
def fetch(
    connection_id: Id, actor: ActorDep, session: SessionDep, app: AppDep
) -> list[dict[str, Any]]:
    """The footprints the partner's host lists for you (fetched now)."""
    conn = client.connection(session, actor, connection_id)
    with http_client(app.settings.pact_ca_file) as http:
        return client.fetch_footprints(http, conn)


@router.post("/connections/{connection_id}/footprints/{pf_id}/import", status_code=201)
def import_footprint(
    connection_id: Id, pf_id: str, actor: ActorDep, session: SessionDep, app: AppDep
) -> dict[str, Any]:
    """Fetch one footprint and keep it as a supplier's footprint (a model's supplier
    line can use it by its publisher and product id; an assurance the host states is a
    claim, ``claimed_verifier``, never ``verified``)."""
    with http_client(app.settings.pact_ca_file) as http:
        s = client.import_footprint(session, actor, http, connection_id, pf_id)
    return {
        "product_id": s.product_id, "ref": s.ref, "version": s.version, "total": s.total,
        "declared_amount": s.declared_amount, "declared_unit": s.declared_unit,
        "verified": s.verified, "source": s.source, "publisher": s.publisher,
        "claimed_verifier": s.claimed_verifier,
    }  # fmt: skip


def our_base_url(request: Request) -> str:
    host_header = request.headers.get("host") or request.url.netloc
    return f"{request.url.scheme}://{host_header}"


@router.post("/connections/{connection_id}/requests", status_code=202)
def send_request(
    connection_id: Id, body: RequestCreate, request: Request, actor: ActorDep, app: AppDep
) -> EventRead:
    """Ask the partner for footprints; the answer comes to this host's /3/events."""
    criteria = {k: v for k, v in body.model_dump().items() if v}
    with http_client(app.settings.pact_ca_file) as http:
        row_id = client.send_request(
            app, actor, http, connection_id, criteria, our_base_url=our_base_url(request)
        )
    with app.unit_of_work() as uow:
        return next(e for e in _events(uow.session, actor) if e.id == row_id)


def _events(session: Any, actor: Any) -> list[EventRead]:
    rows = [*events.received(session, actor.org_id), *client.sent_requests(session, actor)]
    return [
        EventRead(
            id=e.id,
            direction=e.direction,
            event_type=e.event_type,
            event_id=e.event_id,
            state=e.state,
            note=e.note,
            answer=json.loads(e.answer) if e.answer else None,
        )
        for e in sorted(rows, key=lambda e: e.id, reverse=True)
    ]


@router.get("/events")
def list_events(actor: ActorDep, session: SessionDep) -> list[EventRead]:
    """Events received (requests to answer, answers to ours, notifications) and sent."""
    return _events(session, actor)


@router.get("/footprints/{footprint_id}/catenax")
def catenax(
    footprint_id: Id,
    actor: ActorDep,
    session: SessionDep,
    version: Literal["9.0.0", "7.0.0"] = "9.0.0",
    waste_incineration: Literal["cut-off", "reverse cut-off", "system expansion"] | None = None,
    packaging_included: bool | None = None,
    region: str | None = Query(None, description="UN M49 sub-region, when not derivable"),
) -> dict[str, Any]:
    """The Catena-X PCF aspect (9.0.0 or 7.0.0) of one of your PACT footprints."""
    return exports.catenax_of_footprint(
        session, actor, footprint_id, version=version, waste_incineration=waste_incineration,
        packaging_included=packaging_included, region=region,
    )  # fmt: skip


@router.post("/catenax-import", status_code=201)
def catenax_import(
    document: dict[str, Any], actor: ActorDep, session: SessionDep
) -> dict[str, Any]:
    """Keep a supplier's Catena-X PCF (9.0.0 or 7.0.0) as a supplier footprint."""
    s = exports.import_catenax(session, actor, document, source="API upload")
    return {
        "product_id": s.product_id, "ref": s.ref, "version": s.version, "total": s.total,
        "declared_amount": s.declared_amount, "declared_unit": s.declared_unit,
        "source": s.source,
    }  # fmt: skip


@router.get("/results/{result_id}/battery-passport")
def battery_passport(
    result_id: Id,
    actor: ActorDep,
    session: SessionDep,
    study_url: str = Query(description="Web link of the public version of the study"),
    performance_class: str | None = Query(None, description="A–Z, once classes are defined"),
    lifetime_energy_kwh: float | None = Query(None, gt=0, description="For the absolute value"),
) -> dict[str, Any]:
    """The EU battery passport's carbon-footprint section (Battery Pass 1.2.0) of a
    result declared per kWh of total energy over the service life."""
    return exports.battery_passport(
        session, actor, result_id, study_url=study_url, performance_class=performance_class,
        lifetime_energy_kwh=lifetime_energy_kwh,
    )  # fmt: skip
