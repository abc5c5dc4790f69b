"""Carbon labels: issue one from a certificate in force, read it (the same document as
the public page's JSON), revoke it; a product's labels and identifiers; reported fakes."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.requests import Request

from tanji.services.labels import identifiers, issuance, reports
from tanji.services.labels.public import public_label
from tanji.services.labels.workspace import product_labels
from tanji.web.api.label_schemas import (
    FakeReportRead,
    IdentifiersUpdate,
    LabelCreate,
    LabelIssued,
    LabelRevoke,
    ProductLabelsRead,
)
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.routing import Router
from tanji.web.security import ActorDep
from tanji.web.ui.labels.workspace import base_url, keyring

__all__ = ["router"]

router = Router(tags=["labels"])


@router.post("/labels", status_code=201)
def issue_label(
    body: LabelCreate, request: Request, actor: ActorDep, session: SessionDep, app: AppDep
) -> LabelIssued:
    """Issue the label of a certificate in force (its holder, its body or the operator).
    The claim is signed, stored and appended to the transparency log."""
    issued = issuance.issue_label(
        session, actor, body.certificate, base_url=base_url(request, app),
        keys=keyring(app), batch=body.batch,
    )  # fmt: skip
    return LabelIssued.of(issued)


#: An unknown label answers 404 with the same document (status "unknown"), for a page
#: or a scanner to show, rather than the error body.
_UNKNOWN = {
    404: {
        "description": 'No such label: the same document, with the status "unknown".',
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.get("/labels/{public_id}", responses=_UNKNOWN)  # type: ignore[arg-type]
def get_label(public_id: str, session: SessionDep) -> JSONResponse:
    """A label's status now, its claim, the signatures checked and its log proof (no
    sign-in needed; never cached)."""
    view = public_label(session, public_id)
    body: dict[str, Any] = view.as_json()
    status = 404 if not view.claim else 200
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


@router.post("/labels/{public_id}/revoke", status_code=204)
def revoke_label(
    public_id: str, body: LabelRevoke, actor: ActorDep, session: SessionDep, app: AppDep
) -> None:
    """Revoke one label (its certification body or the operator)."""
    issuance.revoke_label(session, actor, public_id, reason=body.reason, keys=keyring(app))


@router.get("/products/{product_id}/labels")
def get_product_labels(product_id: Id, actor: ActorDep, session: SessionDep) -> ProductLabelsRead:
    """A product's identifiers, certificates and labels."""
    return ProductLabelsRead.of(product_labels(session, actor, product_id))


@router.put("/products/{product_id}/identifiers")
def put_identifiers(
    product_id: Id, body: IdentifiersUpdate, actor: ActorDep, session: SessionDep
) -> ProductLabelsRead:
    """Set a product's GTIN (check digit validated) and industrial-internet identifier."""
    identifiers.set_identifiers(session, actor, product_id, gtin=body.gtin, handle=body.handle)
    return ProductLabelsRead.of(product_labels(session, actor, product_id))


@router.get("/label-reports")
def get_reports(actor: ActorDep, session: SessionDep) -> list[FakeReportRead]:
    """Reports of suspected fake labels (the operator)."""
    return [FakeReportRead.of(r) for r in reports.fake_reports(session, actor)]
