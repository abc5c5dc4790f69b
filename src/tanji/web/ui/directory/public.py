"""The public directory (no login): the list with its filters, a product's page, the
fair comparison, the consumer guide, the green-procurement view and its export, the
evidence pack and its check, an enterprise's disclosure page.

Who may see what is the services' decision (:mod:`tanji.services.directory`): these
pages parse the query and show what the services return.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, File, Query, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tanji.services.directory import disclosure, evidence, listing, procurement
from tanji.services.errors import InvalidInputError
from tanji.services.labels.trust import KEYS_PATH, store_keys
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of, translations
from tanji.web.reasons import reasons_message
from tanji.web.security import MaybeActorDep, page_router
from tanji.web.ui.directory.text import EXPORT_HEADER, field_error, grade_words, words
from tanji.web.ui.labels.workspace import keyring
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()

#: A query text or number as typed (numbers parsed here so a bad one is a field error).
Text = Annotated[str, Query(max_length=200)]


def _number(name: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(f"{name}: a number", fields={name: "a number"}) from None


def _filters(q: str, category: str, grade: str, city: str, company: str, min_value: str,
             max_value: str, page: int) -> listing.Filters:  # fmt: skip
    return listing.Filters(
        q=q, category=category, grade=grade, city=city, company=company,
        min_value=_number("min_value", min_value), max_value=_number("max_value", max_value),
        page=page,
    ).checked()  # fmt: skip


@router.get("/directory")
def directory_page(
    request: Request,
    session: SessionDep,
    q: Text = "",
    category: Text = "",
    grade: Text = "",
    city: Text = "",
    company: Text = "",
    min_value: Text = "",
    max_value: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Certified products: search and filter, 20 a page."""
    gettext = translations(language_of(request)).gettext
    query = {"q": q, "category": category, "grade": grade, "city": city, "company": company,
             "min_value": min_value, "max_value": max_value}  # fmt: skip
    error, found = "", None
    try:
        found = listing.search(
            session, _filters(q, category, grade, city, company, min_value, max_value, page)
        )
    except InvalidInputError as problem:
        error = field_error(problem, gettext)
    kept = {k: v for k, v in query.items() if v}
    context = words(request) | {
        "query": query, "found": found, "error": error,
        "categories": sorted({c for c, _ in listing.categories(session)}),
        "page_url": lambda n: "/directory?" + urlencode(kept | {"page": n}),
    }  # fmt: skip
    return render(request, "directory/index.html", context, status_code=422 if error else 200)


@router.get("/directory/products/{certificate}")
def product_page(
    request: Request, session: SessionDep, actor: MaybeActorDep, certificate: str
) -> HTMLResponse:
    """A certified product: its label, its certificate, its grade, the evidence pack and,
    for a signed-in buyer, a form to contact the supplier."""
    item = listing.entry(session, certificate)
    sent = request.query_params.get("sent") == "1"
    own = actor is not None and actor.org_id == item.holder_org_id
    context = words(request) | {"item": item, "sent": sent, "own": own}
    return render(request, "directory/product.html", context)


@router.get("/directory/products/{certificate}/evidence-pack.zip")
def evidence_pack(
    request: Request, session: SessionDep, app: AppDep, actor: MaybeActorDep, certificate: str,
    lang: Annotated[str, Query(max_length=5)] = "",
) -> Response:  # fmt: skip
    """The evidence pack (ZIP) of a certified product; its report in the page's language."""
    language = lang if lang in ("zh", "en") else language_of(request)
    limit(request, "calculate", actor.user_id if actor else None)  # it recomputes the result
    data = evidence.build_pack(session, app.backgrounds, keyring(app), certificate, language)
    name = evidence.pack_name(certificate)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/directory/compare")
def compare_page(
    request: Request,
    session: SessionDep,
    a: Text = "",
    b: Text = "",
    c: Annotated[list[str] | None, Query(max_length=4)] = None,
) -> HTMLResponse:
    """Two certified products side by side, or why they may not be compared."""
    language = language_of(request)
    picked = [x for x in (c or []) if x] or [x for x in (a, b) if x]
    context = words(request) | {"result": None, "refused": "", "picked": picked}
    if len(picked) != 2:
        context["refused"] = translations(language).gettext(
            "Choose exactly two products of the directory to compare."
        )
        return render(request, "directory/compare.html", context, status_code=422)
    try:
        context["result"] = listing.compare(session, picked[0], picked[1])
    except listing.CompareRefusedError as refusal:
        reasons: Any = refusal.reasons  # DirectoryReason: a key, its values, its English
        context["refused"] = reasons_message(reasons, language)
        return render(request, "directory/compare.html", context, status_code=409)
    return render(request, "directory/compare.html", context)


@router.get("/directory/guide")
def guide_page(request: Request) -> HTMLResponse:
    """What a carbon label means, how to read it, how to compare fairly."""
    return render(request, "directory/guide.html", {})


def _procurement_query(
    category: Text = "", declared_unit: Text = "", threshold: Text = "", grade: Text = ""
) -> dict[str, str]:
    """The procurement criteria as the page and its exports take them."""
    return {"category": category, "declared_unit": declared_unit, "threshold": threshold,
            "grade": grade}  # fmt: skip


ProcurementQuery = Annotated[dict[str, str], Depends(_procurement_query)]


def _procurement(session: SessionDep, query: dict[str, str]) -> procurement.Procurement:
    return procurement.procurement(
        session, query["category"], query["declared_unit"],
        threshold=_number("threshold", query["threshold"]), grade=query["grade"],
    )  # fmt: skip


def _procurement_page(
    request: Request,
    session: SessionDep,
    query: dict[str, str],
    view: procurement.Procurement | None,
    error: str,
) -> HTMLResponse:
    context = words(request) | {
        "query": query, "view": view, "error": error,
        "pairs": listing.categories(session), "export_query": urlencode(query),
    }  # fmt: skip
    return render(request, "directory/procurement.html", context, status_code=422 if error else 200)


@router.get("/directory/procurement")
def procurement_page(
    request: Request, session: SessionDep, query: ProcurementQuery
) -> HTMLResponse:
    """Products of a category meeting a threshold or grade, for a tender."""
    gettext = translations(language_of(request)).gettext
    error, view = "", None
    try:
        view = _procurement(session, query) if query["category"] else None
    except InvalidInputError as problem:
        error = field_error(problem, gettext)
    return _procurement_page(request, session, query, view, error)


@router.get("/directory/procurement.{fmt}")
def procurement_export(
    request: Request, session: SessionDep, fmt: str, query: ProcurementQuery
) -> Response:
    """The procurement list as CSV or XLSX (column headings in the page's language); bad
    criteria show the procurement page with the field's error (422)."""
    gettext = translations(language_of(request)).gettext
    try:
        if fmt not in procurement.EXPORT_FORMATS:
            raise InvalidInputError(f"format {fmt!r}", fields={"format": "csv or xlsx"})
        view = _procurement(session, query)
    except InvalidInputError as problem:
        return _procurement_page(request, session, query, None, field_error(problem, gettext))
    data = procurement.export(view, fmt, [gettext(h) for h in EXPORT_HEADER], grade_words(gettext))
    return Response(
        data, media_type=procurement.EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="tanji-procurement.{fmt}"'},
    )  # fmt: skip


@router.get("/directory/verify")
def verify_page(request: Request) -> HTMLResponse:
    """Check an evidence pack: upload it."""
    return render(request, "directory/verify.html", {"check": None, "keys_url": KEYS_PATH})


@router.post("/directory/verify")
async def verify_upload(
    request: Request, session: SessionDep, pack: Annotated[UploadFile, File()]
) -> HTMLResponse:
    """The check of an uploaded pack against the platform's published keys."""
    limit(request, "upload")
    data = await pack.read(evidence.MAX_PACK_BYTES + 1)
    check = evidence.check_pack(data, store_keys(session))
    context = {"check": check, "name": pack.filename or "", "keys_url": KEYS_PATH}
    return render(request, "directory/verify.html", context, status_code=200 if check.ok else 422)


@router.get("/directory/companies/{org_id}")
def company_page(request: Request, session: SessionDep, org_id: Id) -> HTMLResponse:
    """An enterprise's voluntary disclosure: its certified products, labels and text."""
    found = disclosure.disclosure(session, org_id)
    paragraphs = [p.strip() for p in found.text.split("\n\n") if p.strip()]
    context = words(request) | {"d": found, "paragraphs": paragraphs}
    return render(request, "directory/company.html", context)
