"""The PACT v3.0 host endpoints, at the root of the site as the specification places
them: ``/auth/token``, ``/.well-known/openid-configuration``, ``/3/footprints``,
``/3/footprints/{id}`` and ``/3/events``.

They answer in PACT's own shapes, not the platform API's: errors are ``{"code",
"message"}`` (:func:`install`, the one place PACT errors become HTTP), the token endpoint
answers RFC 6749's ``{"error", "error_description"}``. They take no session cookie and
no CSRF token: a partner authenticates with its client credentials, then a bearer token.

HTTPS: a request that did not arrive over HTTPS is refused (400, no data). Behind a
TLS-terminating proxy, uvicorn believes the proxy's ``X-Forwarded-Proto`` when the proxy
connects from an address in ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1); see
docs/interoperability.md.

An accepted RequestCreated event is answered after the response went out (a background
task; :func:`tanji.services.pact.events.deliver`).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, cast
from urllib.parse import parse_qsl, unquote

import httpx
from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tanji.bootstrap import App
from tanji.io.pact_protocol import ProtocolError, link_header, parse_query
from tanji.services.pact import events, host
from tanji.services.pact.client import http_client
from tanji.services.pact.errors import BadRequestError, OAuthError, PactError
from tanji.web.deps import AppDep
from tanji.web.routing import Router

__all__ = ["http_for", "install", "router"]

router = Router(include_in_schema=False)

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _https(request: Request) -> None:
    if request.url.scheme != "https":
        raise BadRequestError("HTTPS required: this host answers PACT requests over HTTPS only")


def _base(request: Request) -> str:
    """This host's base URL as the partner reached it (the ``Host`` header's host)."""
    host_header = request.headers.get("host") or request.url.netloc
    root = request.scope.get("root_path", "").rstrip("/")
    return f"{request.url.scheme}://{host_header}{root}"


def http_for(request: Request) -> httpx.Client | None:
    """The client tests put in ``app.state.pact_http`` (bound to an app), else None: a
    client is then made for the call and closed after it."""
    given = getattr(request.app.state, "pact_http", None)
    return cast(httpx.Client, given) if given is not None else None  # same get/post


def _deliver(app: App, given: httpx.Client | None, event_row_id: int) -> None:
    if given is not None:
        events.deliver(app, given, event_row_id)
        return
    with http_client(app.settings.pact_ca_file) as http:
        events.deliver(app, http, event_row_id)


@router.get("/.well-known/openid-configuration")
def openid_configuration(request: Request) -> JSONResponse:
    """OpenID Connect discovery (PACT v3.0 "authentication flow"): the token endpoint."""
    _https(request)
    base = _base(request)
    return JSONResponse(
        {
            "issuer": base,
            "token_endpoint": f"{base}/auth/token",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token"],
            "scopes_supported": ["footprint:list", "footprint:read"],
        }
    )


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            pair = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Client authentication failed", 401) from None
        client_id, sep, secret = pair.partition(":")
        if not sep:
            raise OAuthError("invalid_client", "Client authentication failed", 401)
        return unquote(client_id), unquote(secret)
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    raise OAuthError("invalid_client", "Client authentication failed", 401)


@router.post("/auth/token")
async def token(request: Request, app: AppDep) -> JSONResponse:
    """OAuth 2.0 client credentials grant: HTTP Basic (or form) client authentication."""
    if request.url.scheme != "https":
        raise OAuthError("invalid_request", "HTTPS required", 400)
    body = (await request.body()).decode("utf-8", errors="replace")
    form = dict(parse_qsl(body, keep_blank_values=True))
    client_id, secret = _client_credentials(request, form)
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", "grant_type must be client_credentials", 400)
    with app.unit_of_work() as uow:
        issued = host.issue_token(uow.session, client_id, secret)
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        },
        headers=_NO_STORE,
    )


@router.get("/3/footprints")
def list_footprints(request: Request, app: AppDep) -> JSONResponse:
    """Action ListFootprints: the filters of the specification, Link-header pages."""
    _https(request)
    params = list(request.query_params.multi_items())
    try:
        query = parse_query(params)
    except ProtocolError as error:
        raise BadRequestError(str(error)) from None
    with app.unit_of_work() as uow:
        partner = host.partner_of_token(uow.session, request.headers.get("authorization"))
        page, total, limit = host.list_footprints(uow.session, partner, query)
    headers: dict[str, str] = {}
    if total > limit or query.limit is not None:
        headers["Link"] = link_header(
            f"{_base(request)}/3/footprints", params, offset=query.offset, limit=limit, total=total
        )
    return JSONResponse({"data": page}, headers=headers)


@router.get("/3/footprints/{pf_id}")
def get_footprint(pf_id: str, request: Request, app: AppDep) -> JSONResponse:
    """Action GetFootprint."""
    _https(request)
    with app.unit_of_work() as uow:
        partner = host.partner_of_token(uow.session, request.headers.get("authorization"))
        document = host.get_footprint(uow.session, partner, pf_id)
    return JSONResponse({"data": document})


@router.post("/3/events")
async def receive_event(request: Request, app: AppDep, tasks: BackgroundTasks) -> Response:
    """Action Events: CloudEvents in structured mode; RequestCreated answered later."""
    _https(request)
    raw = await request.body()
    with app.unit_of_work() as uow:
        partner = host.partner_of_token(uow.session, request.headers.get("authorization"))
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ("application/cloudevents+json", "application/json"):
        raise BadRequestError(
            f"Content-Type: expected application/cloudevents+json, got {media or 'none'!r}"
        )
    try:
        event: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("the body is not JSON: expected a CloudEvent") from None
    with app.unit_of_work() as uow:
        partner = host.partner_of_token(uow.session, request.headers.get("authorization"))
        pending = events.receive(
            uow.session,
            partner,
            event,
            our_base_url=_base(request),
            test_mode=app.settings.pact_test_mode,
        )
    if pending is not None:
        tasks.add_task(_deliver, app, http_for(request), pending)
    return Response(status_code=200)


def _pact_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PactError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(
        {"code": error.code, "message": error.message}, status_code=error.status, headers=headers
    )


def _oauth_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, OAuthError)
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="pact"'
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers=headers,
    )


def install(web: FastAPI) -> None:
    """Mount the PACT endpoints and their error answers on ``web``."""
    web.include_router(router)
    web.add_exception_handler(PactError, _pact_error)
    web.add_exception_handler(OAuthError, _oauth_error)
