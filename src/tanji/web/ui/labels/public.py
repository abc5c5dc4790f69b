"""The public verification page (no login) and the identifier resolvers.

``/l/{label}`` answers HTML to a browser and JSON to ``Accept: application/json``
(content negotiation, ``Vary: Accept``). ``/01/{gtin}[/10/{batch}]`` is the GS1 Digital
Link resolver (ISO/IEC 18975): it redirects to the product's current label, or answers
the RFC 9264 linkset (``application/linkset+json``) when asked by ``linkType=linkset``
or by ``Accept``. ``/id/{prefix}/{suffix}`` resolves an industrial-internet identifier
the same way. Every answer is ``Cache-Control: no-store``: a revocation must show at
the next scan, not when a cache expires.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from tanji.domain.labels import LabelStatus
from tanji.services.labels import files, identifiers, reports
from tanji.services.labels.public import current_label, public_label
from tanji.services.labels.trust import KEYS_PATH
from tanji.web.deps import SessionDep
from tanji.web.i18n import language_of, translations
from tanji.web.security import page_router
from tanji.web.ui.labels.text import body_status_word, certificate_status_word, status_text
from tanji.web.ui.templating import render

__all__ = ["LINKSET", "router"]

router = page_router()

LINKSET = "application/linkset+json"
NO_STORE = {"Cache-Control": "no-store", "Vary": "Accept"}
_GS1 = "https://gs1.org/voc/"
#: The link types the resolver knows; any other goes to the default link (GS1 resolver
#: standard: an unknown linkType is answered with the default).
LINK_TYPES = ("gs1:defaultLink", "gs1:pip", "gs1:certificationInfo", "gs1:sustainabilityInfo")


def _wants(request: Request, media_type: str) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == media_type for part in accept.split(","))


def _label_page(request: Request, session: SessionDep, label: str) -> Response:
    view = public_label(session, label)
    gettext = translations(language_of(request)).gettext
    if _wants(request, "application/json") and not _wants(request, "text/html"):
        status = 404 if view.status is LabelStatus.UNKNOWN and not view.claim else 200
        return JSONResponse(view.as_json(), status_code=status, headers=NO_STORE)
    response = render(
        request,
        "labels/public.html",
        {
            "view": view,
            "status": status_text(view.status, gettext),
            "certificate_status": certificate_status_word(view.certificate_status, gettext),
            "body_status": body_status_word(view.body_status, gettext),
            "keys_url": KEYS_PATH,
            "envelope": json.loads(view.envelope_text) if view.envelope_text else None,
            "reported": request.query_params.get("reported") == "1",
        },
        status_code=404 if not view.claim else 200,
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/l/{label}")
def label_page(request: Request, session: SessionDep, label: str) -> Response:
    return _label_page(request, session, label)


@router.get("/l/{label}/label.{fmt}")
def label_file(
    session: SessionDep, label: str, fmt: str, size: Annotated[str, Query()] = "medium"
) -> Response:
    """The label's file (SVG, PDF, PNG or the signed JSON), public like the page."""
    data, media_type = files.label_file(session, label, fmt, size)
    name = f"carbon-label-{label}-{size}.{fmt}" if fmt != "json" else f"carbon-label-{label}.json"
    headers = {**NO_STORE, "Content-Disposition": f'inline; filename="{name}"'}
    return Response(data, media_type=media_type, headers=headers)


@router.post("/l/{label}/report")
def report_fake(
    request: Request,
    session: SessionDep,
    label: str,
    description: Annotated[str, Form(max_length=4000)] = "",
    where_seen: Annotated[str, Form(max_length=600)] = "",
    contact: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    reports.report_fake(
        session, label, description=description, where_seen=where_seen, contact=contact
    )
    return RedirectResponse(f"/l/{quote(label, safe='')}?reported=1#report", status_code=303)


def _linkset(request: Request, anchor: str, label: str) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    page = f"{base}/l/{label}"
    html = [
        {"href": page, "title": "碳标识验证 Carbon label verification", "type": "text/html",
         "hreflang": ["zh-CN", "en"]},
    ]  # fmt: skip
    as_json = [{"href": page, "title": "Carbon label (JSON)", "type": "application/json"}]
    return {
        "linkset": [
            {
                "anchor": anchor,
                f"{_GS1}defaultLink": html,
                f"{_GS1}pip": html,
                f"{_GS1}certificationInfo": html + as_json,
                f"{_GS1}sustainabilityInfo": html + as_json,
            }
        ]
    }


def _resolve(request: Request, anchor: str, label: str | None) -> Response:
    if label is None:
        response = render(request, "labels/unresolved.html", {"anchor": anchor}, status_code=404)
        response.headers.update(NO_STORE)
        return response
    link_type = request.query_params.get("linkType", "")
    linkset_url = f"{anchor}?linkType=linkset"
    if link_type in ("linkset", "all") or _wants(request, LINKSET):
        return JSONResponse(_linkset(request, anchor, label), media_type=LINKSET, headers=NO_STORE)
    headers = {
        **NO_STORE,
        "Link": f'<{linkset_url}>; rel="linkset"; type="{LINKSET}"',
    }
    return RedirectResponse(f"/l/{label}", status_code=307, headers=headers)


@router.get("/01/{gtin}")
def digital_link(request: Request, session: SessionDep, gtin: str) -> Response:
    product = identifiers.product_for_gtin(session, gtin)
    label = current_label(session, product) if product is not None else None
    return _resolve(request, str(request.url.remove_query_params("linkType")), label)


@router.get("/01/{gtin}/10/{batch}")
def digital_link_batch(request: Request, session: SessionDep, gtin: str, batch: str) -> Response:
    product = identifiers.product_for_gtin(session, gtin)
    label = current_label(session, product, batch) if product is not None else None
    return _resolve(request, str(request.url.remove_query_params("linkType")), label)


@router.get("/id/{handle:path}")
def identifier(request: Request, session: SessionDep, handle: str) -> Response:
    product = identifiers.product_for_handle(session, handle)
    label = current_label(session, product) if product is not None else None
    return _resolve(request, str(request.url.remove_query_params("linkType")), label)
