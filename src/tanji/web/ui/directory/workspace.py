"""The directory's pages for a signed-in organisation: contact a supplier, the contact
requests received and sent (with the answer form), and the disclosure text."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.services.directory import contacts, disclosure, listing
from tanji.services.errors import InvalidInputError
from tanji.web.deps import Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of, translations
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.directory.text import field_error, words
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


@router.post("/directory/products/{certificate}/contact")
def contact(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    certificate: str,
    message: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Send the supplier of a certified product a message through the platform."""
    limit(request, "invite", actor.user_id)  # messages to other organisations
    try:
        contacts.send_request(session, actor, certificate, message)
    except InvalidInputError as problem:
        gettext = translations(language_of(request)).gettext
        item = listing.entry(session, certificate)
        context = {"item": item, "sent": False, "own": False, "contact_error":
                   field_error(problem, gettext), "message": message}  # fmt: skip
        return render(request, "directory/product.html", words(request) | context,
                      status_code=422)  # fmt: skip
    target = f"/directory/products/{quote(certificate, safe='')}?sent=1#contact"
    return RedirectResponse(target, status_code=303)


@router.get("/directory/contacts")
def contacts_page(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """Contact requests the organisation received (to answer) and sent."""
    found = contacts.contact_requests(session, actor)
    return render(request, "directory/contacts.html", {"requests": found, "error": ""})


@router.post("/directory/contacts/{request_id}/reply")
def reply(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    request_id: Id,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Answer a contact request (the supplier)."""
    try:
        contacts.reply(session, actor, request_id, text)
    except InvalidInputError as problem:
        gettext = translations(language_of(request)).gettext
        found = contacts.contact_requests(session, actor)
        context = {"requests": found, "error": field_error(problem, gettext)}
        return render(request, "directory/contacts.html", context, status_code=422)
    return RedirectResponse("/directory/contacts", status_code=303)


@router.get("/directory/disclosure")
def disclosure_form(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    """The enterprise's disclosure text, to edit (its administrator)."""
    found = disclosure.disclosure(session, actor.org_id)
    return render(request, "directory/disclosure_edit.html", {"d": found, "error": ""})


@router.post("/directory/disclosure")
def disclosure_save(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    text: Annotated[str, Form(max_length=40_000)] = "",
    version: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    """Publish the disclosure text; an edit from a stale read is refused (409)."""
    try:
        disclosure.set_disclosure(session, actor, text, version=version)
    except InvalidInputError as problem:
        gettext = translations(language_of(request)).gettext
        found = disclosure.disclosure(session, actor.org_id)
        context = {"d": found, "error": field_error(problem, gettext)}
        return render(request, "directory/disclosure_edit.html", context, status_code=422)
    return RedirectResponse(f"/directory/companies/{actor.org_id}", status_code=303)
