"""The problems of a failed data import on its job page, in the reader's language (issue
20): each bad cell of a factor table, and each problem of an LCI data set, said in
Chinese on a Chinese page and in English on an English one (the API keeps its English).
On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import Member, add_member
from tests.web.test_data_import import HEADER, ROW, sign_in, wait_for_job

from tanji.bootstrap import App
from tanji.io.limits import limited
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS


@pytest.fixture(scope="module")
def province_editor(tanji_app: App) -> Member:
    """A new editor of the demo provincial department (factor.import: editors)."""
    email, password, _ = DEMO_ACCOUNTS[3]
    with tanji_app.unit_of_work() as uow:
        admin = logins.authenticate(uow.session, email, password)
    return add_member(tanji_app, admin, "editor")


#: What an English sentence of the readers would leave on a Chinese page
ENGLISH = re.compile(
    r"\b(is not|not a|unknown|required|expected|write|first used|did you mean|needs|"
    r"missing|provides|no process|amount|unit)\b"
)


def _table(page: str, table_id: str) -> str:
    """The text of the page's problem table, without the values marked as data."""
    found = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page, re.S)
    assert found, page[:2000]
    text = re.sub(r'<(span|td)[^>]*translate="no"[^>]*>[^<]*</(span|td)>', "", found.group(1))
    return re.sub(r"<[^>]+>", " ", text)


def _error(page: str) -> str:
    """The job's error as the page says it, without the values marked as data."""
    said = re.search(r'<span id="job-error">(.*?)</span></p>', page, re.S)
    assert said, page[:3000]
    return re.sub(r'<span translate="no">[^<]*</span>', "", said.group(1))


def _failed_upload(
    client: TestClient, member: Member, fmt: str, name: str, content: bytes
) -> tuple[str, dict[str, Any]]:
    token = sign_in(client, member.email)
    response = client.post(
        "/data/import",
        data={"csrf_token": token, "format": fmt, "name": f"bad-{secrets.token_hex(4)}"},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    job_page = response.headers["location"]
    job = wait_for_job(client, job_page.removeprefix("/jobs/"))
    assert job["status"] == "failed", job
    return job_page, job


def _row(code: str, **cells: str) -> str:
    values = dict(
        zip(HEADER.split(","), ROW.format(code=code, name="钢", co2="1").split(","), strict=True)
    )
    return ",".join({**values, **cells}.values())


def test_the_bad_cells_of_a_factor_table_are_said_in_the_readers_language(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    rows = [
        _row("A1", co2_kg="abc"),
        _row("A2", kind="electricity", valid_from="2021/01/01"),
        _row("A1", illustrative="maybe", source_year="2024.5"),
        _row("A4", co2_kg="", co2e_kg="5", gwp_basis="AR6"),
        _row("A5", distribution="lognormal", gsd="0.5", unit=""),
    ]
    table = "\n".join([HEADER, *rows]).encode()
    job_page, job = _failed_upload(client, province_editor, "csv", "bad.csv", table)
    assert "row 2, column co2_kg: 'abc' is not a number" in job["error"]  # the API: English

    chinese = _table(client.get(f"{job_page}?lang=zh").text, "import-cells")
    for said in ("不是数字", "不是可选值之一", "不是日期", "已使用", "不是“是/否”值", "不是整数",
                 "不是可识别的 GWP 基准", "必填", "几何标准差"):  # fmt: skip
        assert said in chinese, (said, chinese)
    assert not ENGLISH.search(chinese), ENGLISH.search(chinese)

    english = _table(client.get(f"{job_page}?lang=en").text, "import-cells")
    assert "is not a number" in english
    assert "is not a date: write YYYY-MM-DD" in english
    assert "gsd: a lognormal distribution needs a gsd greater than 1" in english
    assert "不是数字" not in english


def test_a_table_that_is_not_a_workbook_is_said_without_the_librarys_words(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    job_page, job = _failed_upload(client, province_editor, "xlsx", "f.xlsx", b"not a workbook")
    assert "not an Excel .xlsx workbook" in job["error"]
    chinese = client.get(f"{job_page}?lang=zh").text
    said = re.search(r'<span id="job-error">(.*?)</span></p>', chinese, re.S)
    assert said, chinese[:3000]
    assert "不是 Excel .xlsx 工作簿" in said.group(1)
    assert "zip" not in said.group(1).lower()  # the library's "File is not a zip file"


def test_the_problems_of_an_lci_import_are_said_in_the_readers_language(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    """An openLCA export of one process without its provider."""
    export = shared_standards / "openlca" / "jsonld-zips" / "exchange_sync-process.zip"
    job_page, job = _failed_upload(
        client, province_editor, "olca-jsonld", "process.zip", export.read_bytes()
    )
    assert job["error"].startswith("process.zip: 1 problem")  # the API: English
    chinese = _table(client.get(f"{job_page}?lang=zh").text, "import-problems")
    assert "压缩包中没有提供" in chinese
    assert "无提供者的输入" in chinese  # the import option to choose, by its label
    assert not ENGLISH.search(chinese), ENGLISH.search(chinese)
    english = _table(client.get(f"{job_page}?lang=en").text, "import-problems")
    assert "no process in the zip provides" in english
    assert "--unlinked" not in english  # the option by its label on the page, not the CLI's


def test_an_lci_file_in_the_wrong_format_or_with_a_librarys_words_is_said_in_chinese(
    tanji_app: App, client: TestClient, province_editor: Member
) -> None:
    job_page, job = _failed_upload(client, province_editor, "olca-jsonld", "p.zip", b"plain text")
    assert job["error"] == "p.zip: not a zip file: expected an openLCA JSON-LD export"
    chinese = client.get(f"{job_page}?lang=zh").text
    assert "不是 zip 压缩包；请上传 openLCA 导出的 JSON-LD zip 压缩包" in chinese
    assert "expected an openLCA" not in chinese
    job_page, _ = _failed_upload(client, province_editor, "bw-datapackage", "p.zip", b"text")
    said = _error(client.get(f"{job_page}?lang=zh").text)
    assert "不是 Brightway 数据包" in said
    assert not ENGLISH.search(said)
    # A problem without a code of its own (here: openLCA data that is not a JSON object) is
    # said in Chinese, its original words marked as not the platform's.
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("processes/p.json", "[]")
    job_page, _ = _failed_upload(client, province_editor, "olca-jsonld", "p.zip", packed.getvalue())
    said = _error(client.get(f"{job_page}?lang=zh").text)
    assert "无法读取或导入（原文说明：" in said
    assert not ENGLISH.search(said)


def test_a_file_over_a_cap_is_said_in_chinese(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    export = shared_standards / "openlca" / "jsonld-zips" / "exchange_sync-process.zip"
    with limited(zip_entries=2):
        job_page, job = _failed_upload(
            client, province_editor, "olca-jsonld", "process.zip", export.read_bytes()
        )
    assert "[refused: zip-entries]" in job["error"]  # the API: English, with the cap's kind
    said = re.search(
        r'<span id="job-error">(.*?)</span></p>', client.get(f"{job_page}?lang=zh").text, re.S
    )
    assert said
    assert "超过可读取的上限 2 个" in said.group(1)
    assert "TANJI_LIMIT" not in said.group(1)
    assert "refused" not in said.group(1)


def test_the_problems_of_an_ecospold2_import_are_said_in_chinese(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    """The ecoSpold2 sample alone: its input's provider is not among the files."""
    sample = shared_standards / "ecospold" / "sample_ecospold2.xml"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("datasets/sample.spold", sample.read_bytes())
    job_page, job = _failed_upload(
        client, province_editor, "ecospold2", "sample.zip", packed.getvalue()
    )
    assert job["error"].startswith("sample.zip: datasets: 1 problem")
    chinese = _table(client.get(f"{job_page}?lang=zh").text, "import-problems")
    assert "所读取的文件中没有产出 intermediateExchangeId" in chinese
    assert not ENGLISH.search(chinese), ENGLISH.search(chinese)
    english = _table(client.get(f"{job_page}?lang=en").text, "import-problems")
    assert "among the files read, found none; upload the providers too" in english
    assert "from Python" not in english


def test_a_library_s_words_about_a_broken_file_are_folded_away(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    """A .spold file cut short: lxml's message stays out of the Chinese page."""
    sample = (shared_standards / "ecospold" / "sample_ecospold2.xml").read_bytes()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("datasets/sample.spold", sample[: len(sample) // 2])
    job_page, job = _failed_upload(
        client, province_editor, "ecospold2", "cut.zip", packed.getvalue()
    )
    assert "malformed XML at line" in job["error"]  # the API: English, with lxml's words
    said = _error(client.get(f"{job_page}?lang=zh").text)
    assert "XML 格式有误" in said
    assert not ENGLISH.search(said)
    assert not re.search(r"[A-Za-z]{4,}", said.replace("XML", "")), said


def test_an_exchange_in_a_unit_of_another_kind_is_said_in_chinese(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    """The authored openLCA battery cell, one exchange of its grid process in kWh of mass."""
    source = shared_standards / "openlca" / "authored" / "lfp-cell-illustrative.jsonld.zip"
    grid = "c29d7389-8c5a-5f3e-be95-bd6fcf770193"
    packed = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(packed, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name.endswith(f"{grid}.json"):
                process = json.loads(data)
                process["exchanges"][1]["unit"] = {"@id": "x", "name": "kWh"}
                data = json.dumps(process).encode()
            new.writestr(name, data)
    job_page, _ = _failed_upload(
        client, province_editor, "olca-jsonld", "cell.zip", packed.getvalue()
    )
    chinese = _table(client.get(f"{job_page}?lang=zh").text, "import-problems")
    assert "单位组中，无法换算" in chinese
    assert not ENGLISH.search(chinese), ENGLISH.search(chinese)
    english = _table(client.get(f"{job_page}?lang=en").text, "import-problems")
    assert "is not in the unit group of" in english


def test_an_amount_that_is_not_finite_is_said_in_chinese(
    tanji_app: App, client: TestClient, province_editor: Member, shared_standards: Path
) -> None:
    sample = (shared_standards / "ecospold" / "sample_ecospold2.xml").read_text(encoding="utf-8")
    broken = re.sub(r'amount="[^"]*"', 'amount="inf"', sample, count=1)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("datasets/sample.spold", broken)
    job_page, job = _failed_upload(
        client, province_editor, "ecospold2", "inf.zip", packed.getvalue()
    )
    assert "expected a finite number, got 'inf'" in job["error"]  # the API: English
    said = _error(client.get(f"{job_page}?lang=zh").text)
    assert "行：" in said
    assert "应为有限的数值" in said
    assert not ENGLISH.search(said)
