"""``/api/v1/admission`` over a real store (SQLite and PostgreSQL): submit with evidence,
two reviews, the department admits a new version; refusals in the caller's language;
the public sees the admitted record without its confidential fields; affected products."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.db.admission_world import World, files, record, world
from tests.web.conftest import token_for

from tanji.bootstrap import App
from tanji.domain.accounts import Actor


@pytest.fixture
def admission_world(tanji_app: App) -> World:
    with tanji_app.unit_of_work() as uow:
        return world(uow.session)


def bearer(app: App, actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(app, actor)}"}


def submission_body(w: World, **changes: object) -> dict[str, object]:
    data = record().as_dict()
    data.update(changes)
    return {
        "database_id": w.admission_db_id,
        "record": data,
        "evidence": [
            {"name": f.name, "kind": f.kind, "media_type": f.media_type,
             "calibrates": f.calibrates, "content_base64": base64.b64encode(f.content).decode()}
            for f in files()
        ],
    }  # fmt: skip


REVIEW = {
    "completeness": 4, "representativeness": 4, "consistency": 4,
    "dqr": {"ter": 2, "ger": 2, "tir": 2, "p": 2}, "recommendation": "admit",
    "summary": "Traceable to calibrated meters.", "comments": {"co2e": "Plausible."},
}  # fmt: skip


def test_submit_review_verify_admit_over_the_api(
    tanji_app: App, client: TestClient, admission_world: World
) -> None:
    w = admission_world
    as_ = {a: bearer(tanji_app, a) for a in (w.submitter, *w.reviewers, w.department)}
    created = client.post("/api/v1/admission/submissions", json=submission_body(w),
                          headers=as_[w.submitter])  # fmt: skip
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    for reviewer in w.reviewers:
        reviewed = client.post(f"/api/v1/admission/submissions/{sid}/reviews", json=REVIEW,
                               headers=as_[reviewer])  # fmt: skip
        assert reviewed.status_code == 201, reviewed.text
    own = client.get(f"/api/v1/admission/submissions/{sid}", headers=as_[w.submitter]).json()
    assert [r["reviewer"] for r in own["reviews"]] == ["Reviewer 1", "Reviewer 2"]
    assert all(c["passed"] for c in own["checks"])
    admitted = client.post(f"/api/v1/admission/submissions/{sid}/admit", headers=as_[w.department])
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["version"] == "1"
    public = client.get(f"/api/v1/admission/submissions/{sid}").json()
    assert public["record"]["quantities"][0]["amount"] == "withheld"
    assert public["reviews"] == []
    assert len(public["evidence"][0]["sha256"]) == 64
    listed = client.get("/api/v1/admission/databases").json()
    assert w.database in [d["name"] for d in listed["data"]]
    affected = client.get("/api/v1/admission/affected", params={"database": w.database},
                          headers=as_[w.department])  # fmt: skip
    assert affected.status_code == 200
    assert affected.json()["count"] == 0


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-CN", "提交方本组织不能评议自己的提交"), ("en", "cannot review its submission")],
)
def test_a_refusal_names_its_reason_in_the_callers_language(
    tanji_app: App, client: TestClient, admission_world: World, language: str, expected: str
) -> None:
    w = admission_world
    headers = bearer(tanji_app, w.submitter)
    sid = client.post("/api/v1/admission/submissions", json=submission_body(w),
                      headers=headers).json()["id"]  # fmt: skip
    refused = client.post(f"/api/v1/admission/submissions/{sid}/reviews", json=REVIEW,
                          headers={**headers, "Accept-Language": language})  # fmt: skip
    assert refused.status_code == 409
    assert expected in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (lambda body: body.update(evidence=[]), 422, "evidence"),
        (lambda body: body["evidence"][0].update(content_base64="%%%"), 422, "evidence[0]"),
    ],
)
def test_submissions_without_good_evidence_are_refused(
    tanji_app: App, client: TestClient, admission_world: World,
    change: Callable[[dict[str, object]], None], status: int, field: str,
) -> None:  # fmt: skip
    body = submission_body(admission_world)
    change(body)
    refused = client.post("/api/v1/admission/submissions", json=body,
                          headers=bearer(tanji_app, admission_world.submitter))  # fmt: skip
    assert refused.status_code == status
    assert field in refused.text
