"""Refused permission checks are logged with who asked (ASVS 7.2.2)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, token_for

from tanji.bootstrap import App


def test_a_refused_permission_is_logged_with_the_actor(
    tanji_app: App, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    member = new_enterprise(tanji_app).actor  # an enterprise may not import factor data
    bearer = {"Authorization": f"Bearer {token_for(tanji_app, member)}"}
    with caplog.at_level(logging.WARNING, logger="tanji.web.errors"):
        refused = client.post(
            "/api/v1/data/imports",
            headers=bearer,
            data={"format": "csv", "name": "not-mine"},
            files={"file": ("f.csv", b"code\n", "text/csv")},
        )
    assert refused.status_code == 403
    [line] = [r for r in caplog.records if r.getMessage().startswith("permission refused")]
    assert line.getMessage() == "permission refused: POST /api/v1/data/imports"
    assert (getattr(line, "user_id", None), getattr(line, "org_id", None)) == (
        member.user_id,
        member.org_id,
    )
