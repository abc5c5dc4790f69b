"""An LCI activity with its unit process over ``/api/v1/admission`` (SQLite and
PostgreSQL): a missing provider refused in the caller's language naming the exchange;
the submission page shows the exchanges; admission answers the activity's reference in
the new version."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from tests.integration.db.admission_world import PASSWORD
from tests.integration.db.test_admission_unit_process import evidence, lci_world, pack
from tests.web.test_admission_api import REVIEW, bearer
from tests.web.test_certification_pages import signed_in

from tanji.bootstrap import App
from tanji.db.models import UserRow


def body(adb: int, **exchange: str) -> dict[str, object]:
    return {
        "database_id": adb,
        "record": pack(**exchange).as_dict(),
        "evidence": [
            {"name": f.name, "kind": f.kind, "media_type": f.media_type,
             "calibrates": f.calibrates, "content_base64": base64.b64encode(f.content).decode()}
            for f in evidence()
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-CN", "中没有此标识的活动"), ("en", "has no activity")]
)
def test_an_unresolved_provider_is_refused_in_the_callers_language(
    tanji_app: App, client: TestClient, language: str, expected: str
) -> None:
    with tanji_app.unit_of_work() as uow:
        w, _, adb = lci_world(uow.session)
    refused = client.post(
        "/api/v1/admission/submissions", json=body(adb, provider="nickel"),
        headers={**bearer(tanji_app, w.submitter), "Accept-Language": language},
    )  # fmt: skip
    assert refused.status_code == 422, refused.text
    message = refused.json()["error"]["message"]
    assert expected in message
    assert "nickel" in message


def test_a_unit_process_is_shown_and_admitted(tanji_app: App, client: TestClient) -> None:
    with tanji_app.unit_of_work() as uow:
        w, name, adb = lci_world(uow.session)
        user = uow.session.get(UserRow, w.submitter.user_id)
        assert user is not None
        email = user.email
    created = client.post("/api/v1/admission/submissions", json=body(adb),
                          headers=bearer(tanji_app, w.submitter))  # fmt: skip
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    page = signed_in(tanji_app, email, PASSWORD).get(f"/admission/submissions/{sid}")
    assert page.status_code == 200
    assert "单元过程" in page.text
    assert "<code>cell</code>" in page.text
    reviewed = client.post(f"/api/v1/admission/submissions/{sid}/reviews", json=REVIEW,
                           headers=bearer(tanji_app, w.reviewers[0]))  # fmt: skip
    assert reviewed.status_code == 201, reviewed.text
    admitted = client.post(f"/api/v1/admission/submissions/{sid}/admit",
                           headers=bearer(tanji_app, w.department))  # fmt: skip
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["factor_ref"] == f"{name}:lfp-pack@2"
