"""The data-exchange page: an enterprise admin issues credentials to a partner, releases
a footprint to it, and the partner then gets it over the PACT protocol; the same
partners through the platform API; refused changes explained on the page."""

from __future__ import annotations

import copy
import re
import uuid

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise
from tests.web.test_workspace_pages import sign_in

from tanji.bootstrap import App
from tanji.services.pact import host
from tanji.services.pact.testhost import illustrative_footprints
from tanji.web.app import create_app


def test_partner_credentials_release_and_protocol(tanji_app: App) -> None:
    member = new_enterprise(tanji_app)
    document = copy.deepcopy(illustrative_footprints()[0])
    document["id"] = str(uuid.uuid4())
    with tanji_app.unit_of_work() as uow:
        row = host.add_footprint(uow.session, member.actor, document)
        footprint_id = row.id
    with TestClient(create_app(tanji_app), base_url="https://testserver") as web:
        token = sign_in(web, member)
        page = web.get("/pact")
        assert page.status_code == 200
        assert "数据交换（PACT）" in page.text
        assert "Data exchange (PACT)" in web.get("/pact?lang=en").text
        web.get("/pact?lang=zh")
        issued = web.post(
            "/pact/partners", data={"name": "Kunde GmbH", "sees_all": "1", "csrf_token": token}
        )
        assert issued.status_code == 200
        assert "密钥只显示这一次" in issued.text
        client_id = re.search(r"<dd><code>(tanji-[0-9a-f]+)</code></dd>", issued.text)
        secret = re.search(r'<code class="secret">([^<]+)</code>', issued.text)
        assert client_id is not None
        assert secret is not None
        access = web.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id.group(1), secret.group(1)),
        ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {access}"}
        assert web.get("/3/footprints", headers=bearer).json() == {"data": []}  # not released
        released = web.post(
            f"/pact/footprints/{footprint_id}",
            data={"action": "release", "csrf_token": token},
            follow_redirects=False,
        )
        assert released.status_code == 303
        served = web.get("/3/footprints", headers=bearer).json()["data"]
        assert [d["id"] for d in served] == [document["id"]]
        partners = web.get("/api/v1/pact/partners").json()
        assert [p["name"] for p in partners] == ["Kunde GmbH"]
        assert partners[0]["sees_all"] is True
        bad = web.post(
            "/pact/connections",
            data={
                "name": "Lieferant",
                "base_url": "http://example.com",
                "client_id": "x",
                "client_secret": "y",
                "csrf_token": token,
            },
        )
        assert bad.status_code == 422
        assert "https://" in bad.text
        wrong = web.post(
            "/pact/footprints",
            data={"result_id": "abc", "product_ids": "urn:gtin:1", "csrf_token": token},
        )
        assert wrong.status_code == 422
        assert web.post("/pact/partners", data={"name": "x"}).status_code == 403  # no CSRF
