"""The service hub's pages and API: the public directory and policy section without a
login (zh-CN first, English on request), a provider's side (list, answer), an
enterprise's request, the policy forms, Markdown rendered without raw HTML, and bad
input answered 4xx on the form or in JSON."""

from __future__ import annotations

import re
import secrets

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, new_enterprise
from tests.web.test_certification_pages import csrf, signed_in

from tanji.bootstrap import App
from tanji.domain.accounts import OrgKind
from tanji.services import accounts, logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.hub.demo import DEMO_PROVIDER, load_hub_demo
from tanji.web.app import create_app


@pytest.fixture(scope="module")
def hub(tanji_app: App) -> App:
    with tanji_app.unit_of_work() as uow:
        accounts.demo_accounts(uow.session)
        load_hub_demo(uow.session)
    return tanji_app


def _provider(app: App) -> tuple[str, int]:
    email = f"sp-{secrets.token_hex(4)}@example.com"
    with app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
        org_id = accounts.register_organisation(
            uow.session, operator, OrgKind.SERVICE_PROVIDER, f"测试服务商 {email}",
            region="CN-JS-NJ", admin_email=email, admin_password=PASSWORD,
        )  # fmt: skip
    return email, org_id


def test_the_directory_and_the_policy_section_are_public(hub: App) -> None:
    with TestClient(create_app(hub)) as anonymous:
        page = anonymous.get("/providers")
        assert page.status_code == 200
        assert "服务机构" in page.text
        assert "产品碳足迹核算咨询（示范）" in page.text
        only_testing = anonymous.get("/providers?category=testing").text
        assert "能源计量与检测（示范）" in only_testing
        assert "产品碳足迹核算咨询（示范）" not in only_testing
        assert "产品绿色低碳设计（示范）" in anonymous.get("/providers?city=CN-JS-WX").text
        bad = anonymous.get("/providers?category=astrology")
        assert bad.status_code == 422
        assert "请选择一个服务类别" in bad.text
        english = anonymous.get("/providers?lang=en").text
        assert "Low-carbon consulting" in english
        service_id = re.search(r'href="/providers/services/(\d+)"', page.text)
        assert service_id
        detail = anonymous.get(f"/providers/services/{service_id.group(1)}?lang=zh").text
        assert "请以企业账号登录后提交需求" in detail

        listing = anonymous.get("/policy").text
        assert "江苏省产品碳足迹管理体系建设实施意见" in listing
        assert "示范" in listing
        item_id = re.search(r'href="/policy/(\d+)">江苏省', listing)
        assert item_id
        item = anonymous.get(f"/policy/{item_id.group(1)}").text
        assert "<blockquote>" in item  # Markdown rendered
        assert "江苏省发展改革委等六部门" in item  # the source
        assert (
            "Implementation opinions" in anonymous.get(f"/policy/{item_id.group(1)}?lang=en").text
        )
        api = anonymous.get("/api/v1/policy?kind=policy").json()
        assert [i["title"] for i in api] == ["江苏省产品碳足迹管理体系建设实施意见"]
        assert api[0]["illustrative"] is False
        services = anonymous.get("/api/v1/providers/services?category=consulting").json()
        assert any(s["demo"] for s in services)
        assert anonymous.get("/api/v1/providers/services?city=CN-XX").status_code == 422
        assert anonymous.get("/api/v1/providers/services/999999").status_code == 404


def test_an_enterprise_requests_and_the_provider_answers(hub: App) -> None:
    email, _ = _provider(hub)
    provider = signed_in(hub, email, PASSWORD)
    assert "我们的服务" in provider.get("/provider").text
    token = csrf(provider, "/provider")
    refused = provider.post("/provider/services", data={
        "csrf_token": token, "category": "legal", "city": "CN-JS-NJ", "title": " "})  # fmt: skip
    assert refused.status_code == 422
    assert "此项为必填项" in refused.text
    title = f"碳合规法律服务 {secrets.token_hex(3)}"
    added = provider.post("/provider/services", data={
        "csrf_token": token, "category": "legal", "city": "CN-JS-NJ", "title": title,
        "description": "出口碳合规", "contact": "平台留言"}, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    found = provider.get(f"/api/v1/providers/services?q={title}").json()
    assert [s["title"] for s in found] == [title]
    service_id = found[0]["id"]

    company = new_enterprise(hub, "需求企业")
    enterprise = signed_in(hub, company.email, PASSWORD)
    page = enterprise.get(f"/providers/services/{service_id}").text
    assert 'id="request-form"' in page
    token_e = csrf(enterprise, f"/providers/services/{service_id}")
    sent = enterprise.post(
        f"/providers/services/{service_id}/request",
        data={"csrf_token": token_e, "message": "请评估出口欧盟的碳合规要求"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert "需求已发送" in enterprise.get(sent.headers["location"]).text

    home = provider.get("/provider").text
    assert "请评估出口欧盟的碳合规要求" in home
    notices = provider.get("/notifications").text
    assert title in notices  # the in-app notice, and it opens the requests
    notice_id = re.search(r'action="/notifications/(\d+)/open"', notices)
    assert notice_id
    opened = provider.post(
        f"/notifications/{notice_id.group(1)}/open", data={"csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert opened.headers["location"] == "/provider#requests"
    request_id = re.search(r'action="/provider/requests/(\d+)/answer"', home)
    assert request_id
    answered = provider.post(f"/provider/requests/{request_id.group(1)}/answer", data={
        "csrf_token": token, "reply": "可以，请留电话"}, follow_redirects=False)  # fmt: skip
    assert answered.status_code == 303
    mine = enterprise.get("/providers/requests").text
    assert "可以，请留电话" in mine
    assert "已答复" in mine
    lists = enterprise.get("/api/v1/providers/requests").json()
    assert [r["status"] for r in lists["sent"]] == ["answered"]
    assert lists["received"] == []

    # The provider's API: a stale version is a conflict; taking it off the directory.
    headers = {"X-CSRF-Token": csrf(provider, "/account")}
    body = {"category": "legal", "city": "CN-JS-NJ", "title": title, "version": 99}
    stale = provider.put(f"/api/v1/providers/services/{service_id}", json=body, headers=headers)
    assert stale.status_code == 409
    body |= {"version": found[0]["version"], "active": False}
    done = provider.put(f"/api/v1/providers/services/{service_id}", json=body, headers=headers)
    assert done.status_code == 200
    assert enterprise.get(f"/providers/services/{service_id}").status_code == 404


def test_the_department_publishes_and_markdown_stays_safe(hub: App) -> None:
    province = signed_in(hub, *DEMO_ACCOUNTS[3][:2])
    assert 'id="publish-link"' in province.get("/policy").text
    token = csrf(province, "/policy/new")
    missing = province.post("/policy", data={
        "csrf_token": token, "kind": "training", "title": "培训", "body": "内容"})  # fmt: skip
    assert missing.status_code == 422
    assert "培训课程或活动须填写开始日期" in missing.text
    hostile = "## 议程\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(1)) **加粗**"
    done = province.post("/policy", data={
        "csrf_token": token, "kind": "event", "title": "碳足迹宣贯会（测试）", "body": hostile,
        "starts_on": "2027-04-01", "ends_on": "2027-04-01", "location": "苏州",
        "illustrative": "true"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    page = province.get(done.headers["location"]).text
    body = page.split('id="item-body"')[1].split("</article>")[0]
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript' not in body
    assert "<strong>加粗</strong>" in body
    assert "<h2>议程</h2>" in body
    edit = province.get(done.headers["location"] + "/edit").text
    version = re.search(r'name="version" value="(\d+)"', edit)
    assert version
    stale = province.post(done.headers["location"], data={
        "csrf_token": token, "version": "99", "kind": "event", "title": "改", "body": "x",
        "starts_on": "2027-04-01"})  # fmt: skip
    assert stale.status_code == 409
    with TestClient(create_app(hub)) as anonymous:
        assert anonymous.get("/policy/new", follow_redirects=False).status_code in (303, 401)
    company = new_enterprise(hub)
    enterprise = signed_in(hub, company.email, PASSWORD)
    assert enterprise.get("/policy/new").status_code == 403


def test_the_demo_provider_logs_in(hub: App) -> None:
    provider = signed_in(hub, *DEMO_PROVIDER[:2])
    assert "产品碳足迹核算咨询（示范）" in provider.get("/provider").text
