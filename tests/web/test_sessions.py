"""Server-side sessions, password change and reset, invitations and the second factor,
through the pages (both stores)."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from starlette.testclient import TestClient
from tests.integration.test_mail import _free_port, _Inbox
from tests.web.conftest import PASSWORD, Member, new_enterprise, token_for

from tanji.bootstrap import App
from tanji.db.models import AuditRow
from tanji.domain.totp import decode_secret, totp
from tanji.services import accounts
from tanji.settings import SmtpSettings
from tanji.web.app import create_app

NEW_PASSWORD = "battery-Cell-2026"
ZH = "zh"


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def browser(tanji_app: App, **options: bool) -> TestClient:
    return TestClient(create_app(tanji_app, **options), base_url="http://testserver")


def _cookie_payload(client: TestClient) -> dict[str, object]:
    value = client.cookies["tanji_session"]
    data = value.split(".")[0]
    payload: dict[str, object] = json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))
    return payload


def test_a_copied_cookie_stops_working_after_logout(client: TestClient, tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    sign_in(client, person.email)
    assert set(_cookie_payload(client)) == {"sid"}  # the cookie holds only the session's key
    copied = client.cookies["tanji_session"]
    token = csrf_of(client.get("/account").text)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    with browser(tanji_app) as thief:
        thief.cookies.set("tanji_session", copied)
        page = thief.get("/account", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")
        assert thief.get("/api/v1/tokens").status_code == 401
    with tanji_app.unit_of_work() as uow:
        actions = uow.session.scalars(
            select(AuditRow.action).where(AuditRow.actor_user_id == person.actor.user_id)
        ).all()
    assert {"login.success", "logout"} <= set(actions)


def test_a_password_change_ends_the_other_browsers_session(
    client: TestClient, tanji_app: App
) -> None:
    person = new_enterprise(tanji_app)
    sign_in(client, person.email)
    with browser(tanji_app) as other:
        sign_in(other, person.email)
        assert other.get("/account", follow_redirects=False).status_code == 200
        page = client.get("/account/security")
        assert page.text.count('action="/account/sessions/') == 2
        token = csrf_of(page.text)
        wrong = client.post(
            "/account/password",
            data={
                "current_password": "not-it-at-all",
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
                "csrf_token": token,
            },
        )
        assert wrong.status_code == 422
        assert "当前密码不正确" in wrong.text
        changed = client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
                "csrf_token": token,
            },
        )
        assert changed.status_code == 200
        assert "其他会话已结束" in changed.text
        assert other.get("/account", follow_redirects=False).status_code == 303
        assert client.get("/account", follow_redirects=False).status_code == 200


def test_the_sessions_page_ends_another_session(client: TestClient, tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    sign_in(client, person.email)
    with browser(tanji_app) as laptop:
        sign_in(laptop, person.email)
        page = client.get("/account/security?lang=en")
        assert "This browser" in page.text
        ids = re.findall(r'action="/account/sessions/(\d+)/end"', page.text)
        current = re.search(r'data-session="(\d+)">(?:(?!</tr>).)*This browser', page.text, re.S)
        assert current is not None
        (other_id,) = [i for i in ids if i != current.group(1)]
        ended = client.post(
            f"/account/sessions/{other_id}/end", data={"csrf_token": csrf_of(page.text)}
        )
        assert "The session was ended." in ended.text
        assert laptop.get("/account", follow_redirects=False).status_code == 303


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_reset_by_mail_answers_alike_and_the_link_works_once(
    tanji_app: App, smtp_inbox: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_inbox
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="noreply@tanji.test")
    mailing = replace(tanji_app, settings=replace(tanji_app.settings, smtp=smtp))
    person = new_enterprise(tanji_app)
    with browser(mailing) as visitor:
        answers = []
        for address in (person.email, f"nobody-{secrets.token_hex(4)}@example.com"):
            token = csrf_of(visitor.get("/password/forgot").text)
            answer = visitor.post("/password/forgot", data={"email": address, "csrf_token": token})
            answers.append((answer.status_code, answer.text.replace(token, "")))
        assert answers[0] == answers[1]  # the same page for a known and an unknown address
        (message,) = inbox.messages  # one mail, to the known address only
        assert message["To"] == person.email
        assert message["Subject"].startswith("碳迹：重置密码")
        body = message.get_body(("plain",))
        assert body is not None
        found = re.search(r"http://testserver(/password/reset/[\w-]+)", body.get_content())
        assert found, body.get_content()
        link = found.group(1)
        form = visitor.get(link)
        done = visitor.post(
            link,
            data={
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
                "csrf_token": csrf_of(form.text),
            },
        )
        assert "密码已修改" in done.text
        sign_in(visitor, person.email, NEW_PASSWORD)
        assert visitor.get(link).status_code == 404  # used up


def test_without_mail_an_admin_hands_over_a_reset_link(client: TestClient, tanji_app: App) -> None:
    admin = new_enterprise(tanji_app)
    address = f"editor-{secrets.token_hex(4)}@example.com"
    with tanji_app.unit_of_work() as uow:
        user_id = accounts.add_member(
            uow.session, admin.actor, admin.actor.org_id, address, "editor", password=PASSWORD
        )
    assert "不发送电子邮件" in client.get("/password/forgot").text
    sign_in(client, admin.email)
    token = csrf_of(client.get("/account").text)
    made = client.post(f"/account/members/{user_id}/reset-link", data={"csrf_token": token})
    assert made.status_code == 201
    found = re.search(r"http://testserver(/password/reset/[\w-]+)", made.text)
    assert found
    with browser(tanji_app) as member:
        form = member.get(found.group(1))
        member.post(
            found.group(1),
            data={
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
                "csrf_token": csrf_of(form.text),
            },
        )
        sign_in(member, address, NEW_PASSWORD)


def test_an_invited_person_accepts_and_nobody_is_added_unasked(
    client: TestClient, tanji_app: App
) -> None:
    admin = new_enterprise(tanji_app)
    elsewhere = new_enterprise(tanji_app, "另一家企业")
    sign_in(client, admin.email)
    token = csrf_of(client.get("/account").text)
    links = []
    for address in (elsewhere.email, f"new-{secrets.token_hex(4)}@example.com"):
        answer = client.post(
            "/account/invitations", data={"email": address, "role": "editor", "csrf_token": token}
        )
        assert answer.status_code == 201
        found = re.search(r"http://testserver(/invitations/[\w-]+)", answer.text)
        assert found
        links.append((address, found.group(1), answer.text.replace(address, "")))
    assert re.sub(r"/invitations/[\w-]+", "", links[0][2]) == re.sub(
        r"/invitations/[\w-]+", "", links[1][2]
    )  # the same answer whether or not the address has an account
    members = client.get("/account").text
    assert elsewhere.email in members  # listed as invited only
    assert 'action="/account/members/' + str(elsewhere.actor.user_id) not in members
    # The person with an account signs in and accepts.
    with browser(tanji_app) as invited:
        sign_in(invited, elsewhere.email)
        page = invited.get(links[0][1])
        accepted = invited.post(links[0][1], data={"csrf_token": csrf_of(page.text)})
        assert "你已加入该单位" in accepted.text
    # The new person makes an account from the link.
    with browser(tanji_app) as newcomer:
        page = newcomer.get(links[1][1])
        newcomer.post(
            links[1][1],
            data={
                "display_name": "新同事",
                "password": NEW_PASSWORD,
                "password_confirm": NEW_PASSWORD,
                "csrf_token": csrf_of(page.text),
            },
        )
        sign_in(newcomer, links[1][0], NEW_PASSWORD)
        assert newcomer.get(links[1][1]).status_code == 404  # used up
    listed = client.get("/account").text
    assert f'action="/account/members/{elsewhere.actor.user_id}/role"' in listed


def _department_admin(tanji_app: App) -> Member:
    email = f"city-{secrets.token_hex(4)}@example.com"
    with tanji_app.unit_of_work() as uow:
        operator = accounts.ensure_platform_admin(
            uow.session, "admin@tanji.example", "unused-pass-1"
        )
        accounts.register_organisation(
            uow.session,
            operator,
            "department-city",
            f"苏州市主管部门 {email}",
            region="CN-JS-SZ",
            admin_email=email,
            admin_password=PASSWORD,
        )
    return Member(email, PASSWORD, operator)


def test_a_department_admin_must_enrol_a_second_factor_and_then_give_it(
    tanji_app: App,
) -> None:
    person = _department_admin(tanji_app)
    with browser(tanji_app, admin_mfa_by_default=True) as web:
        token = csrf_of(web.get("/login").text)
        first = web.post(
            "/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert first.headers["location"] == "/account/mfa"
        assert web.get("/account", follow_redirects=False).status_code == 303  # nothing else
        page = web.get("/account/mfa")
        assert "必须使用第二重验证" in page.text
        assert 'src="data:image/svg+xml;base64,' in page.text
        found = re.search(r'class="token-secret">([A-Z2-7]+)<', page.text)
        assert found
        key = decode_secret(found.group(1))
        enrolled = web.post(
            "/account/mfa", data={"code": totp(key, time.time()), "csrf_token": csrf_of(page.text)}
        )
        codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", enrolled.text)
        assert len(codes) == 10
        assert web.get("/account", follow_redirects=False).status_code == 200
        token = csrf_of(web.get("/account").text)
        web.post("/logout", data={"csrf_token": token})
        # Next sign-in: password, then the second factor (a recovery code here, since
        # the current time step's code was used at enrolment).
        token = csrf_of(web.get("/login").text)
        second = web.post(
            "/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert second.headers["location"].startswith("/login/mfa")
        assert web.get("/account", follow_redirects=False).status_code == 303
        form = web.get("/login/mfa")
        wrong = web.post("/login/mfa", data={"code": "000000", "csrf_token": csrf_of(form.text)})
        assert wrong.status_code == 401
        done = web.post(
            "/login/mfa",
            data={"code": codes[0], "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert web.get("/account", follow_redirects=False).status_code == 200


def test_registration_is_rate_limited_per_source(client: TestClient) -> None:
    statuses = []
    for _ in range(12):
        token = csrf_of(client.get("/register").text)
        statuses.append(client.post("/register", data={"csrf_token": token}).status_code)
    assert statuses[:10] == [422] * 10
    assert statuses[-1] == 429
    token = csrf_of(client.get("/register").text)
    limited = client.post("/register", data={"csrf_token": token})
    assert int(limited.headers["Retry-After"]) > 0
    assert "请求过于频繁" in limited.text


def test_calculations_are_rate_limited_per_person(client: TestClient, tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    headers = {"Authorization": f"Bearer {token_for(tanji_app, person.actor)}"}
    missing = "/api/v1/products/999999999/calculate"
    statuses = [client.post(missing, headers=headers).status_code for _ in range(31)]
    assert statuses == [404] * 30 + [429]
    limited = client.post(missing, headers=headers)
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1


def test_cookies_are_secure_by_default_outside_the_demo(tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    for secure in (True, False):
        with browser(tanji_app, secure_by_default=secure) as web:
            token = csrf_of(web.get("/login").text)
            answer = web.post(
                "/login",
                data={"email": person.email, "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            (cookie,) = [
                c for c in answer.headers.get_list("set-cookie") if c.startswith("tanji_session=")
            ]
            assert ("secure" in cookie.lower()) is secure
    pinned = replace(tanji_app, settings=replace(tanji_app.settings, secure_cookies=False))
    with browser(pinned, secure_by_default=True) as web:  # TANJI_SECURE_COOKIES=0 wins
        token = csrf_of(web.get("/login").text)
        answer = web.post(
            "/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert "secure" not in answer.headers["set-cookie"].lower()


def test_an_admin_removes_a_members_lost_second_factor(client: TestClient, tanji_app: App) -> None:
    from tanji.services.auth import mfa

    admin = new_enterprise(tanji_app)
    address = f"editor-{secrets.token_hex(4)}@example.com"
    with tanji_app.unit_of_work() as uow:
        user_id = accounts.add_member(
            uow.session, admin.actor, admin.actor.org_id, address, "editor", password=PASSWORD
        )
        from tanji.services import logins

        editor = logins.authenticate(uow.session, address, PASSWORD)
        enrolment = mfa.begin_enrolment(uow.session, editor)
        moment = time.time()
        mfa.confirm_enrolment(
            uow.session, editor, totp(decode_secret(enrolment.secret), moment), unix_time=moment
        )
    sign_in(client, admin.email)
    token = csrf_of(client.get("/account").text)
    removed = client.post(f"/account/members/{user_id}/mfa/remove", data={"csrf_token": token})
    assert "第二重验证已移除" in removed.text
    with tanji_app.unit_of_work() as uow:
        assert not mfa.enrolled(uow.session, user_id)
