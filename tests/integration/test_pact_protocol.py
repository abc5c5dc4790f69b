"""PACT v3 protocol pieces without a server: query parsing, matching, Link headers,
CloudEvent checks (answers worked out by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.io.pact_protocol import (
    FULFILLED,
    PUBLISHED,
    REJECTED,
    REQUESTED,
    FootprintQuery,
    ProtocolError,
    check_event,
    link_header,
    matches,
    parse_query,
    query_of_request,
    validity,
)

DOC = {
    "id": "3b9d2f6a-1c4e-4a7b-9d2e-6f1a2b3c4d51",
    "status": "Active",
    "productIds": ["urn:gtin:1"],
    "companyIds": ["urn:uuid:a"],
    "productClassifications": ["urn:pact:productclassification:un-cpc:46410"],
    "pcf": {"geographyCountrySubdivision": "CN-JS", "referencePeriodEnd": "2025-01-01T00:00:00Z"},
}


def test_parse_query_repeats_case_and_refusals() -> None:
    query = parse_query(
        [("productid", "urn:gtin:1"), ("productId", "urn:gtin:2,urn:gtin:3"), ("limit", "5"),
         ("offset", "10"), ("validOn", "2025-06-01T00:00:00Z"), ("x-acme-invoice", "7")]
    )  # fmt: skip
    assert query.product_ids == ("urn:gtin:1", "urn:gtin:2", "urn:gtin:3")
    assert (query.limit, query.offset) == (5, 10)
    assert query.valid_on == datetime(2025, 6, 1, tzinfo=UTC)
    for bad in ([("$filter", "x")], [("limit", "ten")], [("validAfter", "2025-13")]):
        with pytest.raises(ProtocolError):
            parse_query(bad)


def test_validity_default_and_matching() -> None:
    start, end = validity(DOC)
    assert start == datetime(2025, 1, 1, tzinfo=UTC)
    assert end is not None
    assert (end - start).days == 3 * 365
    assert matches(DOC, FootprintQuery(geographies=("cn-js",), product_ids=("URN:GTIN:1", "x")))
    assert matches(DOC, FootprintQuery(geographies=("CN",)))  # CN holds CN-JS
    assert not matches(DOC, FootprintQuery(geographies=("C", "CN-SH", "DE")))
    assert matches(DOC, FootprintQuery(valid_on=datetime(2026, 1, 1, tzinfo=UTC)))
    assert not matches(DOC, FootprintQuery(valid_after=datetime(2025, 1, 1, tzinfo=UTC)))
    assert matches(DOC, FootprintQuery(valid_before=datetime(2029, 1, 1, tzinfo=UTC)))
    assert not matches(DOC, FootprintQuery(statuses=("Deprecated",)))


def test_link_header_pages() -> None:
    header = link_header(
        "https://h/3/footprints", [("geography", "CN"), ("limit", "2")], offset=2, limit=2, total=5
    )
    assert header == (
        '<https://h/3/footprints?geography=CN&offset=0&limit=2>; rel="first", '
        '<https://h/3/footprints?geography=CN&offset=0&limit=2>; rel="prev", '
        '<https://h/3/footprints?geography=CN&offset=4&limit=2>; rel="next", '
        '<https://h/3/footprints?geography=CN&offset=4&limit=2>; rel="last"'
    )


def _event(kind: str, data: object) -> dict[str, object]:
    return {"type": kind, "specversion": "1.0", "id": "e1", "source": "https://s",
            "time": "2025-01-01T00:00:00Z", "data": data}  # fmt: skip


def test_check_event_per_type() -> None:
    assert check_event(_event(PUBLISHED, {"pfIds": [DOC["id"]]})) == PUBLISHED
    assert check_event(_event(REQUESTED, {"productId": ["urn:gtin:1"]})) == REQUESTED
    assert check_event(_event(FULFILLED, {"requestEventId": "e0", "pfs": [DOC]})) == FULFILLED
    error = {"code": "NotFound", "message": "none"}
    assert check_event(_event(REJECTED, {"requestEventId": "e0", "error": error})) == REJECTED
    for bad in (
        _event(PUBLISHED, {"pfIds": ["urn:gtin:4712345060507"]}),
        _event(PUBLISHED, {"pfIds": []}),
        _event(REQUESTED, {"status": ["Bogus"]}),
        _event(FULFILLED, {"requestEventId": "e0", "pfs": []}),
        _event(REJECTED, {"requestEventId": "e0"}),
        {**_event(PUBLISHED, {"pfIds": [DOC["id"]]}), "time": "yesterday"},
    ):
        with pytest.raises(ProtocolError):
            check_event(bad)
    assert query_of_request({"productId": "urn:gtin:1"}).product_ids == ("urn:gtin:1",)
    assert not query_of_request({"comment": "x"}).criteria
