"""The accounts API's answers: errors naming their fields, tokens shown once, the
OpenAPI description of every accounts endpoint. (Who may call what: the matrix.)"""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, new_enterprise, random_uscc, token_for

from tanji.bootstrap import App
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS, DEMO_USCC

ACCOUNT_PATHS = ("/api/v1/me", "/api/v1/register", "/api/v1/organisations", "/api/v1/tokens")


def registration(**changes: str) -> dict[str, str]:
    code = random_uscc("321000")
    return {
        "name": f"接口注册测试{code[-5:]}",
        "uscc": code,
        "region": "CN-JS-YZ",
        "display_name": "接口",
        "email": f"api-{code[-6:].lower()}@example.com",
        "password": PASSWORD,
    } | changes


def test_registration_errors_name_their_fields(client: TestClient) -> None:
    invalid = client.post("/api/v1/register", json=registration(uscc="123", password="x"))
    assert invalid.status_code == 422
    assert set(invalid.json()["error"]["fields"]) == {"uscc", "password"}
    taken = client.post("/api/v1/register", json=registration(uscc=DEMO_USCC, region="CN-JS-SZ"))
    assert taken.status_code == 409
    assert set(taken.json()["error"]["fields"]) == {"uscc"}
    created = client.post("/api/v1/register", json=registration())
    assert created.status_code == 201
    me = created.json()
    assert (me["role"], me["organisation"]["kind"], me["organisation"]["region"]) == (
        "admin",
        "enterprise",
        "CN-JS-YZ",
    )


def test_a_token_secret_is_returned_once(client: TestClient, tanji_app: App) -> None:
    admin = new_enterprise(tanji_app)
    secret = token_for(tanji_app, admin.actor, ["token.manage", "product.read"])
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post(
        "/api/v1/tokens", json={"name": "ci", "scopes": ["product.read"]}, headers=headers
    )
    assert created.status_code == 201
    new_secret = created.json()["secret"]
    listed = client.get("/api/v1/tokens", headers=headers)
    assert new_secret not in listed.text
    assert created.json()["prefix"] == new_secret[:8]
    refused = client.post(
        "/api/v1/tokens", json={"name": "wide", "scopes": ["result.publish"]}, headers=headers
    )
    assert refused.status_code == 403  # outside the calling token's scopes


def test_a_tokens_use_is_written_after_the_answer(client: TestClient, tanji_app: App) -> None:
    admin = new_enterprise(tanji_app)
    secret = token_for(tanji_app, admin.actor, ["token.manage", "product.read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/products", headers=headers).status_code == 200
    listed = client.get("/api/v1/tokens", headers=headers).json()["data"]
    (mine,) = [t for t in listed if t["prefix"] == secret[:8]]
    assert mine["last_used_at"] is not None  # noted in its own transaction, once a minute


def test_a_status_change_without_a_reason_to_blacklist_is_refused(
    client: TestClient, tanji_app: App
) -> None:
    target = new_enterprise(tanji_app)
    with tanji_app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
    headers = {"Authorization": f"Bearer {token_for(tanji_app, operator)}"}
    url = f"/api/v1/organisations/{target.actor.org_id}/status"
    refused = client.post(url, json={"status": "blacklisted"}, headers=headers)
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"reason"}
    done = client.post(url, json={"status": "blacklisted", "reason": "造假"}, headers=headers)
    assert done.json()["status"] == "blacklisted"
    audit = client.get(
        "/api/v1/audit",
        params={"action": "org.status", "entity_id": target.actor.org_id},
        headers=headers,
    ).json()
    (entry,) = audit["data"]
    assert (entry["before"]["status"], entry["after"]["reason"]) == ("active", "造假")


def test_every_accounts_endpoint_is_described(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = [
        (method, path, operation)
        for path, by_method in paths.items()
        if path.startswith(ACCOUNT_PATHS) or path == "/api/v1/audit"
        for method, operation in by_method.items()
    ]
    assert len(operations) == 12
    for method, path, operation in operations:
        assert operation.get("summary"), f"{method} {path} has no summary"
        assert operation.get("tags"), f"{method} {path} has no tags"
        ok = next(code for code in operation["responses"] if code.startswith("2"))
        if ok != "204":
            assert "$ref" in str(operation["responses"][ok]), f"{method} {path}: no model"
