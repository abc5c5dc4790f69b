"""The public directory of certified products: search, one product, a fair comparison,
the green-procurement list, the evidence pack (no sign-in for these), contact requests
and the disclosure text (signed in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response
from starlette.requests import Request

from tanji.services.directory import contacts, disclosure, evidence, listing, procurement
from tanji.web.api.directory_schemas import (
    ComparisonRead,
    ContactCreate,
    ContactCreated,
    ContactRead,
    ContactReply,
    DirectoryEntryRead,
    DirectoryPageRead,
    DisclosureRead,
    DisclosureUpdate,
    DisclosureVersion,
    ProcurementRead,
)
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.routing import Router
from tanji.web.security import ActorDep, MaybeActorDep
from tanji.web.ui.labels.workspace import keyring

__all__ = ["router"]

router = Router(tags=["directory"])

Text = Annotated[str, Query(max_length=200)]
Amount = Annotated[float | None, Query(ge=0, le=1e12, description="kg CO2e per declared unit")]
Grade = Annotated[str, Query(max_length=40, description="leading, better-than-baseline, "
                             "within-limit or over-limit")]  # fmt: skip


@router.get("/directory/products")
def search_products(
    session: SessionDep,
    q: Text = "",
    category: Text = "",
    grade: Grade = "",
    city: Annotated[str, Query(max_length=20, description="region code, e.g. CN-JS-SZ")] = "",
    company: Text = "",
    min_value: Amount = None,
    max_value: Amount = None,
    declared_unit: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=listing.MAX_PER_PAGE)] = 20,
) -> DirectoryPageRead:
    """Certified products (certificates in force), filtered; no sign-in needed.
    Self-declared footprints are never listed."""
    filters = listing.Filters(
        q=q, category=category, grade=grade, city=city, company=company, min_value=min_value,
        max_value=max_value, declared_unit=declared_unit, page=page, per_page=per_page,
    )  # fmt: skip
    return DirectoryPageRead.of(listing.search(session, filters))


@router.get("/directory/products/{certificate}")
def get_product(certificate: str, session: SessionDep) -> DirectoryEntryRead:
    """One certified product of the directory, by its certificate number."""
    return DirectoryEntryRead.of(listing.entry(session, certificate))


_ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The evidence pack (ZIP): certificate, report, result, label, signed "
        "claim, ledger receipts and the manifest of SHA-256 hashes",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/directory/products/{certificate}/evidence-pack", responses=_ZIP)
def get_evidence_pack(
    request: Request,
    certificate: str,
    session: SessionDep,
    app: AppDep,
    actor: MaybeActorDep,
    lang: Annotated[str, Query(pattern="^(zh|en)$", description="the report's language")] = "zh",
) -> Response:
    """The evidence pack of a certified product, for a bank or a bond issuer; check it
    with `tanji evidence verify` or the directory's verify page."""
    limit(request, "calculate", actor.user_id if actor else None)  # it recomputes the result
    data = evidence.build_pack(session, app.backgrounds, keyring(app), certificate, lang)
    name = evidence.pack_name(certificate)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/directory/compare")
def compare_products(
    a: Annotated[str, Query(max_length=40)], b: Annotated[str, Query(max_length=40)],
    session: SessionDep,
) -> ComparisonRead:  # fmt: skip
    """Two certified products side by side; 409 with the reason when they are not
    comparable (a different category or declared unit)."""
    return ComparisonRead.of(listing.compare(session, a, b))


@router.get("/directory/procurement")
def get_procurement(
    session: SessionDep,
    category: Annotated[str, Query(max_length=80)],
    declared_unit: Annotated[str, Query(max_length=80)],
    threshold: Amount = None,
    grade: Grade = "",
) -> ProcurementRead:
    """Products of a category and declared unit meeting ``threshold`` and/or ``grade``
    (that grade or better), lowest footprint first."""
    return ProcurementRead.of(
        procurement.procurement(session, category, declared_unit, threshold=threshold, grade=grade)
    )


@router.post("/directory/contact-requests", status_code=201)
def create_contact(
    request: Request, body: ContactCreate, actor: ActorDep, session: SessionDep
) -> ContactCreated:
    """Contact the supplier of a certified product through the platform (it is notified;
    no e-mail address is shown to either side)."""
    limit(request, "invite", actor.user_id)  # messages to other organisations
    return ContactCreated(id=contacts.send_request(session, actor, body.certificate, body.message))


@router.get("/directory/contact-requests")
def list_contacts(actor: ActorDep, session: SessionDep) -> list[ContactRead]:
    """The contact requests the caller's organisation received and sent."""
    return [ContactRead.of(c) for c in contacts.contact_requests(session, actor)]


@router.post("/directory/contact-requests/{request_id}/reply", status_code=204)
def reply_contact(request_id: Id, body: ContactReply, actor: ActorDep, session: SessionDep) -> None:
    """Answer a contact request (the supplier; once)."""
    contacts.reply(session, actor, request_id, body.text)


@router.get("/directory/companies/{org_id}")
def get_company(org_id: Id, session: SessionDep) -> DisclosureRead:
    """An enterprise's voluntary disclosure: its certified products and its text."""
    return DisclosureRead.of(disclosure.disclosure(session, org_id))


@router.put("/directory/disclosure")
def put_disclosure(
    body: DisclosureUpdate, actor: ActorDep, session: SessionDep
) -> DisclosureVersion:
    """Publish the caller's enterprise's disclosure text (its administrator); 409 when
    ``version`` is not the one stored."""
    return DisclosureVersion(
        version=disclosure.set_disclosure(session, actor, body.text, version=body.version)
    )
