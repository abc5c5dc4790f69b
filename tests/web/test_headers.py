"""Security headers on every answer, no-store on private ones, ``Allow`` on 405s, and
no inline script in any page (issue 19)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise, token_for

from tanji.bootstrap import App
from tanji.settings import Settings
from tanji.web.app import create_app
from tanji.web.headers import CSP

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "tanji" / "web" / "templates"


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/factors", "/api/v1/health", "/static/css/tanji.css", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert "frame-ancestors 'none'" in CSP
        assert "script-src 'self';" in CSP  # no inline script, no eval
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
    assert "no-store" not in client.get("/static/css/tanji.css").headers.get("Cache-Control", "")


def test_private_answers_are_not_stored(tanji_app: App, client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {token_for(tanji_app, new_enterprise(tanji_app).actor)}"}
    assert client.get("/api/v1/products", headers=auth).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/health").headers.get("Cache-Control", "")


def test_https_deployments_send_hsts(tanji_app: App) -> None:
    settings = tanji_app.settings
    behind_tls = Settings(settings.data_dir, settings.database_url, secret_key="k",
                          secure_cookies=True)  # fmt: skip
    app = App(behind_tls, tanji_app.db, tanji_app.engine, tanji_app.backgrounds)
    with TestClient(create_app(app)) as client:
        hsts = client.get("/api/v1/health").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")


def test_405_names_every_allowed_method(tanji_app: App, client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {token_for(tanji_app, new_enterprise(tanji_app).actor)}"}
    refused = client.patch("/api/v1/products/1", headers=auth)
    assert refused.status_code == 405
    assert set(refused.headers["Allow"].split(", ")) >= {"GET", "DELETE"}
    assert refused.json()["error"]["code"] == "method_not_allowed"


def test_no_template_holds_inline_script() -> None:
    inline = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>|\son[a-z]+=")
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
