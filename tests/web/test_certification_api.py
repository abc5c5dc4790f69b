"""Certification API v1: the role × endpoint matrix of every certification route,
tenant isolation between enterprises and bodies, and an audit entry for every change
(and every read of confidential evidence or footprints by the body).

Columns (:data:`CALLERS`): anonymous; the demo battery maker's admin (the applicant);
another enterprise's admin; the demo body's team lead (staff01, a body editor on the
team); the body's admin (not on the team); the provincial department's admin; the
platform operator. The cases are the certification demo's
(:func:`tanji.services.certification.demo.load_certification_demo`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import PASSWORD, new_enterprise

from tanji.bootstrap import App
from tanji.db.models import (
    AuditRow,
    CertificateRow,
    CertificationBodyRow,
    CertificationCaseRow,
    EvidenceRow,
    NotificationRow,
    OrganisationRow,
    StaffRow,
)
from tanji.domain.accounts import OrgKind
from tanji.services import accounts, logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.certification import bodies
from tanji.services.certification.demo import (
    DEMO_STAFF_PASSWORD,
    CertificationDemo,
    certification_demo,
    staff_email,
)
from tanji.web.app import create_app

ANON, APPLICANT, OTHER, LEAD = "anonymous", "applicant", "other-enterprise", "team-lead"
BODY, PROVINCE, PLATFORM = "body-admin", "province-admin", "platform-admin"
CALLERS = (ANON, APPLICANT, OTHER, LEAD, BODY, PROVINCE, PLATFORM)
KINDS = ("power-of-attorney", "business-licence", "process-flow", "materials-list",
         "management-system")  # fmt: skip


@dataclass(frozen=True)
class Call:
    url: str
    json: Any = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    data: dict[str, Any] | None = None


@dataclass
class World:
    app: App
    demo: CertificationDemo
    body_org_id: int
    clients: dict[str, TestClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    other_org_id: int = 0

    def case(self, case_id: int) -> CertificationCaseRow:
        with self.app.unit_of_work() as uow:
            row = uow.session.get(CertificationCaseRow, case_id)
            assert row is not None
            uow.session.expunge(row)
        return row

    def evidence_id(self) -> int:
        with self.app.unit_of_work() as uow:
            found = uow.session.scalar(
                select(EvidenceRow.id).where(EvidenceRow.case_id == self.demo.in_progress_case_id)
            )
        assert found is not None
        return found

    def certificate(self) -> str:
        with self.app.unit_of_work() as uow:
            row = uow.session.get(CertificateRow, self.demo.certificate_id)
            assert row is not None
            return row.number

    def applicant_notice(self) -> int:
        applicant = self.case(self.demo.in_progress_case_id).applicant_org_id
        with self.app.unit_of_work() as uow:
            found = uow.session.scalar(
                select(NotificationRow.id).where(
                    NotificationRow.org_id == applicant, NotificationRow.user_id.is_(None)
                )
            )
        assert found is not None
        return found

    def fresh_body(self) -> int:
        """A newly registered body (a target the department may suspend or blacklist)."""
        with self.app.unit_of_work() as uow:
            operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
            org_id = accounts.register_organisation(
                uow.session,
                operator,
                OrgKind.CERTIFICATION_BODY,
                f"矩阵认证 {secrets.token_hex(3)}",
            )
            bodies.register_body(
                uow.session, operator, org_id, approval_number=f"TEST-{secrets.token_hex(4)}",
                scope=[("general", "footprint")],
            )  # fmt: skip
        return org_id

    def fresh_org(self) -> int:
        """A new certification-body organisation, not yet in the registry."""
        with self.app.unit_of_work() as uow:
            operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
            return accounts.register_organisation(
                uow.session, operator, OrgKind.CERTIFICATION_BODY, f"新机构 {secrets.token_hex(3)}"
            )

    def staff_id(self) -> int:
        with self.app.unit_of_work() as uow:
            body_id = uow.session.scalar(
                select(CertificationBodyRow.id).where(
                    CertificationBodyRow.org_id == self.body_org_id
                )
            )
            found = uow.session.scalar(
                select(func.max(StaffRow.id)).where(StaffRow.body_id == body_id)
            )
        assert found is not None
        return int(found)

    def other_uscc(self) -> str:
        with self.app.unit_of_work() as uow:
            org = uow.session.get(OrganisationRow, self.other_org_id)
            assert org is not None
            assert org.uscc is not None
            return org.uscc

    def fresh_entry(self) -> int:
        org_id = self.fresh_body()
        with self.app.unit_of_work() as uow:
            operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
            return bodies.blacklist_body(
                uow.session, operator, org_id, reason="矩阵", authority="测试"
            )


def _application(world: World) -> Call:
    result_id = world.case(world.demo.in_progress_case_id).result_id
    files = [("files", (f"{k}.txt", f"示范 {k}".encode(), "text/plain")) for k in KINDS]
    data = {"result_id": str(result_id), "body_org_id": str(world.body_org_id),
            "management_system_since": "2020-01-01", "kinds": list(KINDS)}  # fmt: skip
    return Call("/api/v1/certification/cases", files=files, data=data)


def _case(suffix: str = "", **kwargs: Any) -> Callable[[World], Call]:
    def make(world: World) -> Call:
        return Call(f"/api/v1/certification/cases/{world.demo.in_progress_case_id}{suffix}",
                    **kwargs)  # fmt: skip

    return make


_OBSERVATION = {"text": "矩阵观察项", "kind": "observation"}
_EVIDENCE = {
    "files": [("file", ("site.txt", b"site photo", "text/plain"))],
    "data": {"kind": "other"},
}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict[str, int]
    request: Callable[[World], Call]


def row(
    method: str, path: str, *statuses: int, request: Callable[[World], Call] | None = None
) -> Row:
    assert len(statuses) == len(CALLERS), path
    return Row(method, path, dict(zip(CALLERS, statuses, strict=True)),
               request or (lambda _: Call(path)))  # fmt: skip


# fmt: off
#                                                   anon app  oth  lead body prov plat
ROWS = (
    row("GET", "/api/v1/certification/bodies",       401, 200, 200, 200, 200, 200, 200),
    # Only the competent department and the operator change a body's standing.
    row("POST", "/api/v1/certification/bodies/{org_id}/status",
                                                     401, 403, 403, 403, 403, 204, 204,
        request=lambda w: Call(f"/api/v1/certification/bodies/{w.fresh_body()}/status",
                               {"status": "suspended", "reason": "矩阵"})),
    row("POST", "/api/v1/certification/bodies/{org_id}/blacklist",
                                                     401, 403, 403, 403, 403, 201, 201,
        request=lambda w: Call(f"/api/v1/certification/bodies/{w.fresh_body()}/blacklist",
                               {"reason": "矩阵", "authority": "测试"})),
    row("POST", "/api/v1/certification/blacklist/{entry_id}/lift",
                                                     401, 403, 403, 403, 403, 204, 204,
        request=lambda w: Call(f"/api/v1/certification/blacklist/{w.fresh_entry()}/lift",
                               {"appeal": "申诉成立"})),
    # Everyone signed in lists the cases they may see (tested below for what they see).
    row("GET", "/api/v1/certification/cases",        401, 200, 200, 200, 200, 200, 200),
    # Only an enterprise's editors apply, for their own result (another's: 404).
    row("POST", "/api/v1/certification/cases",       401, 201, 404, 403, 403, 403, 403,
        request=_application),
    # A case: its parties and those who oversee; to anyone else it does not exist.
    row("GET", "/api/v1/certification/cases/{case_id}",
                                                     401, 200, 404, 200, 200, 200, 200,
        request=_case()),
    row("GET", "/api/v1/certification/cases/{case_id}/footprint",
                                                     401, 200, 404, 200, 200, 200, 200,
        request=_case("/footprint")),
    # A step is the process table's: raising a finding is the team's (the body's admin
    # is not on this team; the department oversees but takes no step).
    row("POST", "/api/v1/certification/cases/{case_id}/steps/{action}",
                                                     401, 403, 404, 200, 403, 403, 403,
        request=_case("/steps/raise-finding", json=_OBSERVATION)),
    row("POST", "/api/v1/certification/cases/{case_id}/evidence",
                                                     401, 201, 404, 201, 201, 404, 404,
        request=_case("/evidence", **_EVIDENCE)),
    row("GET", "/api/v1/certification/evidence/{evidence_id}",
                                                     401, 200, 404, 200, 200, 200, 200,
        request=lambda w: Call(f"/api/v1/certification/evidence/{w.evidence_id()}")),
    row("GET", "/api/v1/certification/statistics",   401, 403, 403, 403, 403, 200, 200),
    # A certificate is public, with its body's standing.
    row("GET", "/api/v1/certificates/{number}",      200, 200, 200, 200, 200, 200, 200,
        request=lambda w: Call(f"/api/v1/certificates/{w.certificate()}")),
    row("GET", "/api/v1/notifications",              401, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/notifications/{notice_id}/read",
                                                     401, 204, 404, 404, 404, 404, 404,
        request=lambda w: Call(f"/api/v1/notifications/{w.applicant_notice()}/read")),
    row("POST", "/api/v1/notifications/read-all",    401, 204, 204, 204, 204, 204, 204),
    # The registry: the department and the operator register a body; a body's admins keep
    # its staff and declarations (own body only); everyone signed in sees the staff list.
    row("POST", "/api/v1/certification/bodies",      401, 403, 403, 403, 403, 201, 201,
        request=lambda w: Call("/api/v1/certification/bodies", {
            "org_id": w.fresh_org(), "approval_number": f"TEST-{secrets.token_hex(4)}",
            "scope": [{"category": "general", "certification_type": "footprint"}]})),
    row("GET", "/api/v1/certification/bodies/{org_id}/staff",
                                                     401, 200, 200, 200, 200, 200, 200,
        request=lambda w: Call(f"/api/v1/certification/bodies/{w.body_org_id}/staff")),
    row("POST", "/api/v1/certification/bodies/{org_id}/staff",
                                                     401, 403, 403, 403, 201, 403, 403,
        request=lambda w: Call(f"/api/v1/certification/bodies/{w.body_org_id}/staff", {
            "name": "矩阵人员", "qualification": "CCAA", "experience_since": "2015-01-01"})),
    row("POST", "/api/v1/certification/bodies/{org_id}/staff/{staff_id}/active",
                                                     401, 403, 403, 403, 204, 403, 403,
        request=lambda w: Call(
            f"/api/v1/certification/bodies/{w.body_org_id}/staff/{w.staff_id()}/active",
            {"active": True})),
    row("GET", "/api/v1/certification/bodies/{org_id}/declarations",
                                                     401, 403, 403, 403, 200, 200, 200,
        request=lambda w: Call(f"/api/v1/certification/bodies/{w.body_org_id}/declarations")),
    # A declaration long past (it bars nobody today), for the other enterprise.
    row("POST", "/api/v1/certification/declarations",
                                                     401, 403, 403, 403, 201, 403, 403,
        request=lambda w: Call("/api/v1/certification/declarations", {
            "uscc": w.other_uscc(), "started_on": "2010-01-01", "ended_on": "2011-01-01"})),
    row("GET", "/api/v1/certification/surveillance", 401, 200, 200, 200, 200, 200, 200),
)
# fmt: on
#: The (method, path) of every certification route, for the main matrix's completeness test.
ROUTES = {(r.method, r.path) for r in ROWS}
CELLS = [(r, caller) for r in ROWS for caller in CALLERS]


def _csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


def _signed_in(web: Any, email: str, password: str) -> tuple[TestClient, str]:
    client = TestClient(web)
    form = {"email": email, "password": password, "csrf_token": _csrf(client, "/login")}
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303, email
    return client, _csrf(client, "/account")


@pytest.fixture(scope="module")
def world(tanji_app: App) -> Iterator[World]:
    with tanji_app.unit_of_work() as uow:
        demo = certification_demo(uow.session, tanji_app.backgrounds)
        body_org_id = uow.session.get(CertificateRow, demo.certificate_id).body_org_id  # type: ignore[union-attr]
    other = new_enterprise(tanji_app, "矩阵另一企业")
    built = World(tanji_app, demo, body_org_id, other_org_id=other.actor.org_id)
    web = create_app(tanji_app)
    with TestClient(web) as anonymous:
        people = {
            APPLICANT: DEMO_ACCOUNTS[1][:2], OTHER: (other.email, PASSWORD),
            LEAD: (staff_email(0), DEMO_STAFF_PASSWORD), BODY: DEMO_ACCOUNTS[2][:2],
            PROVINCE: DEMO_ACCOUNTS[3][:2], PLATFORM: DEMO_ACCOUNTS[0][:2],
        }  # fmt: skip
        for caller, (email, password) in people.items():
            built.clients[caller], built.csrf[caller] = _signed_in(web, email, password)
        built.clients[ANON], built.csrf[ANON] = anonymous, _csrf(anonymous, "/login")
        yield built


@pytest.mark.parametrize(
    ("entry", "caller"), CELLS, ids=[f"{r.method} {r.path} | {c}" for r, c in CELLS]
)
def test_cell(world: World, entry: Row, caller: str) -> None:
    call = entry.request(world)
    response = world.clients[caller].request(
        entry.method, call.url, json=call.json, files=call.files, data=call.data,
        headers={"X-CSRF-Token": world.csrf[caller]},
    )  # fmt: skip
    assert response.status_code == entry.expect[caller], response.text[:500]


def test_tenants_see_only_their_cases(world: World) -> None:
    def ids(caller: str) -> set[int]:
        found = world.clients[caller].get("/api/v1/certification/cases").json()
        return {c["id"] for c in found["cases"]}

    demo = {world.demo.in_progress_case_id, world.demo.refused_case_id}
    assert ids(OTHER) == set()
    assert demo <= ids(APPLICANT)
    assert demo <= ids(LEAD)
    assert demo <= ids(PROVINCE)
    for caller in (APPLICANT, LEAD):
        assert all(
            c["body_org_id"] == world.body_org_id
            for c in world.clients[caller].get("/api/v1/certification/cases").json()["cases"]
        )


def _status_change(w: World) -> Call:
    url = f"/api/v1/certification/bodies/{w.fresh_body()}/status"
    return Call(url, {"status": "revoked", "reason": "审计"})


def _listing(w: World) -> Call:
    url = f"/api/v1/certification/bodies/{w.fresh_body()}/blacklist"
    return Call(url, {"reason": "审计", "authority": "测试"})


def _lifting(w: World) -> Call:
    return Call(f"/api/v1/certification/blacklist/{w.fresh_entry()}/lift", {"appeal": "审计"})


def _evidence(w: World) -> Call:
    return Call(f"/api/v1/certification/evidence/{w.evidence_id()}")


def _audited(world: World, action: str) -> int:
    with world.app.unit_of_work() as uow:
        return int(
            uow.session.scalar(select(func.count(AuditRow.id)).where(AuditRow.action == action))
            or 0
        )


@pytest.mark.parametrize(
    ("caller", "method", "make", "action"),
    [
        (PROVINCE, "POST", _status_change, "certifier.status"),
        (PLATFORM, "POST", _listing, "certifier.blacklist"),
        (PROVINCE, "POST", _lifting, "certifier.blacklist-lift"),
        (APPLICANT, "POST", _application, "certification.apply"),
        (LEAD, "POST", _case("/steps/raise-finding", json=_OBSERVATION),
         "certification.raise-finding"),
        (BODY, "POST", _case("/evidence", **_EVIDENCE), "certification.evidence-add"),
        (LEAD, "GET", _evidence, "certification.evidence-read"),
        (LEAD, "GET", _case("/footprint"), "certification.footprint-read"),
    ],
    ids=["status", "blacklist", "lift", "apply", "step", "evidence-add", "evidence-read",
         "footprint-read"],
)  # fmt: skip
def test_every_change_and_confidential_read_is_audited(
    world: World, caller: str, method: str, make: Callable[[World], Call], action: str
) -> None:
    before = _audited(world, action)
    call = make(world)
    response = world.clients[caller].request(
        method, call.url, json=call.json, files=call.files, data=call.data,
        headers={"X-CSRF-Token": world.csrf[caller]},
    )  # fmt: skip
    assert response.status_code < 300, response.text[:300]
    assert _audited(world, action) == before + 1


def test_a_refused_step_names_its_reasons_and_the_blacklist_stops_the_body(world: World) -> None:
    url = f"/api/v1/certification/cases/{world.demo.in_progress_case_id}/steps"
    lead, headers = world.clients[LEAD], {"X-CSRF-Token": world.csrf[LEAD]}
    refused = lead.post(f"{url}/complete-document-review", json={}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["reasons"][0]["key"] == "certification.findings.open"
    province = world.clients[PROVINCE]
    listed = province.post(
        f"/api/v1/certification/bodies/{world.body_org_id}/blacklist",
        json={"reason": "虚假报告（测试）", "authority": "省市场监管局（测试）"},
        headers={"X-CSRF-Token": world.csrf[PROVINCE]},
    )
    assert listed.status_code == 201
    try:
        stopped = lead.post(f"{url}/raise-finding", json=_OBSERVATION, headers=headers)
        assert stopped.status_code == 409
        keys = {r["key"] for r in stopped.json()["error"]["reasons"]}
        assert "certification.body.blacklisted" in keys
        call = _application(world)
        applied = world.clients[APPLICANT].post(
            call.url, files=call.files, data=call.data,
            headers={"X-CSRF-Token": world.csrf[APPLICANT]},
        )  # fmt: skip
        assert applied.status_code == 409
        assert "certification.body.blacklisted" in {
            r["key"] for r in applied.json()["error"]["reasons"]
        }
        certificate = world.clients[ANON].get(f"/api/v1/certificates/{world.certificate()}").json()
        assert certificate["body_blacklisted"] is True
        assert certificate["body_in_good_standing"] is False
        case = lead.get(f"/api/v1/certification/cases/{world.demo.in_progress_case_id}").json()
        assert case["summary"]["frozen"] is True
    finally:
        lifted = province.post(
            f"/api/v1/certification/blacklist/{listed.json()['entry_id']}/lift",
            json={"appeal": "测试结束"}, headers={"X-CSRF-Token": world.csrf[PROVINCE]},
        )  # fmt: skip
        assert lifted.status_code == 204
