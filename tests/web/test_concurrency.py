"""Nothing lost under concurrency: real requests raced against the app under uvicorn,
on SQLite and on PostgreSQL (issue 19: 16 concurrent adds left 2 lines; a facts form
silently reverted another person's save).

Optimistic concurrency (docs/web.md): a product's version is its ETag; changes send it
back (If-Match, or the forms' hidden ``version``); a stale change is refused with 409/412
naming what changed; adds of different lines commute and all survive.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, add_member, new_enterprise, serving, token_for

from tanji.bootstrap import App

FACTS = {"name_zh": "并发产品", "declared_unit": "1 piece", "output": "10 piece",
         "boundary": "cradle-to-gate"}  # fmt: skip


@pytest.fixture(scope="module")
def server(tanji_app: App) -> Iterator[str]:
    with serving(tanji_app) as url:
        yield url


@dataclass
class Workspace:
    url: str
    api: dict[str, str]  # an admin's token
    browser: httpx.Client  # an editor signed in (cookie session)
    csrf: str
    product: int


def _sign_in(url: str, email: str) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=url, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
    assert token
    form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    assert browser.post("/login", data=form).status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/account").text)
    assert token
    return browser, token.group(1)


@pytest.fixture
def workspace(tanji_app: App, server: str) -> Iterator[Workspace]:
    admin = new_enterprise(tanji_app)
    editor = add_member(tanji_app, admin.actor, "editor")
    api = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor)}"}
    created = httpx.post(
        f"{server}/api/v1/products",
        json={"template": "general", "code": "race", "name_zh": "并发产品"},
        headers=api,
        timeout=60,
    )
    assert created.status_code == 201, created.text
    browser, csrf = _sign_in(server, editor.email)
    try:
        yield Workspace(server, api, browser, csrf, created.json()["id"])
    finally:
        browser.close()


def _line(i: int) -> dict[str, object]:
    return {"id": f"part-{i}", "stage": "raw_materials", "kind": "inline", "amount": i + 1,
            "unit": "kg", "inline": {"unit": "kg", "co2e_kg": 1.5, "publisher": "Test",
                                     "title": "A test value"}}  # fmt: skip


def test_sixteen_concurrent_adds_from_two_sessions_all_survive(workspace: Workspace) -> None:
    base = f"/api/v1/products/{workspace.product}"
    before = httpx.get(workspace.url + base, headers=workspace.api, timeout=60).json()["lines"]

    def by_api(i: int) -> int:
        response = httpx.post(
            f"{workspace.url}{base}/lines", json=_line(i), headers=workspace.api, timeout=60
        )
        return response.status_code

    def by_form(i: int) -> int:
        line = _line(i)
        form = {"csrf_token": workspace.csrf, "id": line["id"], "stage": "raw_materials",
                "kind": "inline", "amount": str(i + 1), "unit": "kg", "inline_unit": "kg",
                "inline_co2e": "1.5", "inline_publisher": "Test",
                "inline_title": "A test value"}  # fmt: skip
        path = f"/workspace/products/{workspace.product}/lines"
        return workspace.browser.post(path, data=form).status_code

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda i: by_api(i) if i % 2 else by_form(i), range(16)))
    assert sorted(answers) == [201] * 8 + [303] * 8, answers
    after = httpx.get(workspace.url + base, headers=workspace.api, timeout=60).json()
    assert after["lines"] == before + 16
    ids = {line["id"] for line in after["document"]["lines"]}
    assert {f"part-{i}" for i in range(16)} <= ids
    assert after["version"] >= 2 + 16


def test_two_facts_edits_from_one_version_one_is_refused(workspace: Workspace) -> None:
    base = f"{workspace.url}/api/v1/products/{workspace.product}"
    read = httpx.get(base, headers=workspace.api, timeout=60)
    tag = read.headers["ETag"]
    version = read.json()["version"]
    barrier = threading.Barrier(2)

    def by_api() -> httpx.Response:
        barrier.wait()
        return httpx.put(f"{base}/facts", json={**FACTS, "name_en": "By API"},
                         headers={**workspace.api, "If-Match": tag}, timeout=60)  # fmt: skip

    def by_form() -> httpx.Response:
        form = {"csrf_token": workspace.csrf, "version": str(version), **FACTS,
                "name_en": "By form"}  # fmt: skip
        barrier.wait()
        return workspace.browser.post(f"/workspace/products/{workspace.product}/facts", data=form)

    with ThreadPoolExecutor(2) as pool:
        api, form = pool.submit(by_api), pool.submit(by_form)
        answers = {"api": api.result(), "form": form.result()}
    codes = {k: r.status_code for k, r in answers.items()}
    assert codes in ({"api": 200, "form": 409}, {"api": 412, "form": 303}), codes
    now = httpx.get(base, headers=workspace.api, timeout=60).json()
    assert now["version"] == version + 1
    winner = "By API" if codes["api"] == 200 else "By form"
    assert now["name_en"] == winner
    if codes["api"] == 412:
        error = answers["api"].json()["error"]
        assert error["code"] == "precondition_failed"
        assert error["current_version"] == version + 1
        assert [c["action"] for c in error["changes"]] == ["product.update-facts"]
        assert "name_en" in error["changes"][0]["fields"]
        assert answers["api"].headers["ETag"] == f'"{version + 1}"'
    else:
        page = answers["form"].text
        assert "已被他人修改" in page or "changed after you read it" in page
        assert f'href="/workspace/products/{workspace.product}"' in page


def test_a_change_without_if_match_is_428_and_a_stale_one_412(
    tanji_app: App, client: TestClient
) -> None:
    admin = new_enterprise(tanji_app)
    auth = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor)}"}
    created = client.post("/api/v1/products", headers=auth,
                          json={"template": "general", "code": "etag", "name_zh": "x"})  # fmt: skip
    base = f"/api/v1/products/{created.json()['id']}"
    tag = created.headers["ETag"]
    assert client.get(base, headers=auth).headers["ETag"] == tag
    missing = client.put(f"{base}/facts", json=FACTS, headers=auth)
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "version_required"
    wild = client.put(f"{base}/facts", json=FACTS, headers={**auth, "If-Match": "*"})
    assert wild.status_code == 428
    bad = client.put(f"{base}/facts", json=FACTS, headers={**auth, "If-Match": "yesterday"})
    assert bad.status_code == 422
    # An add without If-Match applies to the current version; the ETag moves on.
    added = client.post(f"{base}/lines", json=_line(1), headers=auth)
    assert added.status_code == 201
    assert added.headers["ETag"] != tag
    stale = client.delete(f"{base}/lines/part-1", headers={**auth, "If-Match": tag})
    assert stale.status_code == 412
    body = stale.json()["error"]
    assert body["expected_version"] == int(tag.strip('"'))
    assert [c["action"] for c in body["changes"]] == ["product.line-add"]
    assert "changed after you read it" in body["message"]  # English for the API by default
    chinese = client.delete(
        f"{base}/lines/part-1", headers={**auth, "If-Match": tag, "Accept-Language": "zh-CN"}
    )
    assert "已被他人修改" in chinese.json()["error"]["message"]
    at = {**auth, "If-Match": added.headers["ETag"]}
    fresh = client.delete(f"{base}/lines/part-1", headers=at)
    assert fresh.status_code == 204
    assert client.get(base, headers=auth).headers["ETag"] == fresh.headers["ETag"]


def test_the_page_shows_a_conflict_and_offers_to_reload(tanji_app: App, client: TestClient) -> None:
    admin = new_enterprise(tanji_app)
    auth = {"Authorization": f"Bearer {token_for(tanji_app, admin.actor)}"}
    body = {"template": "general", "code": "page", "name_zh": "x"}
    product = client.post("/api/v1/products", headers=auth, json=body).json()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    form = {"email": admin.email, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    page = client.get(f"/workspace/products/{product['id']}?lang=zh").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    assert f'name="version" value="{product["version"]}"' in page
    facts_form = client.get(f"/workspace/products/{product['id']}/facts/_form").text
    assert f'name="version" value="{product["version"]}"' in facts_form
    # Someone else changes the product meanwhile.
    headers = {**auth, "If-Match": f'"{product["version"]}"'}
    theirs = client.put(f"/api/v1/products/{product['id']}/facts", json=FACTS, headers=headers)
    assert theirs.status_code == 200
    sent = {"csrf_token": csrf.group(1), "version": str(product["version"]), **FACTS,
            "name_en": "Mine"}  # fmt: skip
    refused = client.post(f"/workspace/products/{product['id']}/facts", data=sent,
                          headers={"HX-Request": "true"})  # fmt: skip
    assert refused.status_code == 409
    assert refused.headers["HX-Retarget"] == "#conflict"
    assert "已被他人修改" in refused.text
    assert "重新加载" in refused.text
    assert f'href="/workspace/products/{product["id"]}"' in refused.text
    after = client.get(f"/api/v1/products/{product['id']}", headers=auth).json()
    assert after["name_en"] == ""
    assert after["version"] == product["version"] + 1
    # Without htmx: the product page, 409, with the message at the top.
    plain = client.post(f"/workspace/products/{product['id']}/facts", data=sent)
    assert plain.status_code == 409
    assert 'id="conflict"' in plain.text
    assert "已被他人修改" in plain.text


def test_a_change_that_skipped_the_lock_is_still_refused_not_lost(
    tanji_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second guard: UPDATE … WHERE version = :read refuses a write made from a
    stale read even without the row lock (409 material, never a 500 or a lost line)."""
    from tanji.db.models import ProductRow
    from tanji.services import products
    from tanji.services.product_lines import InlineFactor, LineInput
    from tanji.services.product_lock import StaleVersionError

    admin = new_enterprise(tanji_app)
    with tanji_app.unit_of_work() as uow:
        product = products.create_product(
            uow.session, admin.actor, template="general", code="guard", name_zh="x"
        )
    factor = InlineFactor(unit="kg", co2e_kg=1.5, publisher="Test", title="A test value")

    def line(name: str) -> LineInput:
        return LineInput(id=name, stage="raw_materials", kind="inline", amount=1.0, unit="kg",
                         inline=factor)  # fmt: skip

    monkeypatch.setattr(products, "lock", lambda session, row: None)
    with tanji_app.unit_of_work() as late:
        # The row as read, held (the session's identity map keeps it only while it is
        # referenced): version v.
        read = late.session.get(ProductRow, product.id)
        assert read is not None
        with tanji_app.unit_of_work() as early:
            products.add_line(early.session, admin.actor, product.id, line("early"))
        with pytest.raises(StaleVersionError) as refused:
            products.add_line(late.session, admin.actor, product.id, line("late"))
        late.session.rollback()  # as the request's unit of work does on the error
    assert refused.value.expected == product.version
    with tanji_app.unit_of_work() as uow:
        lines = products.get_product(uow.session, admin.actor, product.id).document["lines"]
    assert "early" in {spec["id"] for spec in lines}
