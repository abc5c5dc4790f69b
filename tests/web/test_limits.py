"""Oversized request bodies are refused with 413 before the application reads them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tanji.web import limits


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "DEFAULT_LIMIT", 1000)
    monkeypatch.setattr(limits, "IMPORT_LIMIT", 5000)


def test_a_declared_length_over_the_limit_is_refused(
    client: TestClient, small_limits: None
) -> None:
    response = client.post("/api/v1/products", content=b"x" * 1001)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    page = client.post("/login", content=b"x" * 1001)
    assert page.status_code == 413
    assert "MiB" in page.text


def test_a_chunked_body_is_cut_off_at_the_limit(client: TestClient, small_limits: None) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"y" * 100

    response = client.post("/api/v1/tokens", content=chunks())
    assert response.status_code == 413


def test_imports_accept_larger_bodies(client: TestClient, small_limits: None) -> None:
    # 3000 bytes: over the default, under the import limit — refused for its content
    # (no sign-in), not for its size.
    response = client.post("/api/v1/data/imports", content=b"z" * 3000)
    assert response.status_code != 413
    assert limits.limit_for("/data/import") == 5000
    assert limits.limit_for("/workspace/products/1/document") == 1000
