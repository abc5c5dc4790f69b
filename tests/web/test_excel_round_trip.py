"""The Excel round trip follows the product, not a version (issue 20): a workbook
downloaded before an edit still fills the lines it names and reports the lines changed
or removed since; factors are chosen from each line's list of the library's factors of
its kind and applied on upload (checked like any change). On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.test_workspace_api import create, current, headers

from tanji.bootstrap import App
from tanji.io.activity_template import FACTORS_SHEET

PER_KWH = "cn-electricity:CN-ELEC-LCA-2023-CN"


def _columns(sheet: Any) -> dict[str, int]:
    return {str(c.value).split(" ", 1)[1]: c.column for c in sheet[1]}


def _rows(sheet: Any) -> dict[str, int]:
    return {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}


def _upload(client: TestClient, base: str, auth: dict[str, str], book: Any) -> Any:
    buffer = io.BytesIO()
    book.save(buffer)
    files = {"file": ("data.xlsx", buffer.getvalue(), "application/octet-stream")}
    return client.post(f"{base}/activity-data", files=files, headers=auth)


def test_a_workbook_downloaded_before_an_edit_still_fills_its_lines(
    tanji_app: App, client: TestClient
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    book = load_workbook(io.BytesIO(client.get(f"{base}/template.xlsx", headers=auth).content))
    # The product changes after the download: the electricity amount, a line removed.
    power = {"id": "electricity", "stage": "production", "kind": "electricity",
             "amount": 300, "unit": "kWh", "geography": "CN-JS", "year": 2024}  # fmt: skip
    at = current(client, base, auth)
    edited = client.put(f"{base}/lines/electricity", json=power, headers=at)
    assert edited.status_code == 200, edited.text
    gone = client.delete(f"{base}/lines/inbound-road", headers=current(client, base, auth))
    assert gone.status_code in (200, 204), gone.text

    sheet = book.worksheets[0]
    columns, rows = _columns(sheet), _rows(sheet)
    sheet.cell(row=rows["natural-gas"], column=columns["Amount"], value=12)
    # main-material's list: the library's factors per kg (its placeholder is per kg)
    listed = [c.value for c in book[FACTORS_SHEET]["A"] if c.value]
    assert listed[0] == "main-material"
    assert all("/kg)" in text or "/t)" in text for text in listed[1:]), listed[:5]
    chosen = listed[1]
    sheet.cell(row=rows["main-material"], column=columns["Factor"], value=chosen)

    upload = _upload(client, base, auth, book)
    assert upload.status_code == 200, upload.text
    report = upload.json()
    assert report["applied"] is True
    assert any("natural-gas" in c for c in report["changes"])
    assert any("main-material" in c and "factor" in c for c in report["changes"])
    notes = " ".join(report["notes"])
    assert "line electricity changed after the workbook was downloaded" in notes
    assert "line inbound-road was removed" in notes
    assert "tanji model" not in notes
    lines = {x["id"]: x for x in client.get(base, headers=auth).json()["document"]["lines"]}
    assert lines["natural-gas"]["quantity"] == "12 m3"
    assert lines["electricity"]["quantity"] == "300 kWh"  # the edit since is kept
    assert lines["main-material"]["factor"] == chosen.split()[0]


def test_a_factor_of_another_kind_chosen_in_the_workbook_is_refused(
    tanji_app: App, client: TestClient
) -> None:
    auth = headers(tanji_app)
    base = f"/api/v1/products/{create(client, auth)['id']}"
    book = load_workbook(io.BytesIO(client.get(f"{base}/template.xlsx", headers=auth).content))
    sheet = book.worksheets[0]
    cell = sheet.cell(row=_rows(sheet)["main-material"], column=_columns(sheet)["Factor"])
    cell.value = PER_KWH  # typed by hand: a per-kWh factor for a line in kg
    upload = _upload(client, base, auth, book)
    assert upload.status_code == 422
    assert upload.json()["applied"] is False
    assert any("per kWh" in p for p in upload.json()["problems"])
    document = client.get(base, headers=auth).json()["document"]
    [line] = [x for x in document["lines"] if x["id"] == "main-material"]
    assert isinstance(line["factor"], dict)  # unchanged
