"""The public directory (issue 17) on both stores: the demo's certified product listed
without sign-in and filtered; a second certificate of another category (made here, with
official values so it has a grade) for grades, the fair comparison and the procurement
list and its exports; the evidence pack checked and every kind of tampering found (also
by ``tanji evidence verify``); contact requests with notifications and no e-mail shown;
the disclosure page with its version check."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from tests.web.conftest import Member, new_enterprise, token_for

from tanji.bootstrap import App
from tanji.cli.main import main
from tanji.db.label_tables import LabelRow
from tanji.db.models import (
    BenchmarkOfficialValueRow,
    CertificateRow,
    CertificationCaseRow,
    FootprintResultRow,
    NotificationRow,
)
from tanji.services.directory.evidence import check_pack
from tanji.services.labels import trust
from tanji.services.labels.demo import load_label_demo
from tanji.services.signing import KeyRing
from tanji.web.security import secret_key


@pytest.fixture
def demo_certificate(tanji_app: App) -> str:
    """The label demo's certificate (labelled, in force; made once per store)."""
    keys = KeyRing.from_secret(secret_key(tanji_app.settings))
    label = load_label_demo(tanji_app, "http://testserver", keys).rsplit("/", 1)[1]
    with tanji_app.unit_of_work() as uow:
        number = uow.session.scalar(
            select(CertificateRow.number)
            .join(LabelRow, LabelRow.certificate_id == CertificateRow.id)
            .where(LabelRow.public_id == label)
        )
    assert number is not None
    return number


@pytest.fixture
def other(tanji_app: App, demo_certificate: str) -> Iterator[tuple[str, str, Member]]:
    """(certificate, category, holder): a certificate in force of a new enterprise in a
    category of its own (80 kg CO2e per 1 t) with official values 50 / 100 / 200, so it
    grades "better than baseline". Removed afterwards (other tests count certificates and
    list categories)."""
    holder = new_enterprise(tanji_app, "第二供应商")
    category = f"test-cement-{secrets.token_hex(3)}"
    number = f"CFP-TEST-{secrets.token_hex(4)}"
    with tanji_app.unit_of_work() as uow:
        s = uow.session
        base = s.scalar(select(CertificateRow).where(CertificateRow.number == demo_certificate))
        assert base is not None
        result = s.get(FootprintResultRow, base.result_id)
        assert result is not None
        case = CertificationCaseRow(
            applicant_org_id=holder.actor.org_id, body_org_id=base.body_org_id,
            result_id=base.result_id, category=category, certification_type="footprint",
            declared_value=80.0, state="certified", applied_on=date.today(),
        )  # fmt: skip
        s.add(case)
        s.flush()
        s.add(CertificateRow(
            number=number, case_id=case.id, certification_type="footprint", category=category,
            product_name="=示范水泥", holder_org_id=holder.actor.org_id,
            body_org_id=base.body_org_id, result_id=base.result_id, declared_unit="1 t",
            declared_value=80.0, unit="kg CO2e", rule_ref="test@1", standard="GB/T 24067-2024",
            issued_on=date.today() - timedelta(days=1),
            expires_on=date.today() + timedelta(days=300),
        ))  # fmt: skip
        for kind, value in (("leading", 50.0), ("baseline", 100.0), ("limit", 200.0)):
            s.add(BenchmarkOfficialValueRow(
                category=category, declared_unit="1 t", year=date.today().year, kind=kind,
                value=value, document="test document", illustrative=True,
            ))  # fmt: skip
    yield number, category, holder
    with tanji_app.unit_of_work() as uow:
        uow.session.execute(delete(CertificateRow).where(CertificateRow.number == number))
        uow.session.execute(delete(CertificationCaseRow).where(CertificationCaseRow.id == case.id))
        uow.session.execute(
            delete(BenchmarkOfficialValueRow).where(BenchmarkOfficialValueRow.category == category)
        )


def test_the_demo_product_is_listed_without_sign_in(
    client: TestClient, demo_certificate: str
) -> None:
    found = client.get("/api/v1/directory/products", params={"per_page": 100}).json()
    numbers = [item["certificate"] for item in found["items"]]
    assert demo_certificate in numbers
    item = next(i for i in found["items"] if i["certificate"] == demo_certificate)
    assert item["label"]
    assert item["city"] == "CN-JS-SZ"
    assert "tanji.example" not in json.dumps(found)  # no e-mail address anywhere
    one = client.get(f"/api/v1/directory/products/{demo_certificate}").json()
    assert one["value"] == item["value"]
    # Filters: the company's name, the city, a footprint range, a category that is not it
    for params, listed in [
        ({"company": "示范锂电池"}, True), ({"city": "CN-JS-NJ"}, False),
        ({"min_value": item["value"] + 1}, False), ({"max_value": item["value"]}, True),
        ({"q": item["product_name"][:4]}, True), ({"category": "no-such-category"}, False),
    ]:  # fmt: skip
        got = client.get("/api/v1/directory/products", params=params).json()["items"]
        assert (demo_certificate in [i["certificate"] for i in got]) is listed, params

    page = client.get("/directory?lang=zh")
    assert page.status_code == 200
    assert "认证产品目录" in page.text
    assert demo_certificate in page.text
    product = client.get(f"/directory/products/{demo_certificate}?lang=en")
    assert "Download the evidence pack" in product.text
    assert f"/l/{item['label']}" in product.text
    assert "Sign in to contact the supplier" in product.text
    bad = client.get("/directory?grade=best&min_value=abc&lang=zh")
    assert bad.status_code == 422
    assert "等级：请从列表中选择。" in bad.text or "碳足迹下限" in bad.text
    api_bad = client.get("/api/v1/directory/products", params={"grade": "best"})
    assert api_bad.status_code == 422
    assert api_bad.json()["error"]["fields"].keys() == {"grade"}


def test_grades_comparison_and_procurement(
    client: TestClient, demo_certificate: str, other: tuple[str, str, Member]
) -> None:
    number, category, _ = other
    item = client.get(f"/api/v1/directory/products/{number}").json()
    assert item["grade"] == "better-than-baseline"
    assert item["grade_values"] == {"leading": 50.0, "baseline": 100.0, "limit": 200.0}
    # Pagination: one a page, every certified product once over the pages
    first = client.get("/api/v1/directory/products", params={"per_page": 1}).json()
    assert first["pages"] == first["total"] >= 2
    seen = [
        client.get("/api/v1/directory/products", params={"per_page": 1, "page": n}).json()
        for n in range(1, first["total"] + 2)
    ]
    numbers = [c["certificate"] for page in seen for c in page["items"]]
    assert len(numbers) == len(set(numbers)) == first["total"]
    assert {demo_certificate, number} <= set(numbers)
    assert seen[-1]["items"] == []  # past the last page: empty, not an error
    assert client.get("/api/v1/directory/products", params={"per_page": 101}).status_code == 422
    graded = client.get("/api/v1/directory/products", params={"grade": "leading"}).json()
    assert number not in [i["certificate"] for i in graded["items"]]

    refused = client.get("/api/v1/directory/compare", params={"a": demo_certificate, "b": number})
    assert refused.status_code == 409
    keys = {r["key"] for r in refused.json()["error"]["reasons"]}
    assert keys == {"directory.compare.category", "directory.compare.unit"}
    page = client.get(f"/directory/compare?c={demo_certificate}&c={number}&lang=zh")
    assert page.status_code == 409
    assert "碳足迹只能在同一产品类别内比较" in page.text
    same = client.get("/api/v1/directory/compare", params={"a": number, "b": number})
    assert same.status_code == 409

    def listed(**params: object) -> list[str]:
        answer = client.get(
            "/api/v1/directory/procurement",
            params={"category": category, "declared_unit": "1 t", **params},
        )
        assert answer.status_code == 200, answer.text
        return [i["certificate"] for i in answer.json()["items"]]

    assert listed() == [number]
    assert listed(threshold=80) == [number]
    assert listed(threshold=79.9) == []
    assert listed(grade="better-than-baseline") == [number]
    assert listed(grade="leading") == []
    query = f"category={category}&declared_unit=1%20t&lang=zh"
    exported = client.get(f"/directory/procurement.csv?{query}")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["证书", "产品"]
    assert rows[1][0] == number
    assert rows[1][1] == "'=示范水泥"  # neutralised: a spreadsheet will not run it
    assert rows[1][5] == "80"
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/directory/procurement.xlsx?{query}").content)
    )
    sheet = book.active
    assert sheet.cell(2, 1).value == number
    assert sheet.cell(2, 2).value == "=示范水泥"
    assert sheet.cell(2, 2).data_type == "s"
    assert sheet.cell(2, 6).value == 80
    assert client.get("/directory/procurement?category=x&lang=zh").status_code == 422
    wrong = client.get(f"/directory/procurement.pdf?{query}")
    assert wrong.status_code == 422
    assert "格式：CSV 或 XLSX。" in wrong.text


def _tampered(pack: bytes, name: str, change: bytes | None) -> bytes:
    """The pack with ``name`` replaced by ``change`` (removed when None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
            elif change is not None:
                target.writestr(name, change)
    return out.getvalue()


def test_the_evidence_pack_checks_and_tampering_is_found(
    client: TestClient, tanji_app: App, demo_certificate: str, tmp_path: Path
) -> None:
    answer = client.get(f"/api/v1/directory/products/{demo_certificate}/evidence-pack?lang=en")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    pack = answer.content
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("report-en.pdf").startswith(b"%PDF")
    assert names == {"manifest.json", "certificate.json", "report-en.pdf", "result.json",
                     "label.svg", "claim.json", "ledger-proof.json"}  # fmt: skip
    assert {f["name"] for f in manifest["claim"]["files"]} == names - {"manifest.json"}
    with tanji_app.unit_of_work() as uow:
        keys = trust.store_keys(uow.session)
    good = check_pack(pack, keys)
    assert good.ok, good.problems
    assert good.signed
    assert good.signatures_checked

    changed = _tampered(pack, "result.json", b'{"total": 0.1}')
    assert any("result.json" in p for p in check_pack(changed, keys).problems)
    assert any("result.json" in p for p in check_pack(changed, None).problems)  # offline
    missing = check_pack(_tampered(pack, "report-en.pdf", None), keys)
    assert any("missing" in p for p in missing.problems)
    # A manifest rewritten to the changed file's hash: its signature no longer holds.
    forged = dict(manifest)
    forged["claim"] = json.loads(json.dumps(manifest["claim"]))
    for f in forged["claim"]["files"]:
        if f["name"] == "result.json":
            f["sha256"] = hashlib.sha256(b'{"total": 0.1}').hexdigest()
            f["size"] = len(b'{"total": 0.1}')
    reforged = _tampered(changed, "manifest.json", json.dumps(forged).encode())
    problems = check_pack(reforged, keys).problems
    assert problems
    assert all("manifest.json: signature" in p for p in problems)
    assert check_pack(b"not a zip", keys).problems[0].startswith("The file is not")

    # The bank's way: the command line with the well-known key file
    (tmp_path / "keys.json").write_text(client.get("/.well-known/tanji-keys.json").text)
    (tmp_path / "pack.zip").write_bytes(pack)
    (tmp_path / "changed.zip").write_bytes(changed)
    keys_arg = ["--keys", str(tmp_path / "keys.json")]
    assert main(["evidence", "verify", str(tmp_path / "pack.zip"), *keys_arg]) == 0
    assert main(["evidence", "verify", str(tmp_path / "changed.zip"), *keys_arg]) == 1
    assert main(["evidence", "verify", str(tmp_path / "absent.zip")]) == 2

    # The public verify page
    page = client.get("/directory/verify?lang=zh").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    files = {"pack": ("pack.zip", changed, "application/zip")}
    refused = client.post("/directory/verify", files=files, data={"csrf_token": token})
    assert refused.status_code == 422
    assert "核验未通过" in refused.text
    files = {"pack": ("pack.zip", pack, "application/zip")}
    accepted = client.post("/directory/verify", files=files, data={"csrf_token": token})
    assert accepted.status_code == 200
    assert "核验通过" in accepted.text
    assert client.get("/api/v1/directory/products/CFP-NONE/evidence-pack").status_code == 404


def test_a_buyer_contacts_a_supplier_through_the_platform(
    client: TestClient, tanji_app: App, other: tuple[str, str, Member]
) -> None:
    number, _, supplier = other
    buyer = new_enterprise(tanji_app, "采购方")
    as_buyer = {"Authorization": f"Bearer {token_for(tanji_app, buyer.actor)}"}
    as_supplier = {"Authorization": f"Bearer {token_for(tanji_app, supplier.actor)}"}
    empty = client.post("/api/v1/directory/contact-requests", headers=as_buyer,
                        json={"certificate": number, "message": "   "})  # fmt: skip
    assert empty.status_code == 422
    own = client.post("/api/v1/directory/contact-requests", headers=as_supplier,
                      json={"certificate": number, "message": "hello"})  # fmt: skip
    assert own.status_code == 409
    anonymous = client.post("/api/v1/directory/contact-requests",
                            json={"certificate": number, "message": "hello"})  # fmt: skip
    assert anonymous.status_code in (401, 403)  # no session: the CSRF check refuses first
    sent = client.post("/api/v1/directory/contact-requests", headers=as_buyer,
                       json={"certificate": number, "message": "请报价 1000 吨"})  # fmt: skip
    assert sent.status_code == 201
    with tanji_app.unit_of_work() as uow:
        notice = uow.session.scalar(
            select(NotificationRow).where(NotificationRow.org_id == supplier.actor.org_id)
        )
        assert notice is not None
        assert notice.kind == "contact-request"
    inbox = client.get("/api/v1/directory/contact-requests", headers=as_supplier).json()
    assert [(r["incoming"], r["message"], r["status"]) for r in inbox] == [
        (True, "请报价 1000 吨", "new")
    ]
    assert all(not any("mail" in key for key in r) for r in inbox)  # no e-mail field
    request_id = inbox[0]["id"]
    assert client.post(f"/api/v1/directory/contact-requests/{request_id}/reply",
                       headers=as_buyer, json={"text": "x"}).status_code == 403  # fmt: skip
    assert client.post(f"/api/v1/directory/contact-requests/{request_id}/reply",
                       headers=as_supplier, json={"text": "可以"}).status_code == 204  # fmt: skip
    assert client.post(f"/api/v1/directory/contact-requests/{request_id}/reply",
                       headers=as_supplier, json={"text": "again"}).status_code == 409  # fmt: skip
    outbox = client.get("/api/v1/directory/contact-requests", headers=as_buyer).json()
    assert [(r["incoming"], r["reply"]) for r in outbox] == [(False, "可以")]
    stranger = new_enterprise(tanji_app, "无关方")
    as_stranger = {"Authorization": f"Bearer {token_for(tanji_app, stranger.actor)}"}
    assert client.get("/api/v1/directory/contact-requests", headers=as_stranger).json() == []


def test_the_disclosure_page(
    client: TestClient, tanji_app: App, other: tuple[str, str, Member]
) -> None:
    number, _, holder = other
    org = holder.actor.org_id
    as_holder = {"Authorization": f"Bearer {token_for(tanji_app, holder.actor)}"}
    text = "2030 年前单位产品碳足迹下降 30%。\n\n<b>不是标记</b>"
    first = client.put(
        "/api/v1/directory/disclosure", headers=as_holder, json={"text": text, "version": 0}
    )
    assert first.status_code == 200
    stale = client.put("/api/v1/directory/disclosure", headers=as_holder,
                       json={"text": "again", "version": 0})  # fmt: skip
    assert stale.status_code == 409
    body = client.get(f"/api/v1/directory/companies/{org}").json()
    assert [p["certificate"] for p in body["products"]] == [number]
    page = client.get(f"/directory/companies/{org}?lang=zh")
    assert "单位产品碳足迹下降 30%" in page.text
    assert "&lt;b&gt;不是标记&lt;/b&gt;" in page.text  # shown as text, escaped
    assert client.get("/api/v1/directory/companies/999999").status_code == 404


def test_the_signed_in_pages_contact_answer_and_disclose(
    tanji_app: App, other: tuple[str, str, Member]
) -> None:
    """The same through the pages: the buyer's form, the supplier's notification (in
    Chinese), its contact requests and answer, the disclosure form."""
    from fastapi.testclient import TestClient
    from tests.web.test_workspace_pages import sign_in

    from tanji.web.app import create_app

    number, _, supplier = other
    buyer = new_enterprise(tanji_app, "页面采购方")
    web = create_app(tanji_app)
    with TestClient(web) as as_buyer, TestClient(web) as as_supplier:
        token = sign_in(as_buyer, buyer)
        page = as_buyer.get(f"/directory/products/{number}?lang=zh")
        assert 'name="message"' in page.text
        empty = as_buyer.post(
            f"/directory/products/{number}/contact", data={"csrf_token": token, "message": " "}
        )
        assert empty.status_code == 422
        assert "留言：请填写 1 到 2000 个字符。" in empty.text
        sent = as_buyer.post(
            f"/directory/products/{number}/contact",
            follow_redirects=False,
            data={"csrf_token": token, "message": "请联系我们的采购部"},
        )
        assert sent.status_code == 303
        assert "sent=1" in sent.headers["location"]

        token = sign_in(as_supplier, supplier)
        notices = as_supplier.get("/notifications?lang=zh").text
        assert "询问贵单位的产品 =示范水泥" in notices
        notice_id = re.findall(r'action="/notifications/(\d+)/open"', notices)[0]
        opened = as_supplier.post(f"/notifications/{notice_id}/open",
                                  data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
        assert opened.headers["location"].endswith("/directory/contacts")
        inbox = as_supplier.get("/directory/contacts?lang=zh").text
        assert "请联系我们的采购部" in inbox
        request_id = int(inbox.split('data-request="', 1)[1].split('"', 1)[0])
        answered = as_supplier.post(
            f"/directory/contacts/{request_id}/reply",
            data={"csrf_token": token, "text": "好的"},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        assert "好的" in as_buyer.get("/directory/contacts").text

        form = as_supplier.get("/directory/disclosure?lang=zh").text
        assert 'name="version" value="0"' in form
        saved = as_supplier.post(
            "/directory/disclosure",
            follow_redirects=False,
            data={"csrf_token": token, "text": "页面披露", "version": "0"},
        )
        assert saved.status_code == 303
        stale = as_supplier.post(
            "/directory/disclosure", data={"csrf_token": token, "text": "旧", "version": "0"}
        )
        assert stale.status_code == 409
        assert "页面披露" in as_buyer.get(saved.headers["location"]).text
        assert as_buyer.get("/directory/guide?lang=zh").status_code == 200


def test_the_demo_disclosure_is_published_once(
    client: TestClient, tanji_app: App, demo_certificate: str
) -> None:
    from tanji.services.directory.demo import DEMO_DISCLOSURE, load_directory_demo

    org_id = load_directory_demo(tanji_app)
    assert load_directory_demo(tanji_app) == org_id  # running twice is harmless
    body = client.get(f"/api/v1/directory/companies/{org_id}").json()
    assert body["text"] == DEMO_DISCLOSURE
    assert body["version"] == 1
    assert demo_certificate in [p["certificate"] for p in body["products"]]
    assert "演示数据，示意" in client.get(f"/directory/companies/{org_id}?lang=zh").text
