"""CloudEvents at our ``/3/events`` and the asynchronous answers to RequestCreated.

- :func:`receive` validates an event from an authenticated partner and records it.
  A RequestCreated event is accepted (200) only when its answer can be delivered: its
  ``source`` must be the partner's own PACT host (the connection linked to the partner),
  over HTTPS — or plain ``http://`` on the loopback in test mode. Otherwise it is refused
  at once with 400, as the specification asks of a host that "can immediately determine
  that it will not be able to handle this request".
- :func:`deliver` answers one accepted request after the response went out: the
  footprints the partner may see that match the request's criteria, as a
  RequestFulfilled event, or a RequestRejected event (NotFound) when none match. The
  answer is POSTed to the source's ``/3/events`` with a token from the partner's host.
  A failed delivery stays "pending" with the reason; :func:`deliver_pending` retries.
- RequestFulfilled / RequestRejected events answer requests we sent (see
  :func:`tanji.services.pact.client.send_request`): fulfilled footprints are checked and
  kept as suppliers' footprints with the partner host as their source.
- PublishedEvent is recorded (its ids must be footprint UUIDs).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import PactConnectionRow, PactEventRow, PactPartnerRow
from tanji.io.pact_protocol import (
    FULFILLED,
    REJECTED,
    REQUESTED,
    ProtocolError,
    check_event,
    matches,
    new_event,
    query_of_request,
)
from tanji.services.errors import InvalidInputError
from tanji.services.pact.client import Store, post_event, store_fetched
from tanji.services.pact.errors import AccessDeniedError, BadRequestError, PartnerHostError
from tanji.services.pact.host import servable

__all__ = ["deliver", "deliver_pending", "receive", "received"]


def _callback(
    session: Session, partner: PactPartnerRow, source: str, *, test_mode: bool
) -> tuple[str, PactConnectionRow]:
    """Where the answer to a request from ``source`` goes, and with which credentials."""
    conn = session.get(PactConnectionRow, partner.connection_id) if partner.connection_id else None
    if conn is None:
        raise BadRequestError(
            "This host cannot answer your requests: no PACT host of yours is registered "
            "with your client credentials here; ask the data owner to register it"
        )
    base = urlsplit(conn.base_url)
    target = urlsplit(source if "://" in source else f"{base.scheme}:{source}")
    if (target.scheme, target.hostname, target.port) != (base.scheme, base.hostname, base.port):
        raise BadRequestError(
            f"source: {source!r} is not your registered PACT host {conn.base_url!r}; "
            "answers go to the registered host only"
        )
    loopback = target.hostname in ("localhost", "127.0.0.1", "::1")
    if target.scheme != "https" and not (test_mode and loopback):
        raise BadRequestError(f"source: {source!r}: answers are sent over HTTPS only")
    path = target.path.rstrip("/")
    path = path if path.endswith("/3/events") else f"{path}/3/events"
    return f"{target.scheme}://{target.netloc}{path}", conn


def receive(
    session: Session,
    partner: PactPartnerRow,
    event: object,
    *,
    our_base_url: str,
    test_mode: bool = False,
) -> int | None:
    """Record a CloudEvent from ``partner``; the id of a request to answer, if any."""
    try:
        kind = check_event(event)
    except ProtocolError as error:
        raise BadRequestError(str(error)) from None
    assert isinstance(event, dict)
    row = PactEventRow(
        org_id=partner.org_id,
        direction="in",
        partner_id=partner.id,
        event_id=event["id"][:200],
        event_type=kind,
        source=event["source"],
        body=json.dumps(event, ensure_ascii=False),
        state="received",
    )
    if kind == REQUESTED:
        duplicate = session.scalar(
            select(PactEventRow.id).where(
                PactEventRow.partner_id == partner.id,
                PactEventRow.direction == "in",
                PactEventRow.event_id == row.event_id,
                PactEventRow.source == row.source,
                PactEventRow.event_type == REQUESTED,
            )
        )
        if duplicate is not None:
            return None  # CloudEvents: source + id identify an event; answered once
        row.reply_to, _ = _callback(session, partner, event["source"], test_mode=test_mode)
        row.reply_source = our_base_url.rstrip("/")
        row.state = "pending"
    elif kind in (FULFILLED, REJECTED):
        _answer_to_us(session, partner, event, kind)
        row.state = "fulfilled" if kind == FULFILLED else "rejected"
    session.add(row)
    session.flush()
    return row.id if kind == REQUESTED else None


def _answer_to_us(
    session: Session, partner: PactPartnerRow, event: dict[str, Any], kind: str
) -> None:
    data = event["data"]
    request = session.scalar(
        select(PactEventRow).where(
            PactEventRow.org_id == partner.org_id,
            PactEventRow.direction == "out",
            PactEventRow.event_id == data["requestEventId"],
        )
    )
    if request is None:
        raise BadRequestError(
            f"data.requestEventId: no request {data['requestEventId']!r} was sent"
        )
    if request.connection_id is None or request.connection_id != partner.connection_id:
        raise AccessDeniedError("This request was sent to another host; it is not yours to answer")
    conn = session.get(PactConnectionRow, request.connection_id)
    assert conn is not None
    if kind == FULFILLED:
        for i, document in enumerate(data["pfs"]):
            pf_id = document.get("id", "")
            try:
                store_fetched(session, document, f"{conn.base_url}/3/footprints/{pf_id}")
            except InvalidInputError as error:
                raise BadRequestError(f"data.pfs[{i}]: {error}") from None
    request.state = "fulfilled" if kind == FULFILLED else "rejected"
    request.answer = json.dumps(event, ensure_ascii=False)
    request.answered_at = utcnow()


def _answer_event(session: Session, row: PactEventRow) -> dict[str, Any]:
    """The RequestFulfilled or RequestRejected event that answers request ``row``."""
    request = json.loads(row.body)
    partner = session.get(PactPartnerRow, row.partner_id)
    assert partner is not None
    query = query_of_request(request["data"])
    found = (
        [d for d in servable(session, partner) if matches(d, query)]
        if query.criteria and partner.active
        else []
    )
    if found:
        data: dict[str, Any] = {"requestEventId": request["id"], "pfs": found}
        return new_event(FULFILLED, row.reply_source, data)
    message = (
        "The request names no criteria"
        if not query.criteria
        else "No footprint released to you matches the request"
    )
    code = "BadRequest" if not query.criteria else "NotFound"
    error = {"code": code, "message": message}
    return new_event(REJECTED, row.reply_source, {"requestEventId": request["id"], "error": error})


def deliver(store: Store, http: httpx.Client, event_row_id: int) -> str:
    """Answer one accepted request; its state afterwards ("answered" or "pending")."""
    with store.unit_of_work() as uow:
        row = uow.session.get(PactEventRow, event_row_id)
        if row is None or row.state != "pending":
            return row.state if row is not None else "missing"
        partner = uow.session.get(PactPartnerRow, row.partner_id)
        conn = (
            uow.session.get(PactConnectionRow, partner.connection_id)
            if partner is not None and partner.connection_id
            else None
        )
        answer = _answer_event(uow.session, row)
        url = row.reply_to
        if conn is not None:
            uow.session.expunge(conn)
    problem = ""
    if conn is None:
        problem = "the partner's PACT host is no longer registered"
    else:
        try:
            post_event(http, conn, url, answer)
        except PartnerHostError as error:
            problem = str(error)
    with store.unit_of_work() as uow:
        row = uow.session.get(PactEventRow, event_row_id)
        assert row is not None
        row.attempts += 1
        row.note = problem
        if not problem:
            row.state = "answered"
            row.answer = json.dumps(answer, ensure_ascii=False)
            row.answered_at = utcnow()
        return row.state


def deliver_pending(store: Store, http: httpx.Client) -> dict[int, str]:
    """Retry every request still waiting for its answer; event row id → state."""
    with store.unit_of_work() as uow:
        ids = list(
            uow.session.scalars(
                select(PactEventRow.id).where(
                    PactEventRow.direction == "in", PactEventRow.state == "pending"
                )
            )
        )
    return {i: deliver(store, http, i) for i in ids}


def received(session: Session, org_id: int, limit: int = 50) -> list[PactEventRow]:
    """The latest events received by the enterprise (newest first)."""
    return list(
        session.scalars(
            select(PactEventRow)
            .where(PactEventRow.org_id == org_id, PactEventRow.direction == "in")
            .order_by(PactEventRow.id.desc())
            .limit(limit)
        )
    )
