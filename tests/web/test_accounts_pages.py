"""Account pages: registering, signing in and out, CSRF, the session cookie, redirects,
the account page per role, API tokens shown once, the operator's organisation list."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from tests.web.conftest import PASSWORD, add_member, new_enterprise, random_uscc

from tanji.bootstrap import App
from tanji.domain.regions import JIANGSU_CITIES
from tanji.services.accounts import DEMO_ACCOUNTS, DEMO_USCC

OPERATOR_EMAIL, OPERATOR_PASSWORD, _ = DEMO_ACCOUNTS[0]
DEMO_ENTERPRISE_EMAIL = DEMO_ACCOUNTS[1][0]


def csrf_of(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next: str = "") -> Response:
    token = csrf_of(client.get("/login"))
    return client.post(
        "/login",
        data={"email": email, "password": password, "next": next, "csrf_token": token},
        follow_redirects=False,
    )


def registration(**changes: str) -> dict[str, str]:
    n = random_uscc()[-6:]
    return {
        "name": f"江苏注册测试有限公司{n}",
        "name_en": "Jiangsu Registration Test Co.",
        "uscc": random_uscc("320100"),
        "region": "CN-JS-NJ",
        "display_name": "王工",
        "email": f"register-{n.lower()}@example.com",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    } | changes


def post_registration(client: TestClient, form: dict[str, str]) -> Response:
    token = csrf_of(client.get("/register"))
    return client.post("/register", data=form | {"csrf_token": token}, follow_redirects=False)


def error_of(page: Response, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page.text)
    assert found, f"no error shown for {field}"
    return found.group(1)


# --- Registering -----------------------------------------------------------------------


def test_the_registration_form_lists_the_thirteen_cities(client: TestClient) -> None:
    page = client.get("/register")
    assert page.status_code == 200
    for city in JIANGSU_CITIES:
        assert f'<option value="{city.code}"' in page.text
        assert city.name_zh in page.text
    assert "Suzhou" in client.get("/register?lang=en").text


def test_an_enterprise_registers_and_is_signed_in(client: TestClient) -> None:
    form = registration()
    response = post_registration(client, form)
    assert response.status_code == 303
    assert response.headers["location"] == "/workspace"
    account = client.get("/account")
    assert account.status_code == 200
    assert form["name"] in account.text
    assert "王工" in account.text  # the header and the page
    assert "退出" in account.text


ZH, EN = "zh", "en"
FIELD_ERRORS = [
    ("uscc", {"uscc": "91320500TJ0DEM009X"}, "这不是有效的统一社会信用代码", "not a valid unified"),
    # The organisation code inside (characters 9–17) does not add up (GB 11714).
    (
        "uscc",
        {"uscc": "91320500TJ0DEM001Y"},
        "组织机构代码（第 9–17 位）校验不通过",
        "organisation code",
    ),
    # A Beijing code (110000) for an enterprise registered in Nanjing.
    ("uscc", {"uscc": random_uscc("110000")}, "不在南京市", "which is not in Nanjing"),
    (
        "uscc",
        {"uscc": DEMO_USCC, "region": "CN-JS-SZ"},
        "该统一社会信用代码已被注册",
        "already registered",
    ),
    ("email", {"email": DEMO_ENTERPRISE_EMAIL}, "该邮箱已有账户", "already has an account"),
    ("email", {"email": "not-an-address"}, "请输入电子邮箱地址", "Enter an email address"),
    (
        "password",
        {"password": "eleven-char", "password_confirm": "eleven-char"},  # 11: too short
        "密码至少 12 个字符",
        "Use at least 12 characters",
    ),
    ("password_confirm", {"password_confirm": "different-9"}, "两次输入的密码不一致", "differ"),
    ("name", {"name": ""}, "请按营业执照填写机构名称", "Enter the organisation's name"),
    ("region", {"region": ""}, "请选择机构注册所在的城市", "Choose the city"),
    ("display_name", {"display_name": ""}, "请填写姓名", "Enter the person's name"),
]


@pytest.mark.parametrize("language", [ZH, EN])
@pytest.mark.parametrize(
    ("field", "changes", "zh", "en"),
    FIELD_ERRORS,
    ids=[f"{f}-{i}" for i, (f, *_) in enumerate(FIELD_ERRORS)],
)
def test_registration_shows_each_problem_next_to_its_field_in_the_pages_language(
    client: TestClient,
    language: str,
    field: str,
    changes: dict[str, str],
    zh: str,
    en: str,
) -> None:
    client.cookies.set("lang", language)
    form = registration(**changes)
    page = post_registration(client, form)
    assert page.status_code == 422
    assert (zh if language == ZH else en) in error_of(page, field).replace("&#39;", "'")
    if form["name"]:
        assert f'value="{form["name"]}"' in page.text  # what was typed is kept
    assert client.get("/account", follow_redirects=False).status_code == 303  # not signed in


def test_every_problem_of_a_registration_is_shown_at_once(client: TestClient) -> None:
    page = post_registration(
        client, registration(uscc="123", email="x", password="1", password_confirm="2")
    )
    for field in ("uscc", "email", "password", "password_confirm"):
        error_of(page, field)


# --- Signing in and out ----------------------------------------------------------------


def test_sign_in_and_out(client: TestClient, tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    response = sign_in(client, person.email.upper())
    assert response.status_code == 303
    assert response.headers["location"] == "/workspace"
    account = client.get("/account")
    assert person.email in account.text
    assert client.post("/logout", data={"csrf_token": csrf_of(account)}).status_code == 200
    after = client.get("/account", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=%2Faccount"


@pytest.mark.parametrize("language", [ZH, EN])
def test_a_failed_sign_in_shows_one_message(
    client: TestClient, tanji_app: App, language: str
) -> None:
    client.cookies.set("lang", language)
    person = new_enterprise(tanji_app)
    wrong = sign_in(client, person.email, "wrong-password-1")
    unknown = sign_in(client, "nobody@example.com")
    message = "邮箱或密码不正确。" if language == ZH else "The email or password is not correct."
    for page in (wrong, unknown):
        assert page.status_code == 401
        assert message in page.text
    assert f'value="{person.email}"' in wrong.text


def test_failed_sign_ins_slow_down_their_source_but_never_lock_the_account(
    client: TestClient, tanji_app: App
) -> None:
    """Issue 19: ten wrong passwords used to lock the account for everyone. Now the
    source is slowed down (429, Retry-After, growing), and the owner, from elsewhere,
    signs in at once."""
    person = new_enterprise(tanji_app)
    for _ in range(5):
        assert sign_in(client, person.email, "wrong-password-1").status_code == 401
    held = sign_in(client, person.email)  # even the right password waits its turn
    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) >= 1
    assert "秒后再试" in held.text
    web = client.app
    with TestClient(web, base_url="http://testserver", client=("198.51.100.7", 4000)) as owner:
        assert sign_in(owner, person.email).status_code == 303


def test_the_session_cookie_is_http_only_and_same_site_lax(
    client: TestClient, tanji_app: App
) -> None:
    person = new_enterprise(tanji_app)
    response = sign_in(client, person.email)
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if "tanji_session=" in c]
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags


@pytest.mark.parametrize(
    ("next", "location"),
    [
        ("/account", "/account"),
        ("/factors?q=steel", "/factors?q=steel"),
        ("//evil.example/", "/workspace"),
        ("https://evil.example/", "/workspace"),
        ("/\\evil.example", "/workspace"),
        ("javascript:alert(1)", "/workspace"),
        ("", "/workspace"),
    ],
)
def test_sign_in_goes_back_to_local_paths_only(
    client: TestClient, tanji_app: App, next: str, location: str
) -> None:
    person = new_enterprise(tanji_app)
    response = sign_in(client, person.email, next=next)
    assert response.headers["location"] == location


def test_changes_without_the_csrf_token_are_refused(client: TestClient, tanji_app: App) -> None:
    person = new_enterprise(tanji_app)
    client.get("/login")
    refused = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert sign_in(client, person.email).status_code == 303
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/account").status_code == 200  # still signed in
    assert (
        client.post("/api/v1/tokens", json={"name": "t", "scopes": ["product.read"]}).status_code
        == 403
    )


# --- The account page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("viewer", set()),
        ("editor", {"tokens"}),
        ("admin", {"tokens", "members", "audit"}),
    ],
)
def test_the_account_page_shows_what_the_role_may_do(
    client: TestClient, tanji_app: App, role: str, sections: set[str]
) -> None:
    admin = new_enterprise(tanji_app)
    person = admin if role == "admin" else add_member(tanji_app, admin.actor, role)
    sign_in(client, person.email)
    page = client.get("/account")
    assert page.status_code == 200
    assert 'id="me"' in page.text
    shown = {s for s in ("tokens", "members", "audit") if f'id="{s}"' in page.text}
    assert shown == sections


def test_a_new_token_is_shown_once_and_works(client: TestClient, tanji_app: App) -> None:
    admin = new_enterprise(tanji_app)
    editor = add_member(tanji_app, admin.actor, "editor")
    sign_in(client, editor.email)
    page = client.get("/account")
    assert 'value="product.write"' in page.text
    assert 'value="result.publish"' not in page.text  # an editor may not publish
    created = client.post(
        "/account/tokens",
        data={"name": "ERP", "scopes": ["product.read"], "csrf_token": csrf_of(page)},
    )
    assert created.status_code == 201
    found = re.search(r'class="token-secret">(tj_[^<]+)<', created.text)
    assert found
    secret = found.group(1)
    again = client.get("/account")
    assert secret not in again.text
    assert secret[:8] in again.text  # the prefix identifies it
    me = TestClient(client.app).get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["scopes"] == ["product.read"]


def test_a_token_without_scopes_is_refused_with_a_message(
    client: TestClient, tanji_app: App
) -> None:
    admin = new_enterprise(tanji_app)
    sign_in(client, admin.email)
    page = client.post(
        "/account/tokens", data={"name": "x", "csrf_token": csrf_of(client.get("/account"))}
    )
    assert page.status_code == 422
    assert "请至少选择一项令牌权限" in error_of(page, "scopes")


def test_an_admin_adds_a_person_and_changes_a_role(client: TestClient, tanji_app: App) -> None:
    admin = new_enterprise(tanji_app)
    sign_in(client, admin.email)
    token = csrf_of(client.get("/account"))
    bad = client.post(
        "/account/members",
        data={"email": "nope", "role": "viewer", "password": PASSWORD, "csrf_token": token},
    )
    assert bad.status_code == 422
    assert "请输入电子邮箱地址" in error_of(bad, "member-email")
    added = client.post(
        "/account/members",
        data={
            "email": f"colleague-{random_uscc()[-5:].lower()}@example.com",
            "display_name": "李四",
            "role": "viewer",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert "成员已添加" in added.text
    (member_id,) = [
        m
        for m in re.findall(r'action="/account/members/(\d+)/role"', added.text)
        if int(m) != admin.actor.user_id
    ]
    changed = client.post(
        f"/account/members/{member_id}/role", data={"role": "editor", "csrf_token": token}
    )
    assert "角色已修改" in changed.text
    assert "变更了成员角色" in changed.text  # the audit log shows the change, in words
    assert '<del translate="no">查看者</del> → <ins translate="no">编辑</ins>' in changed.text
    last = client.post(
        f"/account/members/{admin.actor.user_id}/role", data={"role": "viewer", "csrf_token": token}
    )
    assert "唯一的管理员" in last.text


# --- The header and the operator's organisations ---------------------------------------


def test_the_header_offers_sign_in_and_register_to_visitors(client: TestClient) -> None:
    page = client.get("/")
    assert 'href="/login"' in page.text
    assert 'href="/register"' in page.text
    assert 'action="/logout"' not in page.text


def test_the_operator_lists_and_manages_organisations(client: TestClient, tanji_app: App) -> None:
    enterprise = new_enterprise(tanji_app)
    sign_in(client, enterprise.email)
    assert 'href="/admin/organisations"' not in client.get("/account").text
    assert client.get("/admin/organisations").status_code == 403
    client.cookies.clear()

    sign_in(client, OPERATOR_EMAIL, OPERATOR_PASSWORD)
    page = client.get("/admin/organisations")
    assert page.status_code == 200
    assert 'href="/admin/organisations"' in page.text
    assert "示范认证中心" in page.text
    token = csrf_of(page)
    registered = client.post(
        "/admin/organisations",
        data={
            "kind": "certification-body",
            "name": "测试认证中心" + random_uscc()[-4:],
            "region": "CN-JS-WX",
            "uscc": "",
            "admin_display_name": "",
            "admin_email": "",
            "csrf_token": token,
        },
    )
    assert "机构已登记" in registered.text
    no_reason = client.post(
        f"/admin/organisations/{enterprise.actor.org_id}/status",
        data={"status": "blacklisted", "reason": "", "csrf_token": token},
    )
    assert no_reason.status_code == 422
    assert "请说明列入黑名单的原因" in no_reason.text
    done = client.post(
        f"/admin/organisations/{enterprise.actor.org_id}/status",
        data={"status": "suspended", "reason": "核查中", "csrf_token": token},
    )
    assert "机构状态已修改" in done.text
    assert sign_in(TestClient(client.app), enterprise.email).status_code == 401
