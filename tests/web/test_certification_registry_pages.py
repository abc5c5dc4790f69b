"""The registry's pages on the demo: the department registers a body, the body's admin
keeps its staff and declares consultancy, the workspace shows the surveillance due —
refusals answered in Chinese on the form, never a 500."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace

from sqlalchemy import select
from tests.integration.test_mail import _Inbox
from tests.web.conftest import new_enterprise
from tests.web.test_certification_pages import csrf, signed_in
from tests.web.test_certification_pages import demo as demo  # the module's fixture
from tests.web.test_sessions import smtp_inbox as smtp_inbox  # an SMTP server on loopback

from tanji.bootstrap import App
from tanji.db.models import CertificateRow, NotificationRow, OrganisationRow
from tanji.domain.accounts import OrgKind
from tanji.services import accounts, logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.certification import bodies, registry
from tanji.services.certification.demo import CertificationDemo
from tanji.settings import SmtpSettings


def _body_org(app: App, demo: CertificationDemo) -> int:
    with app.unit_of_work() as uow:
        certificate = uow.session.get(CertificateRow, demo.certificate_id)
        assert certificate is not None
        return certificate.body_org_id


def _counted_staff(app: App, org_id: int) -> int:
    with app.unit_of_work() as uow:
        body_admin = logins.authenticate(uow.session, *DEMO_ACCOUNTS[2][:2])
        assert body_admin is not None
        return registry.staff_of(uow.session, body_admin, org_id).qualified


def test_the_department_registers_a_body_through_the_form(
    tanji_app: App, demo: CertificationDemo
) -> None:
    name = f"新认证机构 {secrets.token_hex(3)}"
    with tanji_app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
        org_id = accounts.register_organisation(
            uow.session, operator, OrgKind.CERTIFICATION_BODY, name
        )
    province = signed_in(tanji_app, *DEMO_ACCOUNTS[3][:2])
    page = province.get("/certification").text
    assert "登记认证机构" in page
    assert name in page
    token = csrf(province, "/certification")
    form = {"csrf_token": token, "org_id": str(org_id), "approval_number": "TEST-REG-1"}
    refused = province.post("/certification/bodies", data=form)
    assert refused.status_code == 422
    assert "请至少选择一个产品类别和一种认证类型" in refused.text
    number = f"TEST-REG-{secrets.token_hex(3)}"
    done = province.post(
        "/certification/bodies",
        data=form | {"approval_number": number, "categories": ["steel", "cement"],
                     "types": ["footprint"], "pilot_qualified": "true"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    entry = province.get(done.headers["location"]).text
    assert number in entry
    assert "钢铁 · 产品碳足迹" in entry  # the scope in words, not its codes
    assert "计入最低人数：0 / 10" in entry
    english = province.get("/certification?lang=en").text
    assert "Register a certification body" in english
    assert name not in english.split('id="register"')[1].split("</section>")[0]  # registered


def test_the_body_keeps_its_staff_and_declares_consultancy(
    tanji_app: App, demo: CertificationDemo
) -> None:
    org_id = _body_org(tanji_app, demo)
    body = signed_in(tanji_app, *DEMO_ACCOUNTS[2][:2])
    page = body.get(f"/certification/bodies/{org_id}").text
    # The demo's twelve staff, and any other tests of this store added (or marked left).
    counted = re.search(r"计入最低人数：(\d+) / 10", page)
    assert counted is not None
    assert int(counted.group(1)) == _counted_staff(tanji_app, org_id)
    assert "添加认证人员" in page
    token = csrf(body, f"/certification/bodies/{org_id}")
    missing = body.post(
        f"/certification/bodies/{org_id}/staff",
        data={"csrf_token": token, "name": "新人", "qualification": "CCAA"},
    )
    assert missing.status_code == 422
    assert "请填写开始从事碳足迹工作的日期" in missing.text
    added = body.post(
        f"/certification/bodies/{org_id}/staff",
        data={"csrf_token": token, "name": "新人甲", "qualification": "CCAA 产品碳足迹",
              "experience_since": "2025-06-01", "full_time": "true", "user_id": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303
    page = body.get(f"/certification/bodies/{org_id}").text
    assert "新人甲" in page
    # under two years: listed, not counted
    assert f"计入最低人数：{counted.group(1)} / 10" in page

    other = new_enterprise(tanji_app, "咨询对象")
    with tanji_app.unit_of_work() as uow:
        org = uow.session.get(OrganisationRow, other.actor.org_id)
        assert org is not None
        uscc = org.uscc
    wrong = body.post(
        f"/certification/bodies/{org_id}/declarations",
        data={"csrf_token": token, "uscc": "91320000XXXXXXXXXX", "started_on": "2020-01-01"},
    )
    assert wrong.status_code == 422
    assert "平台上没有使用该统一社会信用代码的组织" in wrong.text
    declared = body.post(
        f"/certification/bodies/{org_id}/declarations",
        data={"csrf_token": token, "uscc": uscc, "started_on": "2010-01-01",
              "ended_on": "2011-01-01", "staff_id": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert declared.status_code == 303
    listed = body.get(f"/certification/bodies/{org_id}").text
    assert "咨询对象" in listed
    assert "本机构" in listed

    # Another body's admin (the department here) sees the registry entry, not the forms.
    province = signed_in(tanji_app, *DEMO_ACCOUNTS[3][:2])
    seen = province.get(f"/certification/bodies/{org_id}").text
    assert "添加认证人员" not in seen
    assert "咨询对象" in seen  # overseers read the declarations


def test_the_workspace_shows_surveillance_due(tanji_app: App, demo: CertificationDemo) -> None:
    body = signed_in(tanji_app, *DEMO_ACCOUNTS[2][:2])
    page = body.get("/certification").text
    assert "获证后监督" in page
    assert "人员与咨询声明" in page


def test_a_notice_is_mailed_after_the_commit_and_not_for_a_refused_request(
    tanji_app: App, smtp_inbox: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_inbox
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="noreply@tanji.test")
    mailing = replace(tanji_app, settings=replace(tanji_app.settings, smtp=smtp))
    admin_email = f"body-{secrets.token_hex(4)}@example.com"
    with tanji_app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
        org_id = accounts.register_organisation(
            uow.session, operator, OrgKind.CERTIFICATION_BODY, f"邮件机构 {secrets.token_hex(3)}",
            admin_email=admin_email, admin_password="correct-horse-9",
        )  # fmt: skip
        bodies.register_body(
            uow.session, operator, org_id, approval_number=f"TEST-{secrets.token_hex(4)}",
            scope=[("general", "footprint")],
        )  # fmt: skip
    province = signed_in(mailing, *DEMO_ACCOUNTS[3][:2])
    token = csrf(province, "/account")
    url = f"/api/v1/certification/bodies/{org_id}/status"
    refused = province.post(url, json={"status": "closed", "reason": "x"},
                            headers={"X-CSRF-Token": token})  # fmt: skip
    assert refused.status_code == 422
    assert inbox.messages == []
    done = province.post(url, json={"status": "suspended", "reason": "邮件测试"},
                         headers={"X-CSRF-Token": token})  # fmt: skip
    assert done.status_code == 204
    (message,) = [m for m in inbox.messages if m["To"] == admin_email]
    assert message["Subject"].startswith("碳迹：")
    assert "暂停" in message["Subject"]
    with tanji_app.unit_of_work() as uow:
        statuses = set(
            uow.session.scalars(
                select(NotificationRow.email_status).where(NotificationRow.org_id == org_id)
            )
        )
    assert statuses == {"sent"}
