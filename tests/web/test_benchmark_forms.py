"""The department's benchmark forms (issue 16): a category's policy, the 碳效码 bounds and
industry averages — each refused with the problem in the reader's language, each saved
with its source — and a city department's scope over grades and 碳效码."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient
from tests.web.test_accounts_pages import csrf_of, sign_in

from tanji.bootstrap import App
from tanji.domain.benchmarks.efficiency import ZHEJIANG_SOURCE
from tanji.services.accounts import DEMO_ACCOUNTS


def _province(client: TestClient) -> str:
    email, password, _ = DEMO_ACCOUNTS[3]
    sign_in(client, email, password)
    return csrf_of(client.get("/benchmarks/settings"))


def test_industry_averages_and_bounds_need_their_source(client: TestClient) -> None:
    token = _province(client)
    industry = f"C{secrets.randbelow(9000) + 1000}"
    form = {"csrf_token": token, "industry": industry, "name": "测试行业", "year": "2024",
            "value": "0.4", "source": ""}  # fmt: skip
    refused = client.post("/benchmarks/settings/industry-averages?lang=zh", data=form)
    assert refused.status_code == 422
    assert "请注明行业平均值所依据的文件或统计资料" in refused.text
    english = client.post("/benchmarks/settings/industry-averages?lang=en", data=form)
    assert "name the document or statistics the average comes from" in english.text
    form |= {"source": "江苏省统计年鉴 2024（测试）", "value": "abc"}
    assert "请填写数字" in client.post("/benchmarks/settings/industry-averages?lang=zh",
                                       data=form).text  # fmt: skip
    form["value"] = "0.4"
    saved = client.post("/benchmarks/settings/industry-averages", data=form,
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    page = client.get("/benchmarks/settings?lang=zh").text
    assert industry in page
    assert "江苏省统计年鉴 2024（测试）" in page
    bounds = {"csrf_token": token, "level_low": "0.6", "level_high": "2.0", "k1": "0.6",
              "k2": "0.8", "k3": "0.7", "k4": "2.0", "source": ZHEJIANG_SOURCE}  # fmt: skip
    refused = client.post("/benchmarks/settings/method?lang=zh", data=bounds)
    assert refused.status_code == 422
    assert "碳效等级的四个界值须为正数且严格递增" in refused.text
    bounds["k3"] = "1.2"  # Zhejiang's published bounds again: nothing else changes
    assert client.post("/benchmarks/settings/method", data=bounds,
                       follow_redirects=False).status_code == 303  # fmt: skip


def test_a_category_policy_is_checked_and_shown(client: TestClient) -> None:
    token = _province(client)
    category = f"desk-test-{secrets.token_hex(3)}"
    form = {"csrf_token": token, "category": category, "declared_unit": "1 t", "year": "2026",
            "leading": "80", "baseline": "50", "limit": "20", "min_sample": "5",
            "max_dqr": "3"}  # fmt: skip
    refused = client.post("/benchmarks/policies?lang=zh", data=form)
    assert refused.status_code == 422
    problem = refused.text.split('id="policy-problem"', 1)[1].split("</div>", 1)[0]
    assert "百分位须满足 标杆值 ≤ 基准值 ≤ 限定值" in problem  # beside the policy form
    assert 'name="leading" inputmode="decimal" value="80"' in refused.text  # as typed
    form |= {"leading": "10", "limit": "90"}
    saved = client.post("/benchmarks/policies", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"].split("#")[0] + "&lang=en").text
    assert "leading P10" in page
    assert "at least 5 footprints" in page


def test_an_enterprise_cannot_set_bounds(tanji_app: App, client: TestClient) -> None:
    email, password, _ = DEMO_ACCOUNTS[1]
    sign_in(client, email, password)
    token = csrf_of(client.get("/benchmarks/settings"))
    page = client.get("/benchmarks/settings").text
    assert 'id="method-form"' not in page
    refused = client.post("/benchmarks/settings/method", data={
        "csrf_token": token, "level_low": "0.6", "level_high": "2.0", "k1": "0.6", "k2": "0.8",
        "k3": "1.2", "k4": "2.0", "source": "x"})  # fmt: skip
    assert refused.status_code == 403
