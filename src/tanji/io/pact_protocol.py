"""The PACT v3.0 exchange protocol at the edge: query filters, pagination links and
CloudEvents, as the Technical Specifications v3.0 (OpenAPI "3.0.4") define them.

- :func:`parse_query` reads ``GET /3/footprints``'s query string into a
  :class:`FootprintQuery` (``productId``, ``companyId``, ``geography``,
  ``classification`` repeatable; ``validOn``, ``validAfter``, ``validBefore``, ``status``,
  ``limit``; ``offset`` is ours, for the pagination links). Within a criterion the values
  are OR-ed, across criteria AND-ed; matches are case-insensitive. The v2 OData
  ``$filter`` was removed in v3 and is refused (400), as is a malformed date or limit.
- :func:`query_of_request` reads a RequestCreated event's ``data`` the same way.
- :func:`matches` tests a ProductFootprint document against a query. The validity period
  is ``validityPeriodStart``/``…End`` or, where absent, the spec's default: from
  ``pcf.referencePeriodEnd`` for three years.
- :func:`link_header` builds the RFC 8288 ``Link`` header (``first``, ``prev``,
  ``next``, ``last``; absolute URLs on the request's own host).
- :func:`check_event` validates a received CloudEvent (structured mode) and returns its
  type; :func:`new_event` makes one to send.

Every problem is a :class:`ProtocolError` whose message names the field and what was
expected; the web layer answers it as PACT's ``{"code": "BadRequest", "message": …}``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

__all__ = [
    "EVENT_TYPES",
    "FULFILLED",
    "PUBLISHED",
    "REJECTED",
    "REQUESTED",
    "FootprintQuery",
    "ProtocolError",
    "check_event",
    "link_header",
    "matches",
    "new_event",
    "pact_time",
    "parse_query",
    "query_of_request",
    "validity",
]

PUBLISHED: Final = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
REQUESTED: Final = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
FULFILLED: Final = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
REJECTED: Final = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
EVENT_TYPES: Final = (PUBLISHED, REQUESTED, FULFILLED, REJECTED)

_LIST_FILTERS: Final = {
    "productId": "product_ids",
    "companyId": "company_ids",
    "geography": "geographies",
    "classification": "classifications",
}
_DATE_FILTERS: Final = {
    "validOn": "valid_on",
    "validAfter": "valid_after",
    "validBefore": "valid_before",
}
_UUID: Final = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_DATE_TIME: Final = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$"
)
#: What a RequestCreated event asks of validity: PACT's default, 3 years from the end of
#: the reference period (v3.0 "validity period").
DEFAULT_VALIDITY: Final = timedelta(days=3 * 365)


class ProtocolError(ValueError):
    """A request or event breaks the PACT v3 protocol (answered 400 BadRequest)."""


@dataclass(frozen=True)
class FootprintQuery:
    """The filters of ListFootprints (or of a RequestCreated event); empty = no filter."""

    product_ids: tuple[str, ...] = ()
    company_ids: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    classifications: tuple[str, ...] = ()
    valid_on: datetime | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None
    statuses: tuple[str, ...] = ()
    limit: int | None = None
    offset: int = 0

    @property
    def criteria(self) -> bool:
        """True when the query filters anything (a RequestCreated event must)."""
        return any(
            (self.product_ids, self.company_ids, self.geographies, self.classifications,
             self.valid_on, self.valid_after, self.valid_before, self.statuses)
        )  # fmt: skip


def _moment(name: str, value: object) -> datetime:
    if not isinstance(value, str) or not _DATE_TIME.match(value.strip()):
        raise ProtocolError(
            f"{name}: expected an RFC 3339 date-time such as 2025-01-01T00:00:00Z, got {value!r}"
        )
    text = value.strip().replace("z", "Z").replace("Z", "+00:00").replace(" ", "T")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count(name: str, value: str) -> int:
    if not value.isdigit():
        raise ProtocolError(f"{name}: expected a whole number >= 0, got {value!r}")
    return int(value)


def parse_query(params: Sequence[tuple[str, str]]) -> FootprintQuery:
    """The filters of a ``GET /3/footprints`` query string (pairs, repeated names kept).

    Parameter names are matched case-insensitively (the spec's own example writes
    ``productid``); ``x-…`` parameters (host extensions) are ignored; ``$filter`` is
    refused.
    """
    lists: dict[str, list[str]] = {field: [] for field in _LIST_FILTERS.values()}
    dates: dict[str, datetime] = {}
    statuses: list[str] = []
    limit: int | None = None
    offset = 0
    names = {n.lower(): n for n in (*_LIST_FILTERS, *_DATE_FILTERS, "status", "limit", "offset")}
    for raw_name, value in params:
        name = names.get(raw_name.lower())
        if raw_name.startswith("$"):
            raise ProtocolError(
                f"{raw_name}: the OData $filter syntax of PACT v2 was removed in v3.0; "
                "use the filter parameters productId, companyId, geography, classification, "
                "validOn, validAfter, validBefore, status"
            )
        if name is None:
            continue
        if name in _LIST_FILTERS:
            lists[_LIST_FILTERS[name]].extend(v for v in value.split(",") if v)
        elif name in _DATE_FILTERS:
            dates[_DATE_FILTERS[name]] = _moment(name, value)
        elif name == "status":
            statuses.append(value)
        elif name == "limit":
            limit = _count("limit", value)
        else:
            offset = _count("offset", value)
    return FootprintQuery(
        product_ids=tuple(lists["product_ids"]),
        company_ids=tuple(lists["company_ids"]),
        geographies=tuple(lists["geographies"]),
        classifications=tuple(lists["classifications"]),
        valid_on=dates.get("valid_on"),
        valid_after=dates.get("valid_after"),
        valid_before=dates.get("valid_before"),
        statuses=tuple(statuses),
        limit=limit,
        offset=offset,
    )


def query_of_request(data: Mapping[str, Any]) -> FootprintQuery:
    """The criteria of a RequestCreated event's ``data`` (lists of strings, date-times)."""
    lists: dict[str, tuple[str, ...]] = {}
    for name, field in _LIST_FILTERS.items():
        value = data.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProtocolError(f"data.{name}: expected a list of strings, got {value!r}")
        lists[field] = tuple(value)
    dates = {
        field: _moment(f"data.{name}", data[name])
        for name, field in _DATE_FILTERS.items()
        if data.get(name) is not None
    }
    status = data.get("status", [])
    if isinstance(status, str):
        status = [status]
    if not isinstance(status, list) or not all(s in ("Active", "Deprecated") for s in status):
        raise ProtocolError(
            f'data.status: expected a list of "Active", "Deprecated", got {status!r}'
        )
    return FootprintQuery(**lists, **dates, statuses=tuple(status))  # type: ignore[arg-type]


def _lower(values: object) -> set[str]:
    if isinstance(values, str):
        return {values.lower()}
    if isinstance(values, list):
        return {v.lower() for v in values if isinstance(v, str)}
    return set()


def _within(pcf: Mapping[str, Any], geographies: tuple[str, ...]) -> bool:
    """Is the footprint within one of ``geographies``: its region, country or
    subdivision named, or the country of its subdivision (CN holds CN-JS)?"""
    names = _lower(
        [pcf.get(k) for k in ("geographyCountry", "geographyCountrySubdivision",
                              "geographyRegionOrSubregion")]
    )  # fmt: skip
    subdivision = str(pcf.get("geographyCountrySubdivision") or "").lower()
    for wanted in (g.lower() for g in geographies):
        if wanted in names or (subdivision and subdivision.startswith(f"{wanted}-")):
            return True
    return False


def validity(document: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A footprint's validity period: as stated, or PACT's default from the reference
    period's end for three years (``None`` where neither can be read)."""
    pcf = document.get("pcf") if isinstance(document.get("pcf"), dict) else {}
    assert isinstance(pcf, dict)
    try:
        start = (
            _moment("validityPeriodStart", document["validityPeriodStart"])
            if document.get("validityPeriodStart")
            else _moment("referencePeriodEnd", pcf.get("referencePeriodEnd"))
        )
    except ProtocolError:
        return None, None
    try:
        end = (
            _moment("validityPeriodEnd", document["validityPeriodEnd"])
            if document.get("validityPeriodEnd")
            else start + DEFAULT_VALIDITY
        )
    except ProtocolError:
        end = None
    return start, end


def matches(document: Mapping[str, Any], query: FootprintQuery) -> bool:
    """Does ``document`` (a ProductFootprint) pass every criterion of ``query``?"""
    pcf = document.get("pcf") if isinstance(document.get("pcf"), dict) else {}
    assert isinstance(pcf, dict)
    checks: list[tuple[tuple[str, ...], set[str]]] = [
        (query.product_ids, _lower(document.get("productIds"))),
        (query.company_ids, _lower(document.get("companyIds"))),
        (query.classifications, _lower(document.get("productClassifications"))),
        (query.statuses, _lower(document.get("status"))),
    ]
    for wanted, present in checks:
        if wanted and not any(w.lower() in present for w in wanted):
            return False
    if query.geographies and not _within(pcf, query.geographies):
        return False
    if query.valid_on or query.valid_after or query.valid_before:
        start, end = validity(document)
        if query.valid_on and not (
            start is not None and end is not None and start <= query.valid_on <= end
        ):
            return False
        if query.valid_after and not (start is not None and start > query.valid_after):
            return False
        if query.valid_before and not (end is not None and end < query.valid_before):
            return False
    return True


def link_header(
    base: str, params: Sequence[tuple[str, str]], *, offset: int, limit: int, total: int
) -> str:
    """The ``Link`` header of a page: ``base`` is the absolute URL of ``/3/footprints`` on
    the request's host; the filters of ``params`` are kept, ``offset``/``limit`` set."""
    kept = [(k, v) for k, v in params if k.lower() not in ("offset", "limit")]

    def url(at: int) -> str:
        return f"{base}?{urlencode([*kept, ('offset', str(at)), ('limit', str(limit))])}"

    last = max(0, (total - 1) // limit * limit) if limit else 0
    links = [f'<{url(0)}>; rel="first"']
    if offset > 0:
        links.append(f'<{url(max(0, offset - limit))}>; rel="prev"')
    if offset + limit < total:
        links.append(f'<{url(offset + limit)}>; rel="next"')
    links.append(f'<{url(last)}>; rel="last"')
    return ", ".join(links)


def pact_time(moment: datetime | None = None) -> str:
    """A UTC date-time as PACT examples write it: ``2025-03-05T17:31:00Z``."""
    moment = moment or datetime.now(UTC)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_event(event_type: str, source: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudEvent (spec 1.0, structured mode) of ``event_type`` from ``source``."""
    return {
        "type": event_type,
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "time": pact_time(),
        "data": dict(data),
    }


def _field(event: Mapping[str, Any], name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError(f"{name}: required, a non-empty string (CloudEvents attribute)")
    return value


def check_event(event: object) -> str:
    """Validate a received CloudEvent; return its type. Raises :class:`ProtocolError`."""
    if not isinstance(event, dict):
        raise ProtocolError("expected a CloudEvent: a JSON object")
    kind = _field(event, "type")
    if kind not in EVENT_TYPES:
        raise ProtocolError(f"type: expected one of {', '.join(EVENT_TYPES)}, got {kind!r}")
    if _field(event, "specversion") != "1.0":
        raise ProtocolError(f'specversion: expected "1.0", got {event["specversion"]!r}')
    _field(event, "id")
    _field(event, "source")
    _moment("time", event.get("time"))
    data = event.get("data")
    if not isinstance(data, dict):
        raise ProtocolError("data: required, a JSON object")
    if kind == PUBLISHED:
        ids = data.get("pfIds")
        if not isinstance(ids, list) or not ids:
            raise ProtocolError("data.pfIds: required, a non-empty list of footprint ids")
        for i, pf_id in enumerate(ids):
            if not isinstance(pf_id, str) or not _UUID.match(pf_id):
                raise ProtocolError(
                    f"data.pfIds[{i}]: expected a footprint id (UUID), got {pf_id!r}"
                )
    elif kind == REQUESTED:
        query_of_request(data)
        if "comment" in data and not isinstance(data["comment"], str):
            raise ProtocolError("data.comment: expected a string")
    else:
        if not isinstance(data.get("requestEventId"), str) or not data["requestEventId"]:
            raise ProtocolError("data.requestEventId: required, the id of the request event")
        if kind == FULFILLED:
            pfs = data.get("pfs")
            if not isinstance(pfs, list) or not pfs or not all(isinstance(p, dict) for p in pfs):
                raise ProtocolError("data.pfs: required, a non-empty list of ProductFootprints")
        else:
            error = data.get("error")
            if not isinstance(error, dict):
                raise ProtocolError("data.error: required, an object with code and message")
    return kind
