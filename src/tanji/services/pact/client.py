"""Tanji as a PACT v3.0 client: the partners' hosts an enterprise fetches footprints
from and sends requests to, with the client credentials each partner issued to it.

The HTTP calls go through an :class:`httpx.Client` the caller makes
(:func:`http_client`: the system's certificates, or ``TANJI_PACT_CA_FILE`` for a
partner's self-signed test certificate), so tests hand in one bound to an app.

A fetched footprint becomes a supplier's footprint (origin ``pact-api``) whose source
names the host URL it came from, so a product model's supplier line that uses it — and
the result pinned to it — carries that provenance.
"""

from __future__ import annotations

import json
import ssl
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import PactConnectionRow, PactEventRow
from tanji.db.session import UnitOfWork
from tanji.domain.accounts import Actor
from tanji.domain.suppliers import SupplierFootprint
from tanji.io.errors import DataFormatError
from tanji.io.pact import read_pact_object
from tanji.io.pact_protocol import REQUESTED, ProtocolError, new_event, query_of_request
from tanji.services.audit import audit
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.footprints import store_supplier
from tanji.services.pact.errors import PartnerHostError
from tanji.services.permissions import require_own_org

__all__ = [
    "EVENTS_MEDIA_TYPE",
    "Store",
    "add_connection",
    "connection",
    "connections",
    "fetch_footprint",
    "fetch_footprints",
    "http_client",
    "import_footprint",
    "post_event",
    "send_request",
    "sent_requests",
    "token_for",
]

EVENTS_MEDIA_TYPE = "application/cloudevents+json; charset=UTF-8"
_PAGES = 100  # pages followed at most when listing a partner's footprints


def http_client(ca_file: str | None = None, *, timeout: float = 10.0) -> httpx.Client:
    """The client partners' hosts are called with (no redirects followed: a token must
    not be sent where the partner did not name)."""
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
    return httpx.Client(verify=verify, timeout=timeout, follow_redirects=False)


def check_url(url: str, *, test_mode: bool) -> str:
    """A partner host's base URL: https, or plain http on the loopback in test mode."""
    parts = urlsplit(url.strip())
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "https" and parts.hostname:
        return url.strip().rstrip("/")
    if parts.scheme == "http" and loopback and test_mode:
        return url.strip().rstrip("/")
    raise InvalidInputError(
        f"base URL {url!r}: expected https://… (PACT requires HTTPS"
        + ("; plain http is accepted on the loopback in test mode)" if not test_mode else ")")
    )


def add_connection(
    session: Session,
    actor: Actor,
    name: str,
    base_url: str,
    client_id: str,
    client_secret: str,
    *,
    auth_url: str = "",
    test_mode: bool = False,
) -> PactConnectionRow:
    """Register a partner's PACT host and the credentials it issued to us."""
    require_own_org(actor, actor.org_id, "result.publish")
    if not name.strip() or not client_id.strip() or not client_secret:
        raise InvalidInputError("name, client id and client secret are all required")
    row = PactConnectionRow(
        org_id=actor.org_id,
        name=name.strip(),
        base_url=check_url(base_url, test_mode=test_mode),
        auth_url=check_url(auth_url, test_mode=test_mode) if auth_url.strip() else "",
        client_id=client_id.strip(),
        client_secret=client_secret,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit(
        session, actor, "pact.connection.add", "pact_connection", row.id, None,
        {"name": row.name, "base_url": row.base_url, "client_id": row.client_id},
    )  # fmt: skip
    return row


def connections(session: Session, actor: Actor) -> list[PactConnectionRow]:
    require_own_org(actor, actor.org_id, "product.read")
    return list(
        session.scalars(
            select(PactConnectionRow)
            .where(PactConnectionRow.org_id == actor.org_id)
            .order_by(PactConnectionRow.id)
        )
    )


def connection(session: Session, actor: Actor, connection_id: int) -> PactConnectionRow:
    row = session.get(PactConnectionRow, connection_id)
    if row is None or row.org_id != actor.org_id:
        raise NotFoundError(f"no partner host #{connection_id} in your organisation")
    return row


def _answer(response: httpx.Response, what: str) -> Any:
    if response.status_code >= 400:
        raise PartnerHostError(
            f"{what}: {response.request.url} answered {response.status_code} {response.text[:300]}"
        )
    try:
        return response.json()
    except ValueError:
        raise PartnerHostError(f"{what}: {response.request.url} did not answer JSON") from None


def _call(what: str, call: Any, *args: Any, **kwargs: Any) -> httpx.Response:
    try:
        response: httpx.Response = call(*args, **kwargs)
    except httpx.HTTPError as error:
        raise PartnerHostError(f"{what}: {args[0] if args else ''}: {error}") from None
    return response


def token_for(http: httpx.Client, conn: PactConnectionRow) -> str:
    """An access token from the partner's host: the token endpoint of its OpenID
    discovery document when it has one, else ``<auth base>/auth/token``."""
    base = conn.auth_url or conn.base_url
    endpoint = f"{base}/auth/token"
    try:
        found = http.get(f"{base}/.well-known/openid-configuration")
        if found.status_code == 200:
            named = found.json().get("token_endpoint")
            if isinstance(named, str) and urlsplit(named).hostname == urlsplit(base).hostname:
                endpoint = named
    except (httpx.HTTPError, ValueError, AttributeError):
        pass
    response = _call(
        "token",
        http.post,
        endpoint,
        data={"grant_type": "client_credentials"},
        auth=(conn.client_id, conn.client_secret),
    )
    body = _answer(response, "token")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise PartnerHostError(f"token: {endpoint} answered no access_token")
    return token


def fetch_footprints(
    http: httpx.Client, conn: PactConnectionRow, params: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """ListFootprints at the partner's host, following its ``Link: rel="next"`` pages."""
    headers = {"Authorization": f"Bearer {token_for(http, conn)}"}
    url: str | None = f"{conn.base_url}/3/footprints"
    found: list[dict[str, Any]] = []
    first = True
    for _ in range(_PAGES):
        if url is None:
            break
        response = _call(
            "list", http.get, url, params=(params or None) if first else None, headers=headers
        )
        first = False
        body = _answer(response, "ListFootprints")
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise PartnerHostError(f"ListFootprints: {url} answered no data list")
        found.extend(d for d in body["data"] if isinstance(d, dict))
        url = response.links.get("next", {}).get("url")
        if url and urlsplit(url).hostname != urlsplit(conn.base_url).hostname:
            raise PartnerHostError(f"ListFootprints: a next link to another host: {url}")
    return found


def fetch_footprint(http: httpx.Client, conn: PactConnectionRow, pf_id: str) -> dict[str, Any]:
    """GetFootprint at the partner's host."""
    headers = {"Authorization": f"Bearer {token_for(http, conn)}"}
    url = f"{conn.base_url}/3/footprints/{pf_id}"
    body = _answer(_call("get", http.get, url, headers=headers), "GetFootprint")
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise PartnerHostError(f"GetFootprint: {url} answered no data object")
    data: dict[str, Any] = body["data"]
    return data


def store_fetched(session: Session, document: dict[str, Any], url: str) -> SupplierFootprint:
    """A fetched ProductFootprint, checked and stored as a supplier's footprint."""
    try:
        supplier = read_pact_object(document, source=url)
    except DataFormatError as error:
        raise InvalidInputError(str(error)) from None
    parts = urlsplit(url)
    host = f"host:{parts.scheme}://{parts.netloc}"
    return store_supplier(session, supplier, origin="pact-api", publisher=host)


def import_footprint(
    session: Session, actor: Actor, http: httpx.Client, connection_id: int, pf_id: str
) -> SupplierFootprint:
    """Fetch one footprint from a partner's host and keep it as a supplier's footprint."""
    require_own_org(actor, actor.org_id, "product.write")
    conn = connection(session, actor, connection_id)
    document = fetch_footprint(http, conn, pf_id)
    supplier = store_fetched(session, document, f"{conn.base_url}/3/footprints/{pf_id}")
    audit(session, actor, "pact.import", "supplier_footprint", supplier.ref, None,
          {"connection_id": conn.id, "version": supplier.version})  # fmt: skip
    return supplier


def post_event(
    http: httpx.Client, conn: PactConnectionRow, url: str, event: dict[str, Any]
) -> None:
    """POST a CloudEvent to ``url`` (a partner's ``/3/events``) with a fresh token."""
    token = token_for(http, conn)
    response = _call(
        "event",
        http.post,
        url,
        content=json.dumps(event, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": EVENTS_MEDIA_TYPE},
    )
    if response.status_code >= 300:
        raise PartnerHostError(
            f"event: {url} answered {response.status_code} {response.text[:300]}"
        )


class Store(Protocol):
    """What the two-step calls need of the app (:class:`tanji.bootstrap.App` has it)."""

    def unit_of_work(self) -> UnitOfWork: ...


def send_request(
    store: Store,
    actor: Actor,
    http: httpx.Client,
    connection_id: int,
    criteria: dict[str, Any],
    *,
    our_base_url: str,
) -> int:
    """Send a RequestCreated event to a partner; its answer comes to our ``/3/events``
    (``our_base_url`` is this host's public base URL, the event's source).

    The request is stored (and committed) before it is sent, so a partner answering at
    once finds it; a failed send marks it "failed" and raises. Returns its event row id.
    """
    with store.unit_of_work() as uow:
        session = uow.session
        require_own_org(actor, actor.org_id, "product.write")
        conn = connection(session, actor, connection_id)
        try:
            query = query_of_request(criteria)
        except ProtocolError as error:
            raise InvalidInputError(str(error)) from None
        if not query.criteria:
            raise InvalidInputError("name at least one criterion (a product id, a company id, …)")
        event = new_event(REQUESTED, our_base_url.rstrip("/"), criteria)
        row = PactEventRow(
            org_id=actor.org_id,
            direction="out",
            connection_id=conn.id,
            event_id=event["id"],
            event_type=REQUESTED,
            source=event["source"],
            body=json.dumps(event, ensure_ascii=False),
            state="sent",
        )
        session.add(row)
        session.flush()
        row_id = row.id
        audit(session, actor, "pact.request", "pact_event", row.id, None,
              {"connection_id": conn.id, "event_id": event["id"]})  # fmt: skip
        session.expunge(conn)
    try:
        post_event(http, conn, f"{conn.base_url}/3/events", event)
    except PartnerHostError as error:
        with store.unit_of_work() as uow:
            failed = uow.session.get(PactEventRow, row_id)
            assert failed is not None
            failed.state = "failed"
            failed.note = str(error)
        raise
    return row_id


def sent_requests(session: Session, actor: Actor) -> list[PactEventRow]:
    require_own_org(actor, actor.org_id, "product.read")
    return list(
        session.scalars(
            select(PactEventRow)
            .where(PactEventRow.org_id == actor.org_id, PactEventRow.direction == "out")
            .order_by(PactEventRow.id.desc())
        )
    )
