"""Errors become HTTP here, and only here.

Route handlers never raise ``HTTPException`` for business failures: the services raise
their own errors (:mod:`tanji.services.errors`), the domain and the file formats theirs,
and :data:`STATUS` maps each class to a status code. ``/api/`` paths get JSON
``{"error": {"code", "message"}}`` (plus ``"fields"``, input name → problem, when the
error names the inputs at fault); pages get an error page in the reader's language.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match

from tanji.domain.factors import DomainError
from tanji.engine import EngineError
from tanji.io.errors import DataFormatError
from tanji.services.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServiceError,
)
from tanji.services.product_lock import StaleVersionError, VersionRequiredError
from tanji.web.conflicts import api_language, conflict_message
from tanji.web.i18n import language_of, translations
from tanji.web.reasons import reasons_message

__all__ = ["STATUS", "install_error_handlers", "status_of"]

log = logging.getLogger(__name__)

#: Error class → (HTTP status, machine-readable code). The most specific class wins.
STATUS: dict[type[Exception], tuple[int, str]] = {
    AuthenticationError: (401, "unauthenticated"),
    PermissionDeniedError: (403, "forbidden"),
    InvalidInputError: (422, "invalid_input"),
    NotFoundError: (404, "not_found"),
    StaleVersionError: (409, "stale_version"),
    ConflictError: (409, "conflict"),
    VersionRequiredError: (428, "version_required"),
    RateLimitedError: (429, "rate_limited"),
    ServiceError: (400, "bad_request"),
    DataFormatError: (422, "invalid_data"),
    DomainError: (422, "invalid_value"),
    EngineError: (422, "calculation_failed"),
}

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def status_of(error: Exception) -> tuple[int, str]:
    """The status and code of an error: its class's entry, or that of its nearest base."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    raise LookupError(type(error).__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


#: What an error means, by status, for a reader whose language the service's message
#: is not in (the msgids are in the catalogues).
GENERIC: dict[int, str] = {
    400: "The request could not be completed: check what was entered and try again.",
    401: "Sign in to continue.",
    403: "Your account may not do this. Ask an admin of your organisation if you need to.",
    404: "There is nothing here: the page or record does not exist, was deleted, or belongs "
    "to another organisation.",
    405: "This address does not take this kind of request.",
    409: "This conflicts with what is already stored; reload and try again.",
    422: "The request could not be completed: check what was entered and try again.",
    428: "The request could not be completed: check what was entered and try again.",
    429: "Too many requests lately; wait a little and try again.",
    503: "The service is busy; try again in a few seconds.",
}
#: A field's problem when the service's message is not in the reader's language.
FIELD_GENERIC = "This value is not accepted; check it."


def _in_language(
    request: Request, status: int, message: str, fields: dict[str, str] | None
) -> tuple[str, dict[str, str] | None, str | None]:
    """The message and fields in the reader's language: a known problem translated; else,
    for a Chinese reader, the meaning of the status (the English text is returned as the
    third value, shown as a detail). Pages in English show the service's own text."""
    from tanji.web.ui.problems import say

    language = api_language(request) if _is_api(request) else language_of(request)
    gettext = translations(language).gettext
    detail = None
    if getattr(message, "code", None) is not None:
        shown = say(message, gettext)
    elif language == "en" or message in {gettext(t) for t in GENERIC.values()}:
        shown = message
    elif any("\u4e00" <= char <= "\u9fff" for char in message):
        shown = message  # already in Chinese (reasons, conflicts, limits)
    else:
        shown = gettext(GENERIC.get(status, GENERIC[400]))
        detail = message
    said_fields = None
    if fields:
        said_fields = {
            name: say(text, gettext)
            if getattr(text, "code", None) is not None or language == "en"
            else text
            if any("\u4e00" <= char <= "\u9fff" for char in text)
            else gettext(FIELD_GENERIC)
            for name, text in fields.items()
        }
    return shown, said_fields, detail


def _respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    shown, said_fields, detail = _in_language(request, status, message, fields)
    if _is_api(request):
        body: dict[str, object] = {"code": code, "message": shown}
        if said_fields:
            body["fields"] = said_fields
        if detail is not None:
            # The service's own words, in English, for developers and support.
            body["detail"] = detail
        if fields and said_fields != fields:
            body["field_details"] = fields
        body.update(extra or {})
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    from tanji.web.ui.templating import render

    response = render(
        request,
        "error.html",
        {"status": status, "code": code, "message": shown},
        status_code=status,
    )
    response.headers.update(headers or {})
    return response


async def _known(request: Request, error: Exception) -> Response:
    status, code = status_of(error)
    if status == 401 and not _is_api(request) and request.method == "GET":
        # A page that needs a signed-in person: sign in, then come back.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    if status == 403:
        # Every refused permission check is logged (ASVS 7.2.2), with who asked; the
        # line carries the request id.
        actor = getattr(request.state, "actor", None)
        log.warning(
            "permission refused: %s %s",
            request.method,
            request.url.path,
            extra={
                "user_id": getattr(actor, "user_id", None),
                "org_id": getattr(actor, "org_id", None),
                "refusal": str(error)[:300],
            },
        )
    fields = error.fields if isinstance(error, ServiceError) else None
    if isinstance(error, StaleVersionError):
        return _stale(request, error)
    if isinstance(error, RateLimitedError):
        return _limited(request, error)
    message = str(error)
    extra: dict[str, object] | None = None
    reasons = getattr(error, "reasons", None)
    if reasons and all(hasattr(r, "key") and hasattr(r, "english") for r in reasons):
        # Structured refusals (certification, admission): each reason in the reader's
        # language, and their keys with their values for machines.
        language = api_language(request) if _is_api(request) else language_of(request)
        message = reasons_message(reasons, language)
        extra = {"reasons": [{"key": r.key, "params": dict(r.params)} for r in reasons]}
    return _respond(request, status, code, message, fields, extra)


#: The page's sentence for a 429 (the msgid is in the catalogues).
RATE_LIMITED_PAGE = "Too many requests of this kind lately; wait %(seconds)s seconds and try again."


def _limited(request: Request, error: RateLimitedError) -> Response:
    """429 with ``Retry-After`` (whole seconds, at least 1)."""
    seconds = max(1, int(error.retry_after + 0.999))
    message = str(error)
    if not _is_api(request):
        gettext = translations(language_of(request)).gettext
        message = gettext(RATE_LIMITED_PAGE) % {"seconds": seconds}
    headers = {"Retry-After": str(seconds)}
    extra: dict[str, object] = {"retry_after": seconds}
    return _respond(request, 429, "rate_limited", message, None, extra, headers)


def _stale(request: Request, error: StaleVersionError) -> Response:
    """409 (412 when the version came as ``If-Match``), with the current version and
    the changes made since the one the person read, in their language."""
    api = _is_api(request)
    language = api_language(request) if api else language_of(request)
    status, code = (
        (412, "precondition_failed") if request.headers.get("if-match") else (409, "stale_version")
    )
    extra: dict[str, object] = {
        "expected_version": error.expected,
        "current_version": error.current,
        "changes": [
            {"version": c.version, "action": c.action, "by": c.by, "at": c.at.isoformat(),
             "fields": list(c.fields)}
            for c in error.changes
        ],
    }  # fmt: skip
    headers = {"ETag": f'"{error.current}"'} if error.current is not None else None
    return _respond(
        request, status, code, conflict_message(error, language), error.fields, extra, headers
    )


def _busy(request: Request, error: Exception) -> Response:
    """SQLite's write lock held longer than the busy timeout (an import, say), or no
    pooled connection free in time: 503 with ``Retry-After`` rather than a 500. Other
    database errors are bugs and stay 500s."""
    if not isinstance(error, PoolTimeoutError):
        assert isinstance(error, OperationalError)
        said = str(error.orig)
        if "database is locked" not in said and "database is busy" not in said:
            raise error
    log.warning("database busy: %s %s", request.method, request.url.path)
    language = api_language(request) if _is_api(request) else language_of(request)
    message = translations(language).gettext(
        "The database is busy with another change (a data import, say). Nothing was "
        "saved; try again in a few seconds."
    )
    return _respond(request, 503, "busy", message, headers={"Retry-After": "5"})


async def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    code = _HTTP_CODES.get(error.status_code, "http_error")
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = _allowed(request)
    return _respond(request, error.status_code, code, str(error.detail), headers=headers)


def _allowed(request: Request) -> str:
    """Every method some route of the app takes at this path (Starlette names only the
    first matching route's; a path such as /api/v1/products/{id} has several). Each
    method is tried against the routes, which match nested routers themselves."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in error.errors()
    )
    return _respond(request, 422, "invalid_request", message)


def install_error_handlers(app: FastAPI) -> None:
    """Register the table's handlers (and framework errors in the same JSON shape)."""
    for cls in STATUS:
        app.add_exception_handler(cls, _known)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(OperationalError, _busy)
    app.add_exception_handler(PoolTimeoutError, _busy)
