"""The data-exchange page: an enterprise admin issues credentials to a partner, releases
a footprint to it, and the partner then gets it over the PACT protocol; the same
partners through the platform API; refused changes explained on the page."""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from jsonschema import Draft4Validator
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


def _battery_result(app: App, org_id: int) -> int:
    """A stored result of ``org_id`` per 1 kWh with the four stages (illustrative)."""
    from tanji.db.models import FootprintResultRow, ProductModelRow

    result = {
        "stages": {
            "raw_materials": 50.0,
            "production": 20.0,
            "distribution": 1.0,
            "end_of_life": 4.0,
        },
        "end_of_life": "cut-off",
    }
    with app.unit_of_work() as uow:
        model = ProductModelRow(code=f"pack-{uuid.uuid4()}", digest="0" * 64, document="{}")
        uow.session.add(model)
        uow.session.flush()
        row = FootprintResultRow(
            model_id=model.id, product_code=model.code, total=75.0, unit="kg CO2e",
            per="1 kWh", method="IPCC AR6", fingerprint="f" * 64, pins="[]",
            result=json.dumps(result), org_id=org_id,
        )  # fmt: skip
        uow.session.add(row)
        uow.session.flush()
        return row.id


def test_exports_through_page_and_api(tanji_app: App, shared_standards: Path) -> None:
    member = new_enterprise(tanji_app)
    result_id = _battery_result(tanji_app, member.actor.org_id)
    document = copy.deepcopy(illustrative_footprints()[0])
    document["id"] = str(uuid.uuid4())
    document["productIds"] = [f"urn:pact:example.cn:product-id:{uuid.uuid4()}"]
    with tanji_app.unit_of_work() as uow:
        footprint_id = host.add_footprint(uow.session, member.actor, document).id
    with TestClient(create_app(tanji_app), base_url="https://testserver") as web:
        token = sign_in(web, member)
        study = "https://pcf.example.cn/study.pdf"
        passport = web.get(f"/pact/battery-passport?result_id={result_id}&study_url={study}")
        assert passport.status_code == 200
        assert passport.headers["content-disposition"].startswith("attachment")
        assert passport.json()["batteryCarbonFootprint"] == 75.0
        api = web.get(
            f"/api/v1/pact/results/{result_id}/battery-passport",
            params={"study_url": study, "lifetime_energy_kwh": 1000},
        )
        assert api.json()["absoluteCarbonFootprint"] == 75000.0
        refused = web.get(f"/pact/battery-passport?result_id={result_id}&study_url=x")
        assert refused.status_code == 422
        assert "study URL" in refused.text
        schema_dir = shared_standards / "catena-x"
        for version in ("9.0.0", "7.0.0"):
            cx = web.get(
                f"/pact/footprints/{footprint_id}/catenax",
                params={"version": version, "waste": "cut-off", "packaging": "no"},
            )
            assert cx.status_code == 200, cx.text
            schema = schema_dir / f"pcf-{version}" / "Pcf-schema.json"
            if schema.is_file():
                validator = Draft4Validator(json.loads(schema.read_text(encoding="utf-8")))
                assert not list(validator.iter_errors(cx.json()))
        unstated = web.get(f"/pact/footprints/{footprint_id}/catenax")
        assert unstated.status_code == 422
        assert "waste incineration" in unstated.text
        upload = web.post(
            "/pact/catenax-import",
            data={"csrf_token": token},
            files={"file": ("cx.json", cx.content, "application/json")},
        )
        assert upload.status_code == 200
        assert "已导入为供应商碳足迹" in upload.text
        assert document["productIds"][0] in upload.text
        via_api = web.post(
            "/api/v1/pact/catenax-import", json={"id": "x"}, headers={"X-CSRF-Token": token}
        )
        assert via_api.status_code == 422
        assert "neither" in via_api.text
