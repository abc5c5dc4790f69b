"""Importing data from the web: the page and the API start a job, its progress ends on a
summary, the factors are then in the public library; a bad file names its row and column
and stores nothing; only those who may import (``factor.import``) can."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.cli.datapackages import GWP, add_database, add_method, write_package
from tests.cli.jsonld import smelter_zip
from tests.web.conftest import PASSWORD, Member, add_member, new_enterprise, token_for

from tanji.bootstrap import App
from tanji.services import logins, products
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.audit import audit_log
from tanji.services.catalog import list_databases
from tanji.services.errors import InvalidInputError
from tanji.services.reference import SHIPPED_TABLES

HEADER = (
    "code,name_zh,name_en,kind,unit,geography,valid_from,valid_to,co2_kg,ch4_kg,n2o_kg,co2e_kg,"
    "gwp_basis,boundary,distribution,gsd,source_publisher,source_title,source_year,"
    "source_document,source_table,source_url,source_licence,illustrative,notes"
)
ROW = (
    "{code},{name},Hot-rolled coil {code},material,t,CN-JS,2023-01-01,2023-12-31,{co2},,,,,"
    "life_cycle,,,Jiangsu Steel Association,Steel factors,2024,,Table 1,,,true,illustrative"
)


def factor_csv(code: str, name: str, co2: str = "1850") -> bytes:
    return f"{HEADER}\n{ROW.format(code=code, name=name, co2=co2)}\n".encode()


def _unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    token = _csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return _csrf(client.get("/account").text)


@pytest.fixture(scope="module")
def province_editor(tanji_app: App) -> Member:
    """A new editor of the demo provincial department (factor.import: editors)."""
    email, password, _ = DEMO_ACCOUNTS[3]
    with tanji_app.unit_of_work() as uow:
        admin = logins.authenticate(uow.session, email, password)
    return add_member(tanji_app, admin, "editor")


def wait_for_job(client: TestClient, job_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Poll the job's JSON until it ends; every message seen on the way is kept."""
    deadline = time.monotonic() + timeout
    messages: list[str] = []
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        messages.append(job["message"])
        if job["status"] != "running":
            job["seen"] = messages
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still running after {timeout} s")


def test_a_province_editor_imports_a_factor_table_through_the_page(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    started = time.perf_counter()
    token = sign_in(client, province_editor.email)
    page = client.get("/data/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/data/import"' in client.get("/account").text  # the header and the account
    database, code = _unique("steel"), _unique("HRC")
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "csv", "name": database, "version": "2025",
              "visibility": "public"},
        files={"file": ("steel factors.csv", factor_csv(code, "网页导入热轧钢卷"), "text/csv")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text[:500]
    job_page = response.headers["location"]
    assert job_page.startswith("/jobs/")
    job = wait_for_job(client, job_page.removeprefix("/jobs/"))
    assert job["status"] == "done", job
    assert job["fraction"] == 1.0
    summary_url = job["result_url"]
    assert re.fullmatch(r"/data/imports/\d+", summary_url)
    # The progress page sends a browser on to the summary once the job is done.
    assert client.get(job_page, follow_redirects=False).headers["location"] == summary_url
    summary = client.get(summary_url)
    assert summary.status_code == 200
    assert database in summary.text
    assert "2025" in summary.text
    assert re.search(r'id="records">\s*1\s*<', summary.text)
    library = f"/factors?database={database}"
    assert f'href="{library}"' in summary.text
    listed = client.get(library)
    assert code in listed.text
    # The public factor search finds it, for anyone (a fresh client, not signed in).
    with TestClient(client.app) as anonymous:
        hits = anonymous.get("/api/v1/factors", params={"q": "网页导入热轧钢卷"}).json()["data"]
    assert [hit["ref"] for hit in hits] == [f"{database}:{code}@1"]
    with tanji_app.unit_of_work() as uow:
        (entry,) = audit_log(
            uow.session, _province_admin(tanji_app), action="data.import", entity_kind=None,
            limit=500,
        )[:1]  # fmt: skip
    assert entry.after is not None
    assert entry.after["database"] == database
    assert entry.actor_user_id == province_editor.actor.user_id
    print(f"page import: {time.perf_counter() - started:.2f} s")


def _province_admin(tanji_app: App) -> Any:
    email, password, _ = DEMO_ACCOUNTS[3]
    with tanji_app.unit_of_work() as uow:
        return logins.authenticate(uow.session, email, password)


def test_the_api_imports_a_table_with_a_token_and_reports_progress(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    secret = token_for(tanji_app, province_editor.actor, ["factor.import"])
    client.headers["Authorization"] = f"Bearer {secret}"
    database, code = _unique("api-steel"), _unique("API")
    response = client.post(
        "/api/v1/data/imports",
        data={"format": "csv", "name": database, "version": "v1", "visibility": "public"},
        files={"file": ("factors.csv", factor_csv(code, "接口导入热轧钢卷"), "text/csv")},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["job_url"] == f"/api/v1/jobs/{body['job_id']}"
    job = wait_for_job(client, body["job_id"])
    assert job["status"] == "done", job
    entry_id = int(job["result_url"].rsplit("/", 1)[1])
    imported = client.get(f"/api/v1/data/imports/{entry_id}").json()
    assert (imported["database"], imported["version"], imported["records"]) == (database, "v1", 1)
    assert imported["counts"]["new"] == 1
    hits = client.get("/api/v1/factors", params={"q": code.lower()}).json()["data"]
    assert [hit["ref"] for hit in hits] == [f"{database}:{code}@1"]
    # A second version of one's own database; a taken version label is refused at once.
    again = client.post(
        "/api/v1/data/imports",
        data={"format": "csv", "name": database, "version": "v1"},
        files={"file": ("factors.csv", factor_csv(code, "接口导入热轧钢卷"), "text/csv")},
    )
    assert again.status_code == 422
    assert "version" in again.json()["error"]["fields"]


def test_a_bad_table_names_row_and_column_and_stores_nothing(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    token = sign_in(client, province_editor.email)
    database = _unique("bad")
    bad = factor_csv("B1", "坏数据", co2="abc")
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "csv", "name": database},
        files={"file": ("broken.csv", bad, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_page = response.headers["location"]
    job = wait_for_job(client, job_page.removeprefix("/jobs/"))
    assert job["status"] == "failed"
    assert job["error"].startswith("broken.csv: 1 error; nothing was imported")
    assert "row 2, column co2_kg: 'abc' is not a number" in job["error"]
    assert "tanji-import-" not in job["error"]  # the temporary folder is never shown
    page = client.get(job_page)
    assert '<td>2</td><td translate="no">co2_kg</td>' in page.text  # row and column
    assert "Traceback" not in page.text
    # The page says the failure in the reader's language (the API keeps English).
    chinese = client.get(f"{job_page}?lang=zh").text
    assert "broken.csv</span>：有 1 处错误，未导入任何数据" in chinese
    assert "nothing was imported" not in chinese
    cells = chinese[chinese.index('id="import-cells"') :]
    assert "<th>行</th><th>列</th>" in cells
    assert "<td>2</td>" in cells
    with tanji_app.unit_of_work() as uow:
        assert database not in {d.name for d in list_databases(uow.session)}


def test_a_form_without_a_file_or_with_the_wrong_one_is_shown_again(
    client: TestClient, province_editor: Member
) -> None:
    token = sign_in(client, province_editor.email)
    for language, expected in (
        ("zh", ("xlsx 导入需要 .xlsx 文件", "数据库名称应为 1 至 200 个字符")),
        ("en", ("a xlsx import expects a .xlsx file", "a database name of 1 to 200 characters")),
    ):
        response = client.post(
            f"/data/import?lang={language}",
            data={"csrf_token": token, "format": "xlsx", "name": ""},
            files={"file": ("factors.csv", b"x", "text/csv")},
        )
        assert response.status_code == 422
        for text in expected:
            assert text in response.text
        if language == "zh":
            assert "expects a" not in response.text  # the form's problems in Chinese


def test_enterprises_and_others_may_not_import(tanji_app: App, client: TestClient) -> None:
    enterprise = new_enterprise(tanji_app, "导入企业")
    token = sign_in(client, enterprise.email)
    assert 'href="/data/import"' not in client.get("/account").text
    page = client.get("/data/import")
    assert page.status_code == 403
    assert "您的账户无权执行此操作" in page.text  # what 403 means, in Chinese
    page = client.get("/data/import?lang=en")  # in English, the service's own reason
    assert "Importing emission factors and LCI data is for" in page.text
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "csv", "name": _unique("nope")},
        files={"file": ("f.csv", factor_csv("N1", "不可"), "text/csv")},
    )
    assert response.status_code == 403
    api = client.post(
        "/api/v1/data/imports",
        data={"format": "csv", "name": _unique("nope")},
        files={"file": ("f.csv", factor_csv("N1", "不可"), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "forbidden"


def test_a_database_of_another_organisation_takes_no_version_from_us(
    client: TestClient, province_editor: Member
) -> None:
    token = sign_in(client, province_editor.email)
    shipped = SHIPPED_TABLES[0].database  # the platform's reference data
    response = client.post(
        "/data/import?lang=en",
        data={"csrf_token": token, "format": "csv", "name": shipped},
        files={"file": ("f.csv", factor_csv("G1", "电网"), "text/csv")},
    )
    assert response.status_code == 403
    assert "only its owner may add versions" in response.text


def _databases(tanji_app: App) -> list[Any]:
    with tanji_app.unit_of_work() as uow:
        return list_databases(uow.session)


def test_a_brightway_datapackage_imports_as_lci_data(
    tanji_app: App, client: TestClient, province_editor: Member, tmp_path: Path
) -> None:
    started = time.perf_counter()

    def fill(package: Any) -> None:
        add_database(package)
        add_method(package, "gwp", GWP)

    package = write_package(tmp_path / "small.zip", fill)
    token = sign_in(client, province_editor.email)
    database = _unique("bw")
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "bw-datapackage", "name": database},
        files={"file": ("small.zip", package.read_bytes(), "application/zip")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    job = wait_for_job(client, response.headers["location"].removeprefix("/jobs/"))
    assert job["status"] == "done", job
    summary = client.get(job["result_url"])
    assert summary.status_code == 200
    assert re.search(r'id="records">\s*3\s*<', summary.text)  # three activities
    imported = {d.name: d for d in _databases(tanji_app)}[database]
    assert (imported.kind, imported.records, imported.versions) == ("lci", 3, ("1",))
    # The columnar snapshot was written, as `tanji data import` writes it.
    assert list((tanji_app.settings.data_dir / "cache").rglob("*lci-*.npz"))
    print(f"LCI import: {time.perf_counter() - started:.2f} s")


def test_greenhouse_gas_like_flows_without_a_gwp_are_shown_after_import(
    client: TestClient, province_editor: Member, tmp_path: Path
) -> None:
    path, _ = smelter_zip(tmp_path / "smelter.zip")
    token = sign_in(client, province_editor.email)
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "olca-jsonld", "name": _unique("smelter")},
        files={"file": ("smelter.zip", path.read_bytes(), "application/zip")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    job = wait_for_job(client, response.headers["location"].removeprefix("/jobs/"))
    assert job["status"] == "done", job
    page = client.get(job["result_url"]).text
    assert 'id="ghg-warnings"' in page
    assert "Perfluorocarbons, unspecified (Elementary flows/Emission to air/unspecified)" in page
    entry_id = job["result_url"].rsplit("/", 1)[1]
    report = client.get(f"/api/v1/data/imports/{entry_id}").json()
    assert report["ghg_warnings"] == [
        "Perfluorocarbons, unspecified (Elementary flows/Emission to air/unspecified)"
    ]


def test_an_import_summary_is_its_organisations_only(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    secret = token_for(tanji_app, province_editor.actor, ["factor.import"])
    response = client.post(
        "/api/v1/data/imports",
        data={"format": "csv", "name": _unique("mine")},
        files={"file": ("f.csv", factor_csv(_unique("M"), "本组织"), "text/csv")},
        headers={"Authorization": f"Bearer {secret}"},
    )
    job_id = response.json()["job_id"]
    client.headers["Authorization"] = f"Bearer {secret}"
    entry = wait_for_job(client, job_id)["result_url"].rsplit("/", 1)[1]
    del client.headers["Authorization"]
    enterprise = new_enterprise(tanji_app)
    sign_in(client, enterprise.email)
    assert client.get(f"/data/imports/{entry}").status_code == 404


def test_a_private_database_is_read_by_its_owner_only(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    """Visibility holds in the library: a private import is invisible to the public and
    to other organisations (its factor answers 404), visible to its owner and to the
    platform operator."""
    database, code = _unique("private-steel"), _unique("PRIV")
    owner_token = token_for(tanji_app, province_editor.actor, ["factor.import", "product.read"])
    owner = {"Authorization": f"Bearer {owner_token}"}
    response = client.post(
        "/api/v1/data/imports",
        data={"format": "csv", "name": database, "version": "v1", "visibility": "private"},
        files={"file": ("factors.csv", factor_csv(code, "保密热轧钢卷"), "text/csv")},
        headers=owner,
    )
    assert response.status_code == 202, response.text
    job = client.get(f"/api/v1/jobs/{response.json()['job_id']}", headers=owner).json()
    deadline = time.monotonic() + 30
    while job["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.02)
        job = client.get(f"/api/v1/jobs/{response.json()['job_id']}", headers=owner).json()
    assert job["status"] == "done", job
    ref = f"{database}:{code}@1"
    enterprise = new_enterprise(tanji_app)
    platform_email, platform_password, _ = DEMO_ACCOUNTS[0]
    with tanji_app.unit_of_work() as uow:
        platform = logins.authenticate(uow.session, platform_email, platform_password)
    readers = {
        "anonymous": ({}, False),
        "owner": (owner, True),
        "other organisation": (
            {"Authorization": f"Bearer {token_for(tanji_app, enterprise.actor, ['product.read'])}"},
            False,
        ),
        "platform": (
            {"Authorization": f"Bearer {token_for(tanji_app, platform, ['product.read'])}"},
            True,
        ),
    }
    for who, (headers, sees) in readers.items():
        hits = client.get("/api/v1/factors", params={"q": code.lower()}, headers=headers)
        assert [h["ref"] for h in hits.json()["data"]] == ([ref] if sees else []), who
        detail = client.get(f"/api/v1/factors/{ref}", headers=headers)
        assert detail.status_code == (200 if sees else 404), who
    page = client.get("/factors", params={"q": code.lower()})
    assert "保密热轧钢卷" not in page.text
    assert client.get(f"/factors/{ref}").status_code == 404
    # Nor can another organisation's product model use it: its line answers as missing,
    # refused when the model is saved (as a factor that does not exist would be).
    model = f"""
tanji: product-model/1
id: uses-private
version: "1"
product: {{name: {{zh: 钢卷, en: coil}}, category: steel, declared_unit: 1 t}}
lines:
  - {{id: coil, stage: raw_materials, quantity: 1 t, factor: "{ref}"}}
"""
    with tanji_app.unit_of_work() as uow:
        made = products.create_product(
            uow.session, enterprise.actor, template="general", code="uses-private", name_zh="钢卷"
        )
    with tanji_app.unit_of_work() as uow, pytest.raises(InvalidInputError) as refused:
        products.update_document(uow.session, enterprise.actor, made.id, model, "model.yaml")
    assert f"there is no factor {ref} in the factor library you can read" in str(refused.value)


def test_an_lci_import_lists_every_problem_then_imports_under_the_policies(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    """An openLCA export of one process without its provider: refused with a table of
    problems; with "cut them off" chosen, imported with a table of what was done."""
    export = shared_standards / "openlca" / "jsonld-zips" / "exchange_sync-process.zip"
    token = sign_in(client, province_editor.email)
    page = client.get("/data/import").text
    assert 'name="multi_output"' in page
    assert 'name="providers"' in page
    database = _unique("olca")

    def submit(**policies: str) -> dict[str, Any]:
        response = client.post(
            "/data/import",
            data={"csrf_token": token, "format": "olca-jsonld", "name": database, **policies},
            files={"file": ("process.zip", export.read_bytes(), "application/zip")},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
        job = wait_for_job(client, response.headers["location"].removeprefix("/jobs/"))
        job["page"] = client.get(response.headers["location"]).text
        return job

    failed = submit()
    assert failed["status"] == "failed"
    assert failed["error"].startswith("process.zip: 1 problem; nothing was imported")
    assert 'id="import-problems"' in failed["page"]
    assert "压缩包中没有提供" in failed["page"]  # the problem itself, in the reader's language
    assert "tanji-import-" not in failed["page"]
    chinese = client.get(f"/jobs/{failed['id']}?lang=zh").text
    assert "process.zip</span>：有 1 个问题，未导入任何数据" in chinese
    assert "tanji data import" not in chinese
    with tanji_app.unit_of_work() as uow:
        assert database not in {d.name for d in list_databases(uow.session)}

    done = submit(unlinked="cut-off", multi_output="reference-only", providers="error")
    assert done["status"] == "done", done
    summary = client.get(done["result_url"]).text
    assert 'id="import-notes"' in summary
    assert "截断法: 1" in summary  # the note's kind in words
    assert "cut-off: 1" in client.get(f"{done['result_url']}?lang=en").text
    assert "Test flow 2" in summary
    report = client.get(f"/api/v1/data/imports/{done['result_url'].rsplit('/', 1)[1]}")
    assert report.status_code == 200, report.text
    assert [n["kind"] for n in report.json()["notes"]] == ["cut-off"]


def test_a_file_that_is_not_a_zip_fails_its_job_in_the_readers_language(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    token = sign_in(client, province_editor.email)
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": "ecospold2", "name": _unique("spold")},
        files={"file": ("data.zip", b"not a zip at all", "application/zip")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    job_page = response.headers["location"]
    job = wait_for_job(client, job_page.removeprefix("/jobs/"))
    assert job["status"] == "failed"
    assert job["error"] == "data.zip: not a zip file; expected a zip of .spold files"  # API
    chinese = client.get(f"{job_page}?lang=zh").text
    assert "不是 zip 压缩包" in chinese
    assert "expected a zip" not in chinese
    english = client.get(f"{job_page}?lang=en").text
    assert "not a zip file: upload a zip of .spold files" in english
