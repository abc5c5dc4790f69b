"""The audit log in words (issue 20): every change field by field, before → after, in
the reader's language — a line edit names the line and its quantity, not a fingerprint
of the document; a change of facts names each fact, not a dump of a dict."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.conftest import new_enterprise
from tests.web.test_workspace_pages import new_product, sign_in

from tanji.bootstrap import App

COKE = "ipcc2006-fuels:IPCC2006-SC-EI-COKING-COAL-T"


def _line(amount: str) -> dict[str, str]:
    return {"kind": "factor", "id": "coke", "name": "焦炭", "stage": "production",
            "amount": amount, "unit": "t", "factor": COKE}  # fmt: skip


def _audit_section(page: str) -> str:
    found = re.search(r'<section class="card" id="audit">(.*?)</section>', page, re.S)
    assert found, "no audit log on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_audit_log_says_each_change_in_words(tanji_app: App, client: TestClient) -> None:
    token = sign_in(client, new_enterprise(tanji_app))
    base = f"/workspace/products/{new_product(client, token)}"
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    assert client.post(f"{base}/lines", data=_line("5"), headers=htmx).status_code == 200
    assert client.post(f"{base}/lines/coke", data=_line("7.5"), headers=htmx).status_code == 200
    facts = {
        "name_zh": "磷酸铁锂电芯", "name_en": "LFP cell", "declared_unit": "1 kWh",
        "output": "80000 kWh", "company": "示例电池有限公司", "site": "江苏常州",
        "boundary": "cradle-to-grave", "period_start": "2025-01-01", "period_end": "2025-12-31",
    }  # fmt: skip
    assert client.post(f"{base}/facts", data=facts, headers=htmx).status_code == 204

    zh = _audit_section(client.get("/account?lang=zh").text)
    assert "修改了一行" in zh
    assert "条目 焦炭 (coke) · 数量 : 5 t → 7.5 t" in zh
    assert "修改了产品信息" in zh
    assert "数据覆盖的产量" in zh
    assert "80000 kWh" in zh
    assert "系统边界 : 从摇篮到大门 → 从摇篮到坟墓" in zh
    assert "创建了产品" in zh
    assert "所在城市 : 江苏省" in zh
    for raw in ("digest", "{'", "product.line-edit", "cradle-to-grave", "name_zh", "CN-JS"):
        assert raw not in zh, raw

    en = _audit_section(client.get("/account?lang=en").text)
    assert "changed a line" in en
    assert "Line 焦炭 (coke) · Quantity : 5 t → 7.5 t" in en
    assert "Boundary : cradle to gate → cradle to grave" in en
