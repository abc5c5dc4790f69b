"""Exchange downloads over a real store (SQLite and PostgreSQL): the database page offers
each version as openLCA JSON-LD, ILCD and TIDAS; the page's links and the API route give
files that read back with their sources; an unknown or unreadable database answers 404, an
unknown format 422."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.integration.db.admission_world import World, files, record, world
from tests.integration.db.test_admission_store import a_review
from tests.web.conftest import new_enterprise, token_for

from tanji.bootstrap import App
from tanji.io.exchange import read_ilcd_factors, read_tidas_factors
from tanji.io.olca_jsonld import read_jsonld
from tanji.services.admission import decisions, reviews, submissions

SHIPPED = "materials-sector"


def test_database_page_links_every_format_and_the_files_read_back(
    tanji_app: App, client: TestClient, tmp_path: Path
) -> None:
    page = client.get(f"/admission/databases/{SHIPPED}")
    assert page.status_code == 200
    assert "交换文件" in page.text
    assert "每个因子都保留其来源" in page.text
    base = f"/admission/databases/{SHIPPED}/versions/1/export?format="
    for fmt in ("jsonld", "ilcd", "tidas"):
        assert f"{base}{fmt}" in page.text
    tidas = client.get(f"{base}tidas")
    assert tidas.status_code == 200
    assert tidas.headers["content-type"] == "application/zip"
    assert f"{SHIPPED}-1-tidas.zip" in tidas.headers["content-disposition"]
    (tmp_path / "t.zip").write_bytes(tidas.content)
    factors = read_tidas_factors(tmp_path / "t.zip")
    assert len(factors) == 41
    assert all(f.source.publisher for f in factors)
    english = client.get(f"/admission/databases/{SHIPPED}", params={"lang": "en"})
    assert "Every factor keeps its source" in english.text


def test_api_export_of_an_admitted_version_and_its_refusals(
    tanji_app: App, client: TestClient, tmp_path: Path
) -> None:
    with tanji_app.unit_of_work() as uow:
        w: World = world(uow.session, min_reviews=1)
        sid = submissions.submit(uow.session, w.submitter, w.admission_db_id, record(), files())
        reviews.review(uow.session, w.reviewers[0], sid, a_review(w.reviewers[0]))
        decisions.admit(uow.session, w.department, sid)
    url = f"/api/v1/admission/databases/{w.database}/versions/1/export"
    auth = {"Authorization": f"Bearer {token_for(tanji_app, w.department)}"}

    jsonld = client.get(url, headers=auth)
    assert jsonld.status_code == 200
    (tmp_path / "j.zip").write_bytes(jsonld.content)
    (process,) = read_jsonld(tmp_path / "j.zip").activities
    assert "sha256:" in (process.comment or "")  # the evidence trail travels along

    ilcd = client.get(url, params={"format": "ilcd"}, headers=auth)
    (tmp_path / "i.zip").write_bytes(ilcd.content)
    (factor,) = read_ilcd_factors(tmp_path / "i.zip")
    assert factor.code == "LFP-CATHODE"
    assert factor.co2e == 8.0

    assert client.get(url, params={"format": "xml"}, headers=auth).status_code == 422
    missing = client.get("/api/v1/admission/databases/no-such-db/versions/1/export")
    assert missing.status_code == 404
    assert client.get(url.replace("/1/", "/9/"), headers=auth).status_code == 404
    # Any signed-in organisation may read a public background database.
    other = new_enterprise(tanji_app)
    other_auth = {"Authorization": f"Bearer {token_for(tanji_app, other.actor)}"}
    assert client.get(url, headers=other_auth).status_code == 200
