"""The label section of a workspace product's page: identifiers, certificates, labels
with their downloads, and issuing a label from a certificate in force.

The product page loads the section with htmx (``hx-trigger="load"``); without scripts
its link opens the same section as a page of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.accounts import Actor
from tanji.services.errors import ConflictError, InvalidInputError
from tanji.services.labels import identifiers, issuance
from tanji.services.labels.workspace import product_labels
from tanji.services.signing import KeyRing
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router, secret_key
from tanji.web.ui.labels.text import status_text
from tanji.web.ui.templating import render

__all__ = ["base_url", "keyring", "router"]

router = page_router()

SIZES = ("small", "medium", "large")


def base_url(request: Request, app: AppDep) -> str:
    """The address printed on labels: ``TANJI_PUBLIC_URL``, else this request's."""
    return app.settings.public_url or str(request.base_url).rstrip("/")


def keyring(app: AppDep) -> KeyRing:
    """The key ring that opens the platform's and the bodies' signing keys."""
    return KeyRing.from_secret(secret_key(app.settings))


def _section(
    request: Request, session: SessionDep, actor: Actor, product_id: int, error: str = ""
) -> HTMLResponse:
    view = product_labels(session, actor, product_id)
    may_write = actor.org_id == view.org_id and actor.can("product.write")
    may_issue = actor.org_id == view.org_id and actor.can("certification.apply")
    partial = request.headers.get("hx-request") == "true"
    return render(
        request,
        "labels/product_label.html" if partial else "labels/product_label_page.html",
        {
            "view": view,
            "statuses": {
                line.public_id: status_text(line.status, translations(language_of(request)).gettext)
                for line in view.labels
            },
            "sizes": SIZES,
            "may_write": may_write,
            "may_issue": may_issue,
            "error": error,
        },
    )


@router.get("/workspace/products/{product_id}/label")
def label_section(
    request: Request, product_id: Id, session: SessionDep, actor: ActorDep
) -> HTMLResponse:
    return _section(request, session, actor, product_id)


def _back(product_id: int) -> RedirectResponse:
    return RedirectResponse(f"/workspace/products/{product_id}#carbon-label", status_code=303)


@router.post("/workspace/products/{product_id}/identifiers")
def set_identifiers(
    request: Request,
    product_id: Id,
    session: SessionDep,
    actor: ActorDep,
    gtin: Annotated[str, Form(max_length=40)] = "",
    handle: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        identifiers.set_identifiers(session, actor, product_id, gtin=gtin, handle=handle)
    except (InvalidInputError, ConflictError) as error:
        session.rollback()
        return _section(request, session, actor, product_id, str(error))
    return _back(product_id)


@router.post("/workspace/products/{product_id}/labels")
def issue(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    certificate: Annotated[str, Form(max_length=40)],
    batch: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    product_labels(session, actor, product_id)  # the product is the actor's to see
    try:
        issuance.issue_label(
            session,
            actor,
            certificate,
            base_url=base_url(request, app),
            keys=keyring(app),
            batch=batch.strip() or None,
        )
    except (InvalidInputError, ConflictError) as error:
        session.rollback()
        return _section(request, session, actor, product_id, str(error))
    return _back(product_id)
