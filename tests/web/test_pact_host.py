"""The PACT v3.0 host: every endpoint and event of the specification, and every
requirement the official conformance suite (wbcsd/pact-conformance-service, its v3 test
cases summarised in ../shared/standards/pact/conformance/) places on a host.

Answers are validated against the official JSON Schema derived from the v3.0 OpenAPI
(../shared/standards/pact/schema/pact-v3.0.schema.json; skipped where absent).
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import select
from tests.web.conftest import new_enterprise

from tanji.bootstrap import App
from tanji.db.base import utcnow
from tanji.db.models import PactTokenRow
from tanji.domain.accounts import Actor
from tanji.io.pact import pact_format_checker
from tanji.services.pact import client, host, publish
from tanji.services.pact.testhost import illustrative_footprints
from tanji.web.app import create_app

REQUESTED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
EVENT_HEADERS = {"Content-Type": "application/cloudevents+json; charset=UTF-8"}
PARTNER_HOST = "https://partner.example"
CELL = "urn:pact:example.cn:product-id:lfp-280"
POWDER = "urn:pact:example.cn:product-id:lfp-cam"


@pytest.fixture(scope="module")
def official(shared_standards: Path) -> dict[str, Any]:
    path = shared_standards / "pact" / "schema" / "pact-v3.0.schema.json"
    if not path.is_file():
        pytest.skip(f"{path} not found: the PACT v3.0 schema is not in shared/standards")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def validator(official: dict[str, Any], name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/$defs/{name}", "$defs": official["$defs"]}
    return Draft202012Validator(schema, format_checker=pact_format_checker())


def assert_valid(official: dict[str, Any], name: str, instance: object) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator(official, name).iter_errors(instance)
    ]
    assert not errors, errors


@dataclass
class Host:
    """An enterprise serving two released footprints to one partner."""

    app: App
    http: TestClient
    actor: Actor
    partner_id: int
    client_id: str
    secret: str
    documents: list[dict[str, Any]]

    def token(self) -> str:
        answer = self.http.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.secret),
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}


def fresh_documents(company: str) -> list[dict[str, Any]]:
    """The illustrative footprints with new ids and a company id of this test's own."""
    documents = []
    for document in illustrative_footprints():
        document = copy.deepcopy(document)
        document["id"] = str(uuid.uuid4())
        document["companyIds"] = [company]
        documents.append(document)
    return documents


@pytest.fixture
def pact(tanji_app: App) -> Iterator[Host]:
    member = new_enterprise(tanji_app)
    company = f"urn:uuid:{uuid.uuid4()}"
    with tanji_app.unit_of_work() as uow:
        issued = host.add_partner(uow.session, member.actor, "Customer GmbH")
        rows = [
            host.add_footprint(uow.session, member.actor, d, released=True)
            for d in fresh_documents(company)
        ]
        for row in rows:
            host.grant(uow.session, member.actor, row.id, issued.partner_id, True)
        documents = [json.loads(r.document) for r in rows]
    with TestClient(create_app(tanji_app), base_url="https://testserver") as http:
        yield Host(
            tanji_app, http, member.actor, issued.partner_id, issued.client_id,
            issued.client_secret, documents,
        )  # fmt: skip


# --------------------------------------------------------------------------------------
# Authentication (conformance 1, 2, 9, 18, 19)
# --------------------------------------------------------------------------------------


def test_token_endpoint_grants_and_refuses_as_oauth_says(pact: Host) -> None:
    basic = base64.b64encode(f"{pact.client_id}:{pact.secret}".encode()).decode()
    ok = pact.http.post(
        "/auth/token",
        content="grant_type=client_credentials",
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert ok.headers["cache-control"] == "no-store"
    # client_secret_post is accepted as well
    posted = pact.http.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": pact.client_id,
            "client_secret": pact.secret,
        },
    )
    assert posted.status_code == 200
    wrong = pact.http.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(pact.client_id, "nope")
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = pact.http.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=("who", "nope")
    )
    assert unknown.status_code == 401
    assert "access_token" not in unknown.json()
    grant = pact.http.post(
        "/auth/token", data={"grant_type": "password"}, auth=(pact.client_id, pact.secret)
    )
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"
    # over plain HTTP no token is handed out
    plain = TestClient(pact.http.app, base_url="http://testserver")
    refused = plain.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(pact.client_id, pact.secret),
    )
    assert refused.status_code == 400
    assert "access_token" not in refused.json()
    discovery = pact.http.get("/.well-known/openid-configuration").json()
    assert discovery["token_endpoint"] == "https://testserver/auth/token"
    assert "client_credentials" in discovery["grant_types_supported"]


def test_bearer_tokens_invalid_expired_and_revoked(pact: Host) -> None:
    first = pact.documents[0]["id"]
    for path in ("/3/footprints", f"/3/footprints/{first}"):
        answer = pact.http.get(path, headers={"Authorization": "Bearer invalid-access-token"})
        assert answer.status_code == 401
        assert answer.json() == {"code": "BadRequest", "message": "Invalid token provided"}
        assert pact.http.get(path).status_code == 401
    token = pact.token()
    with pact.app.unit_of_work() as uow:
        row = uow.session.scalars(select(PactTokenRow).order_by(PactTokenRow.id.desc())).first()
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    expired = pact.http.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert expired.json()["code"] == "TokenExpired"
    # a rotated secret ends the old secret and its tokens
    token = pact.token()
    with pact.app.unit_of_work() as uow:
        rotated = host.rotate_secret(uow.session, pact.actor, pact.partner_id)
    assert (
        pact.http.get("/3/footprints", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    pact.secret = rotated.client_secret
    assert pact.http.get("/3/footprints", headers=pact.bearer()).status_code == 200
    with pact.app.unit_of_work() as uow:
        host.set_partner(uow.session, pact.actor, pact.partner_id, active=False)
    stopped = pact.http.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(pact.client_id, pact.secret)
    )
    assert stopped.status_code == 401


# --------------------------------------------------------------------------------------
# ListFootprints, GetFootprint (conformance 3-8, 10, 11, 20-39)
# --------------------------------------------------------------------------------------


def test_list_and_get_answer_schema_valid_footprints(pact: Host, official: dict[str, Any]) -> None:
    headers = pact.bearer()
    listed = pact.http.get("/3/footprints", headers=headers)
    assert listed.status_code == 200
    data = listed.json()["data"]
    assert [d["id"] for d in data] == [d["id"] for d in pact.documents]
    for document in data:
        assert_valid(official, "ProductFootprint", document)
        for name in ("created", "validityPeriodStart", "validityPeriodEnd"):
            assert document[name].endswith("Z")
    assert "#" not in data[0]["productClassifications"][0]
    one = pact.http.get(f"/3/footprints/{data[0]['id']}", headers=headers)
    assert one.status_code == 200
    assert one.json() == {"data": data[0]}
    missing = pact.http.get("/3/footprints/00000000-0000-0000-0000-000000000000", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "NotFound"
    assert_valid(official, "Error", missing.json())
    malformed = pact.http.get("/3/footprints/non-existent-id", headers=headers)
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "BadRequest"
    plain = TestClient(pact.http.app, base_url="http://testserver")
    for path in ("/3/footprints", f"/3/footprints/{data[0]['id']}"):
        refused = plain.get(path, headers=headers)
        assert refused.status_code == 400
        assert "data" not in refused.json()


def _ids(pact: Host, query: str, headers: dict[str, str]) -> list[str]:
    answer = pact.http.get(f"/3/footprints?{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    return [d["id"] for d in answer.json()["data"]]


def test_filters_or_within_and_across(pact: Host) -> None:
    headers = pact.bearer()
    cell, powder = (d["id"] for d in pact.documents)
    company = pact.documents[0]["companyIds"][0]
    cases = {
        "productId=urn:pact:example.cn:product-id:lfp-280": [cell],
        "productId=URN:PACT:EXAMPLE.CN:PRODUCT-ID:LFP-280": [cell],
        f"productId={CELL}&productId={POWDER}": [cell, powder],
        f"companyId={company}": [cell, powder],
        f"companyId={company}&companyId=urn:uuid:other&companyId=urn:uuid:another": [cell, powder],
        "geography=CN": [cell, powder],
        "geography=cn": [cell, powder],
        "classification=urn:pact:productclassification:un-cpc:46410": [cell],
        "validOn=2025-01-01T00:00:00Z": [cell, powder],
        "validAfter=2024-12-31T00:00:00Z": [cell, powder],
        "validBefore=2028-01-02T00:00:00Z": [cell, powder],
        "status=Active": [cell, powder],
        f"status=Active&productId={POWDER}": [powder],
        "productId=urn:bogus:product:nonexistent123": [],
        "companyId=urn:bogus:company:nonexistent456": [],
        "geography=XX": [],
        "classification=urn:bogus:classification:nonexistent789": [],
        "validOn=1900-01-01T00:00:00Z": [],
        "validAfter=2099-12-31T23:59:59Z": [],
        "validBefore=1900-01-01T00:00:00Z": [],
        "status=BogusStatusValue": [],
        "status=Deprecated": [],
        f"companyId={company}&productId=urn:bogus:product:nonexistent123": [],
        "companyId=urn:bogus:company:1&companyId=urn:bogus:company:2": [],
        "x-tanji-anything=1": [cell, powder],
    }  # fmt: skip
    for query, expected in cases.items():
        assert _ids(pact, query, headers) == expected, query
    with pact.app.unit_of_work() as uow:
        rows = {r.pf_id: r.id for r, _ in host.footprint_rows(uow.session, pact.actor)}
        host.deprecate(uow.session, pact.actor, rows[powder])
    assert _ids(pact, "status=Deprecated", headers) == [powder]
    assert _ids(pact, "status=active", headers) == [cell]
    assert _ids(pact, "", headers) == [cell, powder]  # deprecated ones are still listed
    for bad in ("$filter=created ge '2023-01-15T10:15:30Z'", "validOn=yesterday", "limit=-1"):
        answer = pact.http.get(f"/3/footprints?{bad}", headers=headers)
        assert answer.status_code == 400, bad
        assert answer.json()["code"] == "BadRequest", bad


def test_pagination_links(pact: Host, official: dict[str, Any]) -> None:
    headers = {**pact.bearer(), "Host": "pact.example.cn"}
    first = pact.http.get("/3/footprints?limit=1&geography=CN", headers=headers)
    assert first.status_code == 200
    assert len(first.json()["data"]) == 1
    links = first.links
    assert links["next"]["url"].startswith("https://pact.example.cn/3/footprints?")
    assert "geography=CN" in links["next"]["url"]
    assert "offset=1" in links["next"]["url"]
    assert "prev" not in links
    assert {"first", "last"} <= set(links)
    second = pact.http.get(
        links["next"]["url"].removeprefix("https://pact.example.cn"), headers=headers
    )
    assert second.status_code == 200
    assert [d["id"] for d in second.json()["data"]] == [pact.documents[1]["id"]]
    assert "next" not in second.links
    assert "prev" in second.links
    again = pact.http.get(
        links["next"]["url"].removeprefix("https://pact.example.cn"), headers=headers
    )
    assert again.json() == second.json()  # a pagination link can be called more than once
    assert not pact.http.get("/3/footprints", headers=headers).headers.get("link")


# --------------------------------------------------------------------------------------
# Who sees what: grants, releases, certificates
# --------------------------------------------------------------------------------------


def test_only_granted_released_or_certified_footprints_are_served(pact: Host) -> None:
    cell, powder = (d["id"] for d in pact.documents)
    with pact.app.unit_of_work() as uow:
        other = host.add_partner(uow.session, pact.actor, "Other customer")
        rows = {r.pf_id: r for r, _ in host.footprint_rows(uow.session, pact.actor)}
        host.release(uow.session, pact.actor, rows[powder].id, False)
    headers = pact.bearer()
    assert _ids(pact, "", headers) == [cell]
    withdrawn = pact.http.get(f"/3/footprints/{powder}", headers=headers)
    assert withdrawn.status_code == 403
    assert withdrawn.json()["code"] == "AccessDenied"
    other_token = pact.http.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(other.client_id, other.client_secret),
    ).json()["access_token"]
    other_headers = {"Authorization": f"Bearer {other_token}"}
    assert _ids(pact, "", other_headers) == []
    assert pact.http.get(f"/3/footprints/{cell}", headers=other_headers).status_code == 403
    with pact.app.unit_of_work() as uow:
        host.set_partner(uow.session, pact.actor, other.partner_id, sees_all=True)
    assert _ids(pact, "", other_headers) == [cell]
    # another enterprise's partner does not learn that the footprint exists
    stranger = new_enterprise(pact.app)
    with pact.app.unit_of_work() as uow:
        theirs = host.add_partner(uow.session, stranger.actor, "Stranger", sees_all=True)
    token = pact.http.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(theirs.client_id, theirs.client_secret),
    ).json()["access_token"]
    assert (
        pact.http.get(
            f"/3/footprints/{cell}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 404
    )


# --------------------------------------------------------------------------------------
# Events (conformance 12-17, 40) and the asynchronous answers
# --------------------------------------------------------------------------------------


def receiver() -> tuple[FastAPI, list[dict[str, Any]]]:
    """A partner's PACT host that issues tokens and records the events it receives."""
    got: list[dict[str, Any]] = []
    web = FastAPI()

    @web.post("/auth/token")
    def token() -> JSONResponse:
        return JSONResponse({"access_token": "partner-token", "token_type": "Bearer"})

    @web.post("/3/events")
    async def events(request: Request) -> Response:
        assert request.headers["authorization"] == "Bearer partner-token"
        assert request.headers["content-type"].startswith("application/cloudevents+json")
        got.append(json.loads(await request.body()))
        return Response(status_code=200)

    return web, got


def _event(kind: str, data: dict[str, Any], source: str = PARTNER_HOST) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"test-run-{uuid.uuid4()}",
        "source": source,
        "time": "2025-05-19T10:30:00Z",
        "type": kind,
        "data": data,
    }


def test_events_requests_answered_asynchronously(pact: Host, official: dict[str, Any]) -> None:
    headers = {**pact.bearer(), **EVENT_HEADERS}
    # Published: ids must be footprint UUIDs
    published = _event(PUBLISHED, {"pfIds": [str(uuid.uuid4())]})
    answer = pact.http.post("/3/events", json=published, headers=headers)
    assert answer.status_code == 200
    assert answer.content == b""
    malformed = _event(PUBLISHED, {"pfIds": ["urn:gtin:4712345060507"]})
    answer = pact.http.post("/3/events", json=malformed, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "BadRequest"
    invalid = pact.http.post(
        "/3/events", json=published, headers={**EVENT_HEADERS, "Authorization": "Bearer x"}
    )
    assert invalid.status_code == 401
    assert invalid.json()["code"] == "BadRequest"
    plain = TestClient(pact.http.app, base_url="http://testserver")
    assert plain.post("/3/events", json=published, headers=headers).status_code == 400
    for broken in (
        {**published, "specversion": "0.3"},
        {**published, "type": "org.example.Unknown"},
        {k: v for k, v in published.items() if k != "source"},
        [published],
    ):
        assert pact.http.post("/3/events", json=broken, headers=headers).status_code == 400
    assert pact.http.post("/3/events", content=b"{not json", headers=headers).status_code == 400
    assert (
        pact.http.post(
            "/3/events", json=published, headers={**headers, "Content-Type": "text/plain"}
        ).status_code
        == 400
    )
    # RequestCreated: refused at once while the partner's own host is unknown
    request = _event(REQUESTED, {"productId": ["urn:pact:example.cn:product-id:lfp-280"]})
    answer = pact.http.post("/3/events", json=request, headers=headers)
    assert answer.status_code == 400
    assert "register" in answer.json()["message"]
    partner_web, got = receiver()
    with pact.app.unit_of_work() as uow:
        conn = client.add_connection(
            uow.session, pact.actor, "Customer host", PARTNER_HOST, "our-id", "our-secret"
        )
        host.set_partner(uow.session, pact.actor, pact.partner_id, connection_id=conn.id)
    pact.http.app.state.pact_http = TestClient(partner_web, base_url=PARTNER_HOST)  # type: ignore[attr-defined]
    elsewhere = _event(REQUESTED, {"productId": ["x"]}, source="https://attacker.example")
    assert pact.http.post("/3/events", json=elsewhere, headers=headers).status_code == 400
    # fulfilled: the matching footprints, sent to the partner's /3/events
    assert pact.http.post("/3/events", json=request, headers=headers).status_code == 200
    with pact.app.unit_of_work() as uow:
        from tanji.services.pact.events import received

        notes = [e.note for e in received(uow.session, pact.actor.org_id)]
    assert len(got) == 1, notes
    fulfilled = got[0]
    assert fulfilled["type"] == "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
    assert fulfilled["data"]["requestEventId"] == request["id"]
    assert [p["id"] for p in fulfilled["data"]["pfs"]] == [pact.documents[0]["id"]]
    assert fulfilled["source"] == "https://testserver"
    assert fulfilled["time"].endswith("Z")
    assert_valid(official, "RequestFulfilledEvent", fulfilled)
    # the same event again is not answered twice
    assert pact.http.post("/3/events", json=request, headers=headers).status_code == 200
    assert len(got) == 1
    # rejected: nothing matches urn:pact:null
    null = _event(REQUESTED, {"productId": ["urn:pact:null"], "comment": "Please send."})
    assert pact.http.post("/3/events", json=null, headers=headers).status_code == 200
    rejected = got[1]
    assert rejected["type"] == "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
    assert rejected["data"] == {
        "requestEventId": null["id"],
        "error": {
            "code": "NotFound",
            "message": "No footprint released to you matches the request",
        },
    }
    assert_valid(official, "RequestRejectedEvent", rejected)
    # a request without criteria is answered with a rejection too
    empty = _event(REQUESTED, {"comment": "anything"})
    assert pact.http.post("/3/events", json=empty, headers=headers).status_code == 200
    assert got[2]["data"]["error"]["code"] == "BadRequest"
    with pact.app.unit_of_work() as uow:
        from tanji.services.pact.events import received

        states = [
            (e.event_type.rsplit(".", 2)[-2], e.state)
            for e in received(uow.session, pact.actor.org_id)
        ]
    assert ("RequestCreatedEvent", "answered") in states
    assert (
        "PublishedEvent",
        "received",
    ) in states


def _certified_result(app: App, org_id: int, *, expires: date) -> int:
    """A stored result of ``org_id`` (1.5 kg CO2e per kg) with a certificate."""
    from tanji.db.models import (
        CertificateRow,
        CertificationCaseRow,
        FootprintResultRow,
        OrganisationRow,
        ProductModelRow,
    )

    result = {
        "product": {
            "name": {"zh": "磷酸铁锂正极材料", "en": "LFP cathode material"},
            "company": "测试企业",
            "boundary": "cradle-to-gate",
            "reference_period": ["2024-01-01", "2024-12-31"],
        },
        "categories": {"fossil": 1.4, "biogenic": 0.0, "dluc": 0.1, "aircraft": 0.0},
        "data_quality": {"primary_share": 0.5},
    }
    with app.unit_of_work() as uow:
        s = uow.session
        body = OrganisationRow(kind="certification-body", name="认证机构", name_en="Cert Body")
        model = ProductModelRow(code=f"lfp-{uuid.uuid4()}", digest="0" * 64, document="{}")
        s.add_all([body, model])
        s.flush()
        row = FootprintResultRow(
            model_id=model.id, product_code=model.code, total=1.5, unit="kg CO2e", per="1 kg",
            method="IPCC AR6", fingerprint="f" * 64, pins="[]", result=json.dumps(result),
            org_id=org_id,
        )  # fmt: skip
        s.add(row)
        s.flush()
        case = CertificationCaseRow(
            applicant_org_id=org_id, body_org_id=body.id, result_id=row.id, category="battery",
            certification_type="footprint", declared_value=1.5, state="certified",
            applied_on=date.today(),
        )  # fmt: skip
        s.add(case)
        s.flush()
        s.add(
            CertificateRow(
                number=f"C-{uuid.uuid4().hex[:12]}",
                case_id=case.id,
                certification_type="footprint",
                category="battery",
                product_name="LFP",
                holder_org_id=org_id,
                body_org_id=body.id,
                result_id=row.id,
                declared_unit="1 kg",
                declared_value=1.5,
                unit="kg CO2e",
                rule_ref="",
                standard="ISO 14067",
                issued_on=date.today(),
                expires_on=expires,
            )
        )
        return row.id


def test_certified_result_published_and_served_without_release(
    pact: Host, official: dict[str, Any]
) -> None:
    """A result with a valid certificate is served as a verified footprint without an
    explicit release; once the certificate has expired it is no longer served."""
    from tanji.db.models import CertificateRow

    result_id = _certified_result(
        pact.app, pact.actor.org_id, expires=date.today() + timedelta(days=30)
    )
    details = publish.FootprintDetails(
        product_ids=["urn:pact:example.cn:product-id:lfp-cam-2"],
        company_ids=pact.documents[0]["companyIds"],
        product_category_cpc="34290",
    )
    with pact.app.unit_of_work() as uow:
        row = publish.publish_result(uow.session, pact.actor, result_id, details)
        host.grant(uow.session, pact.actor, row.id, pact.partner_id, True)
        pf_id = row.pf_id
    served = pact.http.get(f"/3/footprints/{pf_id}", headers=pact.bearer())
    assert served.status_code == 200
    document = served.json()["data"]
    assert_valid(official, "ProductFootprint", document)
    assert document["pcf"]["pcfIncludingBiogenicUptake"] == "1.5"
    assert document["pcf"]["landUseChangeGhgEmissions"] == "0.1"
    assert document["pcf"]["verification"] == {"providerName": "Cert Body"}
    assert document["pcf"]["geographyCountrySubdivision"] == "CN-JS"
    with pact.app.unit_of_work() as uow:
        certificate = uow.session.scalar(
            select(CertificateRow).where(CertificateRow.result_id == result_id)
        )
        assert certificate is not None
        certificate.expires_on = date.today() - timedelta(days=1)
    assert pact.http.get(f"/3/footprints/{pf_id}", headers=pact.bearer()).status_code == 403


def test_conformance_test_host_setup(tanji_app: App) -> None:
    """What ``tanji pact test-host`` sets up: a partner with the given credentials that
    sees two released footprints, and the suite's host registered for the answers."""
    from sqlalchemy import delete

    from tanji.db.models import PactFootprintRow
    from tanji.services.pact.testhost import set_up_test_host

    with tanji_app.unit_of_work() as uow:  # the illustrative ids are fixed: one host per store
        ids = [d["id"] for d in illustrative_footprints()]
        uow.session.execute(delete(PactFootprintRow).where(PactFootprintRow.pf_id.in_(ids)))
    secret = f"secret-{uuid.uuid4()}"
    client_id = f"suite-{uuid.uuid4().hex[:8]}"
    setup = set_up_test_host(
        tanji_app, client_id=client_id, client_secret=secret,
        callback_url="http://localhost:8004", callback_client_id="test_client_id",
        callback_client_secret="test_client_secret", test_mode=True,
    )  # fmt: skip
    assert setup.client_id == client_id
    with TestClient(create_app(tanji_app), base_url="https://testserver") as http:
        token = http.post(
            "/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        ).json()["access_token"]
        data = http.get("/3/footprints", headers={"Authorization": f"Bearer {token}"}).json()
    assert [d["id"] for d in data["data"]] == list(setup.footprint_ids)
    assert "#" not in data["data"][0]["productClassifications"][0]
