"""The problems of an uploaded activity-data workbook on the product page, in the
reader's language (issue 20): every cell problem the reader finds, a factor the library
does not have, a file that is not a workbook, and the changes an applied workbook made.
On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.web.conftest import new_enterprise
from tests.web.test_workspace_pages import new_product, sign_in
from tests.web.untranslated import untranslated

from tanji.bootstrap import App


def _columns(sheet: Any) -> dict[str, int]:
    return {str(c.value).split(" ", 1)[1]: c.column for c in sheet[1]}


def _rows(sheet: Any) -> dict[str, int]:
    return {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}


def _upload(client: TestClient, base: str, token: str, content: bytes, language: str) -> Any:
    return client.post(
        f"{base}/activity-data?lang={language}",
        data={"csrf_token": token},
        files={"file": ("filled.xlsx", content)},
    )


def _saved(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _report(page: str) -> str:
    """The text of the upload's report (tags and data marked translate="no" dropped)."""
    found = re.search(r'<div class="report[^"]*" role="status">(.*?)</div>', page, re.S)
    assert found, page
    text = re.sub(r'<span translate="no">[^<]*</span>', "", found.group(1))
    return re.sub(r"<[^>]+>", " ", text)


def _workbook(client: TestClient, token: str) -> tuple[str, Any]:
    base = f"/workspace/products/{new_product(client, token)}"
    return base, load_workbook(io.BytesIO(client.get(f"{base}/template.xlsx?lang=zh").content))


def _spoil(book: Any) -> None:
    """One problem in each kind of cell."""
    sheet = book.worksheets[0]
    columns, rows = _columns(sheet), _rows(sheet)
    first, second, third = list(rows)[:3]
    sheet.cell(row=rows[first], column=columns["Amount"], value="-5")
    sheet.cell(row=rows[first], column=columns["TeR"], value=7)
    sheet.cell(row=rows[first], column=columns["Distribution"], value="lognormall")
    sheet.cell(row=rows[second], column=columns["Unit"], value="zorks")
    sheet.cell(row=rows[second], column=columns["Data"], value="measured")
    sheet.cell(row=rows[second], column=columns["Distribution"], value="lognormal")
    sheet.cell(row=rows[second], column=columns["GSD"], value=0.5)
    sheet.cell(row=rows[third], column=columns["Unit"], value="km")
    sheet.cell(row=rows[third], column=columns["Amount"], value="twelve")
    sheet.cell(row=rows[third], column=columns["Distribution"], value="uniform")
    sheet.cell(row=rows[third], column=columns["Minimum"], value=3)
    sheet.cell(row=sheet.max_row + 1, column=1, value="no-such-line")


#: What an English sentence of the reader (or the row/column frame) would leave
ENGLISH = re.compile(r"\b(expected|is not|unknown|given|required|needs|negative|Row|column)\b")


def test_every_problem_of_a_workbook_is_said_in_chinese(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base, book = _workbook(client, token)
    _spoil(book)
    page = _upload(client, base, token, _saved(book), "zh")
    assert page.status_code == 422
    report = _report(page.text)
    for words in ("是负数", "不是 PEF 数据质量评分", "不是可用的分布", "无法识别的单位",
                  "不是初级数据或次级数据", "不是有效的几何标准差", "不是数字",
                  "均匀分布需要最大值", "无法识别的条目编号", "第 "):  # fmt: skip
        assert words in report, words
    assert not ENGLISH.search(report), ENGLISH.search(report)


def test_the_same_problems_in_english(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base, book = _workbook(client, token)
    _spoil(book)
    page = _upload(client, base, token, _saved(book), "en")
    assert page.status_code == 422
    report = _report(page.text)
    assert "is negative; expected an amount ≥ 0" in report
    assert "is not a PEF quality score" in report
    assert "a uniform distribution needs its maximum" in report
    assert "Row " in report


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [("zh", "不是 Excel .xlsx 工作簿", "not an Excel"), ("en", "not an Excel .xlsx workbook", "")],
)
def test_a_file_that_is_not_a_workbook(
    tanji_app: App, client: TestClient, language: str, words: str, english: str
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base = f"/workspace/products/{new_product(client, token)}"
    page = _upload(client, base, token, b"hello", language)
    assert page.status_code == 422
    report = _report(page.text)
    assert words in report
    assert not english or english not in report
    assert "BadZipFile" not in report
    assert "File is not a zip file" not in report


def test_a_factor_the_library_does_not_have_is_said_in_chinese(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base, book = _workbook(client, token)
    sheet = book.worksheets[0]
    columns = _columns(sheet)
    factors = columns["Factor"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=factors).value)
    sheet.cell(row=row, column=columns["Factor"], value="cn-fuels:NO-SUCH-FACTOR")
    page = _upload(client, base, token, _saved(book), "zh")
    assert page.status_code == 422
    report = _report(page.text)
    assert "因子" in report
    assert "there is no factor" not in report
    assert not ENGLISH.search(report), ENGLISH.search(report)


def test_the_changes_of_an_applied_workbook_are_said_in_chinese(
    tanji_app: App, client: TestClient
) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base, book = _workbook(client, token)
    sheet = book.worksheets[0]
    columns, rows = _columns(sheet), _rows(sheet)
    first = next(iter(rows))
    sheet.cell(row=rows[first], column=columns["Amount"], value=123)
    sheet.cell(row=rows[first], column=columns["Evidence"], value="电表读数")
    sheet.cell(row=rows[first], column=columns["TeR"], value=2)
    sheet.cell(row=rows[first], column=columns["Distribution"], value="lognormal")
    sheet.cell(row=rows[first], column=columns["GSD"], value=1.2)
    page = _upload(client, base, token, _saved(book), "zh")
    assert page.status_code == 200, page.text
    report = _report(page.text)
    assert "」的数量：" in report
    assert "」的证据：" in report
    assert "（空）" in report
    assert "quantity" not in report
    assert "(empty)" not in report
    assert "lines[" not in report
    assert "」的数据质量：" in report
    assert "」的不确定性：" in report
    assert untranslated(page.text) == []  # the values changed are marked as the model's


def test_the_notes_name_the_lines_by_their_names(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base, book = _workbook(client, token)
    added = client.post(
        f"{base}/lines?lang=zh",
        data={"kind": "factor", "id": "steam", "name": "外购蒸汽", "stage": "production",
              "amount": "5", "unit": "kWh", "factor": "cn-electricity:CN-ELEC-LCA-2023-CN"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )  # fmt: skip
    assert added.status_code == 200, added.text
    sheet = book.worksheets[0]
    columns, rows = _columns(sheet), _rows(sheet)
    sheet.cell(row=rows[next(iter(rows))], column=columns["Amount"], value=123)
    page = _upload(client, base, token, _saved(book), "zh")
    assert page.status_code == 200, page.text
    assert '条目「<span translate="no">外购蒸汽</span>」是下载工作簿之后新增的' in page.text
