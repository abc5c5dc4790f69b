"""The government's desk (issue 17): the work plan, progress by status, city, sector and
year, the city department's scope, the Excel export and where each role lands.

Each backend's store is shared with other tests, so the world here is its own: two
enterprises in Lianyungang and Suqian (cities no other test registers in) and a city
department for each; counts are read from the drill-down of these enterprises.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from tests.web.conftest import PASSWORD, Member, random_uscc, token_for
from tests.web.test_accounts_pages import sign_in

from tanji.bootstrap import App
from tanji.db.models import CertificateRow, CertificationCaseRow
from tanji.domain.accounts import Actor, OrgKind
from tanji.services import accounts, logins, product_calculation, products
from tanji.services.benchmarks import grades
from tanji.services.desk import plans, progress
from tanji.services.desk.demo import CITY_DEMO_ACCOUNT, load_desk_demo
from tanji.services.errors import ConflictError, InvalidInputError, PermissionDeniedError

LYG, SQ = "CN-JS-LYG", "CN-JS-SQ"
MODEL = """
tanji: product-model/1
id: {code}
version: "{version}"
product: {{name: {{zh: 产品{code}, en: product {code}}}, category: {category}, declared_unit: 1 t}}
lines:
  - {{id: gas, stage: production, quantity: {kg} kg, gas: CO2}}
"""
PLAN_YEAR = 2099  # no other test sets a plan; the year is far enough not to meet the demo's


@dataclass(frozen=True)
class World:
    province: Actor
    platform: Actor
    lyg_department: Member
    sq_department: Member
    lyg_enterprise: Member
    sq_enterprise: Member
    results: dict[str, int]


def _enterprise(app: App, region: str, division: str) -> Member:
    email = f"desk-{secrets.token_hex(4)}@example.com"
    with app.unit_of_work() as uow:
        actor = accounts.register_enterprise(
            uow.session, name=f"进度企业 {email}", uscc=random_uscc(division), email=email,
            password=PASSWORD, display_name="Admin", region=region,
        )  # fmt: skip
    return Member(email, PASSWORD, actor)


def _department(app: App, platform: Actor, region: str) -> Member:
    email = f"city-{secrets.token_hex(4)}@example.com"
    with app.unit_of_work() as uow:
        accounts.register_organisation(
            uow.session, platform, OrgKind.DEPARTMENT_CITY, f"市主管部门 {email}", region=region,
            admin_email=email, admin_password=PASSWORD, admin_display_name="City",
        )  # fmt: skip
        actor = logins.authenticate(uow.session, email, PASSWORD)
    return Member(email, PASSWORD, actor)


def _footprint(app: App, maker: Actor, code: str, category: str, versions: int = 1) -> int:
    with app.unit_of_work() as uow:
        made = products.create_product(
            uow.session, maker, template="general", code=code, name_zh=f"产品{code}"
        )
    result_id = 0
    for version in range(1, versions + 1):
        with app.unit_of_work() as uow:
            text = MODEL.format(code=code, version=version, kg=1000 - version, category=category)
            products.update_document(uow.session, maker, made.id, text, "m.yaml")
            saved = product_calculation.calculate_product(
                uow.session, app.backgrounds, maker, made.id
            )
            result_id = saved.result_id
    return result_id


def _case(app: App, maker: Actor, body_org: int, result_id: int, state: str) -> int:
    with app.unit_of_work() as uow:
        case = CertificationCaseRow(
            applicant_org_id=maker.org_id, body_org_id=body_org, result_id=result_id,
            category="steel", certification_type="product", declared_value=1.0, state=state,
            applied_on=date.today(),
        )  # fmt: skip
        uow.session.add(case)
        uow.session.flush()
        return case.id


@pytest.fixture(scope="module")
def world(tanji_app: App) -> World:
    admin_email, admin_password, _ = accounts.DEMO_ACCOUNTS[0]
    province_email, province_password, _ = accounts.DEMO_ACCOUNTS[3]
    with tanji_app.unit_of_work() as uow:
        platform = logins.authenticate(uow.session, admin_email, admin_password)
        province = logins.authenticate(uow.session, province_email, province_password)
    lyg = _enterprise(tanji_app, LYG, "320700")
    sq = _enterprise(tanji_app, SQ, "321300")
    results = {
        "certified": _footprint(tanji_app, lyg.actor, "coil", "steel"),
        "in-case": _footprint(tanji_app, lyg.actor, "pack", "lithium-battery"),
        "self": _footprint(tanji_app, sq.actor, "module", "pv-module-csi", versions=2),
    }
    body = platform.org_id  # any organisation: the rows only need a body id
    case = _case(tanji_app, lyg.actor, body, results["certified"], "certified")
    _case(tanji_app, lyg.actor, body, results["in-case"], "document-review")
    with tanji_app.unit_of_work() as uow:
        uow.session.add(
            CertificateRow(
                number=f"DESK-{secrets.token_hex(4)}", case_id=case, certification_type="product",
                category="steel", product_name="产品coil", holder_org_id=lyg.actor.org_id,
                body_org_id=body, result_id=results["certified"], declared_unit="1 t",
                declared_value=1.0, unit="kg CO2e", rule_ref="-", standard="ISO 14067",
                issued_on=date.today(), expires_on=date.today(), status="valid",
            )
        )  # fmt: skip
    return World(
        province, platform, _department(tanji_app, platform, LYG),
        _department(tanji_app, platform, SQ), lyg, sq, results,
    )  # fmt: skip


def _mine(view: progress.DeskView, org_id: int) -> dict[str, str]:
    return {p.code: p.status.value for p in view.products if p.org_id == org_id}


def test_products_count_once_in_their_best_status_by_city_sector_and_year(
    tanji_app: App, world: World
) -> None:
    year = date.today().year
    with tanji_app.unit_of_work() as uow:
        view = progress.desk_view(uow.session, world.province, year)
        lyg_view = progress.desk_view(uow.session, world.province, year, city=LYG)
        certified_only = progress.desk_view(uow.session, world.province, year, status="certified")
        before = progress.desk_view(uow.session, world.province, year - 1)
        one = progress.desk_view(
            uow.session, world.province, year, org=world.sq_enterprise.actor.org_id
        )
    assert _mine(view, world.lyg_enterprise.actor.org_id) == {
        "coil": "certified", "pack": "in-certification"
    }  # fmt: skip
    assert _mine(view, world.sq_enterprise.actor.org_id) == {
        "module": "self-declared"
    }  # 2 versions
    lyg = next(t for t in view.by_city if t.key == LYG)
    assert (lyg.of("certified"), lyg.of("in-certification"), lyg.of("self-declared")) == (1, 1, 0)
    assert [t.key for t in view.by_city][:13] == list(progress._CITY_CODES)
    assert {p.region for p in lyg_view.products} == {LYG}
    assert "module" not in _mine(certified_only, world.sq_enterprise.actor.org_id)
    assert _mine(before, world.lyg_enterprise.actor.org_id) == {}  # made this year
    assert {p.code for p in one.products} == {"module"}  # the drill-down to one enterprise
    this_year = next(t for t in view.by_year if t.key == year)
    assert this_year.products >= 3
    assert view.goals[0][:2] == (2025, 400)
    assert view.goals[1][:2] == (2030, 1000)
    ent = next(e for e in lyg_view.enterprises if e.org_id == world.lyg_enterprise.actor.org_id)
    assert ent.counts == {"certified": 1, "in-certification": 1}


def test_the_work_plan_is_checked_versioned_and_sets_the_targets(
    tanji_app: App, world: World
) -> None:
    with tanji_app.unit_of_work() as uow, pytest.raises(InvalidInputError) as bad:
        plans.set_plan(uow.session, world.province, year=PLAN_YEAR,
                       focus_sectors=["steel", "textile", "battery"],
                       city_targets={"CN-XX": 3, LYG: -1})  # fmt: skip
    assert set(bad.value.fields) == {"focus_sectors", "target_CN-XX", f"target_{LYG}"}
    with tanji_app.unit_of_work() as uow:
        saved = plans.set_plan(uow.session, world.province, year=PLAN_YEAR,
                               focus_sectors=["steel", "lithium-battery"],
                               city_targets={LYG: 4, SQ: 2}, document="苏工信2099-1")  # fmt: skip
    assert saved.version == 1
    assert saved.plan.total_city_targets == 6
    with tanji_app.unit_of_work() as uow, pytest.raises(ConflictError):
        plans.set_plan(uow.session, world.province, year=PLAN_YEAR, focus_sectors=["steel"],
                       city_targets={}, version=None)  # fmt: skip
    with tanji_app.unit_of_work() as uow:
        again = plans.set_plan(uow.session, world.province, year=PLAN_YEAR,
                               focus_sectors=["steel"], city_targets={LYG: 4, SQ: 2},
                               province_target=500, version=1)  # fmt: skip
        view = progress.desk_view(uow.session, world.province, PLAN_YEAR)
    assert again.version == 2
    lyg = next(t for t in view.by_city if t.key == LYG)
    assert lyg.target == 4
    assert lyg.share == lyg.products / 4
    assert view.totals.target == 500
    assert view.by_category[0].key == "steel"  # the focus sector first
    with tanji_app.unit_of_work() as uow, pytest.raises(PermissionDeniedError):
        plans.set_plan(uow.session, world.lyg_department.actor, year=PLAN_YEAR,
                       focus_sectors=["steel"], city_targets={}, version=2)  # fmt: skip


def test_a_city_department_sees_only_its_city(
    tanji_app: App, world: World, client: TestClient
) -> None:
    lyg = world.lyg_department.actor
    year = date.today().year
    with tanji_app.unit_of_work() as uow:
        view = progress.desk_view(uow.session, lyg, year)
        stats = progress.certification_statistics(uow.session, lyg)
        sq_stats = progress.certification_statistics(uow.session, world.sq_department.actor)
        with pytest.raises(PermissionDeniedError):
            progress.desk_view(uow.session, lyg, year, city=SQ)
        with pytest.raises(PermissionDeniedError):
            progress.desk_view(uow.session, world.lyg_enterprise.actor, year)
    assert view.scope == LYG
    assert [t.key for t in view.by_city] == [LYG]
    assert {p.region for p in view.products} == {LYG}
    assert world.sq_enterprise.actor.org_id not in {p.org_id for p in view.products}
    with tanji_app.unit_of_work() as uow:  # benchmark grades: its city only, too
        grades_lyg = grades.grade_distribution(uow.session, lyg, year)
        grades_all = grades.grade_distribution(uow.session, world.province, year)
    assert {r.city for r in grades_lyg} == {LYG}
    assert {LYG, SQ} <= {r.city for r in grades_all}
    assert stats.certificates_by_status == {"valid": 1}
    assert stats.cases_by_state == {"certified": 1, "document-review": 1}
    assert sq_stats.certificates_by_status == {}
    assert sq_stats.cases_by_state == {}
    token = {"Authorization": f"Bearer {token_for(tanji_app, lyg)}"}
    api = client.get("/api/v1/desk/progress", headers=token)
    assert api.status_code == 200
    assert api.json()["scope"] == LYG
    assert {p["region"] for p in api.json()["products"]} == {LYG}
    assert client.get(f"/api/v1/desk/progress?city={SQ}", headers=token).status_code == 403
    put = client.put(f"/api/v1/desk/plans/{PLAN_YEAR}", headers=token,
                     json={"focus_sectors": ["steel"]})  # fmt: skip
    assert put.status_code == 403
    enterprise = {"Authorization": f"Bearer {token_for(tanji_app, world.sq_enterprise.actor)}"}
    assert client.get("/api/v1/desk/progress", headers=enterprise).status_code == 403


def test_the_api_sets_and_reads_the_plan(tanji_app: App, world: World, client: TestClient) -> None:
    token = {"Authorization": f"Bearer {token_for(tanji_app, world.province)}"}
    year = PLAN_YEAR - 1
    bad = client.put(f"/api/v1/desk/plans/{year}", headers=token,
                     json={"focus_sectors": ["steel"], "city_targets": {"CN-XX": 1}})  # fmt: skip
    assert bad.status_code in (400, 422)
    assert "CN-XX" in bad.text
    made = client.put(f"/api/v1/desk/plans/{year}", headers=token,
                      json={"focus_sectors": ["steel"], "city_targets": {LYG: 3}})  # fmt: skip
    assert made.status_code == 200
    assert made.json()["version"] == 1
    stale = client.put(f"/api/v1/desk/plans/{year}", headers=token,
                       json={"focus_sectors": ["steel"], "version": 7})  # fmt: skip
    assert stale.status_code == 409
    assert client.get(f"/api/v1/desk/plans/{year}", headers=token).json()["city_targets"] == {
        LYG: 3
    }
    assert client.get("/api/v1/desk/plans/2021", headers=token).status_code == 404
    listed = client.get("/api/v1/desk/plans", headers=token).json()
    assert year in [p["year"] for p in listed["data"]]
    stats = client.get("/api/v1/desk/certification-statistics", headers=token).json()
    assert stats["certificates_granted"] >= 1


def test_the_desk_page_plan_form_and_excel_export_in_both_languages(
    tanji_app: App, world: World, client: TestClient
) -> None:
    from tests.web.test_accounts_pages import csrf_of

    province_email, province_password, _ = accounts.DEMO_ACCOUNTS[3]
    assert sign_in(client, province_email, province_password).headers["location"] == "/workspace"
    landed = client.get("/workspace", follow_redirects=False)
    assert landed.headers["location"] == "/desk"
    page = client.get("/desk?lang=zh")
    assert page.status_code == 200
    for shown in ("政府工作台", "按城市", "连云港市", "认证统计", "保存工作计划", "导出 Excel"):
        assert shown in page.text, shown
    token = csrf_of(page)
    wrong = client.post("/desk/plan", data={"csrf_token": token, "year": "2097",
                                            "sector_1": "", f"target_{LYG}": "abc"})  # fmt: skip
    assert wrong.status_code == 422
    assert "整数" in wrong.text  # the target's problem, in Chinese
    saved = client.post("/desk/plan", data={"csrf_token": token, "year": "2097",
                                            "sector_1": "steel", f"target_{LYG}": "5"},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    english = client.get("/desk?year=2097&lang=en").text
    assert "Government desk" in english
    assert "Focus sector" in english
    export = client.get(f"/desk/export.xlsx?year={date.today().year}&city={LYG}")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["By city", "By sector", "By year", "Products"]
    rows = list(book["Products"].iter_rows(values_only=True))
    assert rows[0][0] == "Enterprise"
    assert {r[4] for r in rows[1:] if str(r[0]).endswith(world.lyg_enterprise.email)} == {
        "coil", "pack"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("account", "home"),
    [(0, "/admin/organisations"), (2, "/certification"), (1, None)],
)
def test_every_role_lands_on_its_own_work(
    tanji_app: App, client: TestClient, account: int, home: str | None
) -> None:
    email, password, _ = accounts.DEMO_ACCOUNTS[account]
    sign_in(client, email, password)
    response = client.get("/workspace", follow_redirects=False)
    if home is None:  # an enterprise: its products
        assert response.status_code == 200
    else:
        assert response.headers["location"] == home


def test_the_demo_city_department_is_made_once(tanji_app: App, client: TestClient) -> None:
    for _ in range(2):
        with tanji_app.unit_of_work() as uow:
            load_desk_demo(uow.session)
    email, password, _ = CITY_DEMO_ACCOUNT
    sign_in(client, email, password)
    assert client.get("/workspace", follow_redirects=False).headers["location"] == "/desk"
    page = client.get("/desk?lang=zh").text
    assert "苏州市" in page
    assert "您只能看到本市登记的企业" in page
    assert 'id="plan-form"' not in page  # a city department does not set the plan
