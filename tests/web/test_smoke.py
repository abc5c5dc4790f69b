"""The application starts over a real store; public pages and the API answer."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_home_page_is_chinese_by_default_and_switches_to_english(client: TestClient) -> None:
    zh = client.get("/")
    assert zh.status_code == 200
    assert '<html lang="zh-CN">' in zh.text
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.text
    assert client.get("/").text.startswith('<!doctype html>\n<html lang="en">')  # cookie kept


def test_openapi_document_is_served(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"].startswith("Tanji")
    assert "/api/v1/factors" in document["paths"]


def test_a_change_without_the_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/factors", json={})
    assert response.status_code in (403, 405)
