"""No English or raw codes on the Chinese pages, nor in the API's errors asked for in
Chinese (issue 20): the main pages of a new enterprise's workspace — home, factor
library, rules, workspace, a product from the battery template with its findings, its
result, the account with its audit log, error pages — are read as their reader reads
them (:mod:`tests.web.untranslated`: product data marked ``translate="no"``, codes in
``<code>``, units and names such as PACT or GTIN allowed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import new_enterprise, token_for
from tests.web.test_workspace_pages import new_product, sign_in
from tests.web.untranslated import untranslated

from tanji.bootstrap import App, build_app
from tanji.db.admission_tables import AdmissionSubmissionRow, PropagationRunRow
from tanji.db.label_tables import LabelRow
from tanji.db.migrate import upgrade
from tanji.db.models import (
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
    ProductRow,
)
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.admission.demo import REVIEWER_ACCOUNTS
from tanji.services.demo import load_demo
from tanji.services.labels.demo import load_label_demo
from tanji.services.pact.client import add_connection
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules
from tanji.services.signing import KeyRing
from tanji.settings import Settings
from tanji.web.app import create_app
from tanji.web.security import secret_key

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_main_pages_say_everything_in_chinese(tanji_app: App, client: TestClient) -> None:
    client.cookies.set("lang", "zh")
    public = ["/", "/factors", "/rules", "/login", "/register", "/nope",
              "/factors/cn-electricity:CN-ELEC-LCA-2023-CN", "/rules/cn-battery-declaration",
              "/factors/freight-transport:DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW"]  # fmt: skip
    for path in public:
        page = client.get(path)
        assert page.status_code == (404 if path == "/nope" else 200), path
        assert untranslated(page.text) == [], path
    token = sign_in(client, new_enterprise(tanji_app))
    base = f"/workspace/products/{new_product(client, token)}"
    computed = client.post(f"{base}/calculate", data={"iterations": "0", "csrf_token": token},
                           follow_redirects=False)  # fmt: skip
    assert computed.status_code == 303, computed.text
    result = computed.headers["location"]
    product = client.get(base).text
    # The findings name the line and link to it; no file, YAML path or code of a finding.
    assert 'href="#line-cathode"' in product
    assert (
        '条目「<span translate="no">正极材料 cathode active material</span>」还没有选择排放因子'
        in product
    )
    findings = product[product.index('<aside class="findings') :]
    findings = re.sub(r'data-code="[^"]*"', "", findings[: findings.index("</aside>")])
    for raw in (".yaml", "lines[", "Tanji workspace", "factor-to-choose"):
        assert raw not in findings, raw
    pages = ["/workspace", base, result, "/account", "/workspace/products/999999"]
    for path in pages:
        page = client.get(path)
        assert page.status_code in (200, 404), path
        assert untranslated(page.text) == [], path


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/factors/nowhere:nothing", 404), ("/api/v1/nope", 404), ("/api/v1/products", 401)],
)
def test_api_errors_in_chinese_when_asked(client: TestClient, path: str, status: int) -> None:
    answer = client.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert answer.status_code == status
    message = answer.json()["error"]["message"]
    assert CJK.search(message), message
    assert untranslated(f"<p>{message}</p>") == []
    english = client.get(path).json()["error"]["message"]
    assert not CJK.search(english)


def test_a_refused_registration_says_each_field_in_chinese(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/register",
        json={"name": "测试", "uscc": "91110000TJ0DEM009X", "region": "CN-JS-SZ",
              "display_name": "王工", "email": "not-an-address", "password": "x"},
        headers={"Accept-Language": "zh-CN"},
    )  # fmt: skip
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert CJK.search(error["message"])
    for name, text in error["fields"].items():
        assert CJK.search(text), (name, text)


def test_the_api_says_findings_in_chinese_and_names_their_line(
    tanji_app: App, client: TestClient
) -> None:
    member = new_enterprise(tanji_app)
    token = sign_in(client, member)
    product_id = new_product(client, token)
    headers = {"Authorization": f"Bearer {token_for(tanji_app, member.actor)}"}
    url = f"/api/v1/products/{product_id}/findings"
    zh = client.get(url, headers={**headers, "Accept-Language": "zh-CN"}).json()["data"]
    en = client.get(url, headers=headers).json()["data"]
    cathode = next(f for f in zh if f["code"] == "factor-to-choose" and f["line_id"] == "cathode")
    assert cathode["message"].startswith(
        "条目「正极材料 cathode active material」还没有选择排放因子"
    )
    english = next(f for f in en if f["code"] == "factor-to-choose" and f["line_id"] == "cathode")
    assert english["message"].startswith("line cathode: no factor chosen yet")  # as before


def test_form_problems_in_chinese(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    client.cookies.set("lang", "zh")
    base = f"/workspace/products/{new_product(client, token)}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    line = {"kind": "factor", "id": "coal", "stage": "production", "amount": "lots",
            "unit": "t", "factor": "ipcc2006-fuels:IPCC2006-SC-EI-COKING-COAL-T"}  # fmt: skip
    refused = client.post(f"{base}/lines", data=line, headers=htmx).text
    assert "请填写数字，例如 1200 或 12.5" in refused
    facts = {"name_zh": "", "name_en": "", "declared_unit": "1 kWh", "output": "abc",
             "boundary": "cradle-to-gate", "period_start": "2025-02-01",
             "period_end": "2025-01-01", "gtin": "12"}  # fmt: skip
    page = client.post(f"{base}/facts", data={**facts, "csrf_token": token}).text
    for said in ("请填写产品的中文或英文名称", "请填写数值和单位，例如“12.5 MWh”",
                 "早于开始日期", "GTIN 商品条码为 8 到 14 位数字"):  # fmt: skip
        assert said in page, said
    assert "expected" not in page
    created = client.post(
        "/workspace/products",
        data={"template": "battery", "code": "bad code!", "name_zh": "", "csrf_token": token},
    ).text
    assert "请使用字母、数字和" in created
    assert untranslated(created) == []


# --- the certification, PACT, benchmark and admission pages, on the demo ----------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, _cheap_password_hashes: None) -> Iterator[App]:
    """A demo store of its own (SQLite), seeded as ``tanji serve`` seeds it: the demo's
    certification, admission, supply, benchmark and label data."""
    folder = tmp_path_factory.mktemp("untranslated-demo")
    settings = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'tanji.db'}", secret_key="crawl"
    )
    with build_app(settings) as app:
        upgrade(app.db)
        with app.unit_of_work() as uow:
            ensure_reference_data(uow.session)
            ensure_shipped_rules(uow.session)
        load_demo(app, EXAMPLES)
        load_label_demo(app, "http://testserver", KeyRing.from_secret(secret_key(settings)))
        yield app


def _ids(app: App) -> dict[str, Any]:
    """The demo's rows the pages are about."""
    with app.unit_of_work() as uow:
        s = uow.session
        certificate = s.scalars(select(CertificateRow).order_by(CertificateRow.id)).first()
        label = s.scalars(select(LabelRow).where(LabelRow.revoked_at.is_(None))).first()
        case = s.scalars(select(CertificationCaseRow).order_by(CertificationCaseRow.id)).all()
        submission = s.scalars(select(AdmissionSubmissionRow)).first()
        assert certificate is not None
        assert label is not None
        assert submission is not None
        cell = s.scalars(select(ProductRow).where(ProductRow.code == "lfp-cell")).first()
        assert cell is not None
        battery = logins.authenticate(s, *DEMO_ACCOUNTS[1][:2])
        partner = add_connection(
            s, battery, "合作伙伴", "https://127.0.0.1:9/", "us", "secret", test_mode=True
        )  # fmt: skip (nothing listens there)
        result = s.scalars(
            select(FootprintResultRow.id).where(FootprintResultRow.product_id == cell.id)
        ).first()
        runs = s.scalars(select(PropagationRunRow.id)).all()
        return {
            "runs": runs,
            "result": result,
            "connection": partner.id,
            "certificate": certificate.number,
            "body": certificate.body_org_id,
            "holder": certificate.holder_org_id,
            "label": label.public_id,
            "cases": [c.id for c in case],
            "submission": submission.id,
            "cell": cell.id,
        }


def _crawl(client: TestClient, paths: list[str], found: dict[str, Any], who: str = "") -> None:
    """Each page read as its reader reads it: what it says in English, or its status
    when it is not shown."""
    for path in paths:
        page = client.get(path)
        if page.status_code != 200:
            found[f"{who} {path}"] = page.status_code
        elif words := untranslated(page.text):
            found[f"{who} {path}"] = words


def test_the_certification_pact_benchmark_and_admission_pages_say_everything_in_chinese(
    demo: App,
) -> None:
    ids = _ids(demo)
    found: dict[str, Any] = {}
    public = [
        "/certification", f"/certification/bodies/{ids['body']}",
        f"/certificates/{ids['certificate']}", "/directory/verify",
        f"/directory/verify?q={ids['certificate']}", f"/l/{ids['label']}",
        f"/directory/products/{ids['certificate']}", "/admission",
    ]  # fmt: skip
    with TestClient(create_app(demo)) as client:
        client.cookies.set("lang", "zh")
        _crawl(client, public, found)
    cell = f"/workspace/products/{ids['cell']}"
    signed_in = {
        DEMO_ACCOUNTS[1]: [
            "/pact", f"/pact/connections/{ids['connection']}", "/certification",
            f"/certification/apply?result_id={ids['result']}",
            f"{cell}/diagnosis", f"{cell}/grade", f"{cell}/label", "/workspace/efficiency",
            "/benchmarks",
        ],
        DEMO_ACCOUNTS[2]: [
            "/certification", *(f"/certification/cases/{c}" for c in ids["cases"]),
            f"/certification/bodies/{ids['body']}",
        ],
        DEMO_ACCOUNTS[3]: [
            "/benchmarks", "/benchmarks/settings", "/admission",
            "/benchmarks/values?category=lithium-battery&declared_unit=1%20kWh",
            "/admission/affected", "/certification", f"/benchmarks/efficiency/{ids['holder']}",
            "/admission/databases/jiangsu-battery-background",
            *(f"/admission/runs/{r}" for r in ids["runs"]),
        ],
        (REVIEWER_ACCOUNTS[0][0], REVIEWER_ACCOUNTS[0][1], ""): [
            "/admission", f"/admission/submissions/{ids['submission']}", "/admission/submit",
        ],
        DEMO_ACCOUNTS[0]: ["/admin/label-reports", "/admission", "/certification"],
    }  # fmt: skip
    for (email, password, _), paths in signed_in.items():
        with TestClient(create_app(demo)) as client:
            client.cookies.set("lang", "zh")
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token
            login = {"email": email, "password": password, "csrf_token": token.group(1)}
            assert client.post("/login", data=login, follow_redirects=False).status_code == 303
            _crawl(client, paths, found, email)
    assert found == {}
