"""Who may call what: the role × endpoint matrix of API v1.

:data:`ENDPOINTS` has one row per API route (method and path as in ``app.routes``) and
one column per caller in :data:`CALLERS` order; each cell is the status that caller
gets. Every cell is a test. :func:`test_every_api_route_has_a_row` fails when a route
has no row, so a new endpoint cannot ship without saying who may call it.

Adding a row: ``row(METHOD, PATH, statuses…)`` with the nine statuses in the header's
order, and ``request=`` when the call needs a body, a real id, or something of its own
to act on (a request maker gets the :class:`World` and returns a :class:`Call`; a call
that changes data makes its own target, so the callers stay as they are).

Session callers sign in through ``/login`` and send the session's CSRF token; the token
caller sends ``Authorization: Bearer`` only. The anonymous caller has a session with a
CSRF token too, so its cells show that authentication — not CSRF — refuses it.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web import (
    admission_matrix,
    benchmark_matrix,
    desk_matrix,
    directory_matrix,
    hub_matrix,
    label_matrix,
    pact_matrix,
    supply_matrix,
)
from tests.web.conftest import PASSWORD, Member, add_member, new_enterprise, random_uscc, token_for
from tests.web.job_calls import submit_call
from tests.web.matrix_call import Call
from tests.web.test_certification_api import ROUTES as CERTIFICATION_ROUTES

from tanji.bootstrap import App
from tanji.db.models import ProductRow
from tanji.services import imports, ledger, logins, product_calculation, products
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.factors import search_factors
from tanji.web.app import create_app
from tanji.web.jobs import JobRunner

ANON = "anonymous"
VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
OTHER = "other-enterprise-admin"
CERTIFIER = "certifier-admin"
PROVINCE = "province-admin"
PLATFORM = "platform-admin"
TOKEN = "token-product.read"
#: The columns: who calls. ``TOKEN`` is an API token of the enterprise's admin limited
#: to ``product.read``; ``OTHER`` is the admin of a different enterprise (tenant isolation).
CALLERS = (ANON, VIEWER, EDITOR, ADMIN, OTHER, CERTIFIER, PROVINCE, PLATFORM, TOKEN)


@dataclass
class World:
    """The callers' organisations, made once per backend: an enterprise with a viewer,
    an editor and an admin; another enterprise; the demo certifier, province and
    platform operator."""

    app: App
    enterprise: Member
    viewer: Member
    editor: Member
    other: Member
    factor_ref: str
    clients: dict[str, TestClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    web: FastAPI | None = None
    shared: dict[str, int] = field(default_factory=dict)

    def fresh_viewer(self) -> int:
        """A new viewer of the enterprise (a target whose role a row may change)."""
        return add_member(self.app, self.enterprise.actor, "viewer").actor.user_id

    def fresh_enterprise(self) -> int:
        return new_enterprise(self.app).actor.org_id

    def editors_token(self) -> int:
        with self.app.unit_of_work() as uow:
            token_id, _ = logins.create_token(
                uow.session, self.editor.actor, "matrix", ["product.read"]
            )
        return token_id

    def fresh_product(self) -> int:
        """A new product of the enterprise (from the general template), made by its admin."""
        with self.app.unit_of_work() as uow:
            made = products.create_product(
                uow.session,
                self.enterprise.actor,
                template="general",
                code=f"matrix-{_unique()}",
                name_zh="矩阵产品",
            )
        return made.id

    def product(self) -> int:
        """The enterprise's product that read-only rows look at (made once)."""
        if "product" not in self.shared:
            self.shared["product"] = self.fresh_product()
        return self.shared["product"]

    def result(self) -> int:
        """A footprint computed from :meth:`product` in the enterprise's workspace (once)."""
        if "result" not in self.shared:
            with self.app.unit_of_work() as uow:
                saved = product_calculation.calculate_product(
                    uow.session, self.app.backgrounds, self.enterprise.actor, self.product()
                )
            self.shared["result"] = saved.result_id
        return self.shared["result"]

    def activity_workbook(self, product_id: int) -> bytes:
        """The product's activity-data template as downloaded (applies with no change)."""
        with self.app.unit_of_work() as uow:
            _, content = products.activity_template(uow.session, self.enterprise.actor, product_id)
        return content

    def province_import(self) -> int:
        """An import the province's admin made (once): its audit entry's id."""
        if "import" not in self.shared:
            email, password, _ = DEMO_ACCOUNTS[3]
            with self.app.unit_of_work() as uow:
                province = logins.authenticate(uow.session, email, password)
                order = imports.check_import(
                    uow.session, province, fmt="csv", filename="f.csv",
                    name=f"matrix-{_unique()}",
                )  # fmt: skip
                staged = imports.stage_upload(io.BytesIO(_factor_table()), order)
                try:
                    report = imports.import_upload(uow.session, province, order, staged)
                finally:
                    staged.discard()
            self.shared["import"] = report.id
        return self.shared["import"]

    def submitted_job(self) -> str:
        """A job the enterprise's admin submitted (signed in; their token is the same person)."""
        assert self.web is not None
        runner: JobRunner = self.web.state.jobs
        return submit_call(runner, self.enterprise.actor, lambda report: None).id


RequestMaker = Callable[[World], Call]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    expect: dict[str, int]
    request: RequestMaker

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def row(method: str, path: str, *statuses: int, request: RequestMaker | None = None) -> Endpoint:
    assert len(statuses) == len(CALLERS), f"{method} {path}: one status per caller"
    return Endpoint(
        method, path, dict(zip(CALLERS, statuses, strict=True)), request or (lambda _: Call(path))
    )


def _unique() -> str:
    return secrets.token_hex(4)


def _registration(_: World) -> Call:
    n = _unique()
    body = {
        "name": f"矩阵测试企业{n}",
        "uscc": random_uscc("320400"),
        "region": "CN-JS-CZ",
        "display_name": "矩阵",
        "email": f"matrix-{n}@example.com",
        "password": PASSWORD,
    }
    return Call("/api/v1/register", body)


def _new_organisation(_: World) -> Call:
    return Call("/api/v1/organisations", {"kind": "association", "name": f"测试协会{_unique()}"})


def _status(world: World) -> Call:
    target = world.fresh_enterprise()
    return Call(
        f"/api/v1/organisations/{target}/status", {"status": "suspended", "reason": "matrix"}
    )


def _members(world: World) -> Call:
    return Call(f"/api/v1/organisations/{world.enterprise.actor.org_id}/members")


def _new_member(world: World) -> Call:
    body = {"email": f"m-{_unique()}@example.com", "role": "viewer", "password": PASSWORD}
    return Call(_members(world).url, body)


def _role(world: World) -> Call:
    url = f"{_members(world).url}/{world.fresh_viewer()}"
    return Call(url, {"role": "editor"})


def _new_token(_: World) -> Call:
    return Call("/api/v1/tokens", {"name": "matrix", "scopes": ["product.read"]})


def _revoke(world: World) -> Call:
    return Call(f"/api/v1/tokens/{world.editors_token()}")


def _factor(world: World) -> Call:
    return Call(f"/api/v1/factors/{world.factor_ref}")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A line the general template does not have (added), and one it has (changed, deleted).
_NEW_LINE = {"id": "steel", "stage": "raw_materials", "kind": "inline", "amount": 2,
             "unit": "kg", "inline": {"unit": "kg", "co2e_kg": 2.5, "publisher": "Test",
                                      "title": "A matrix value"}}  # fmt: skip
_ELECTRICITY = {"id": "electricity", "stage": "production", "kind": "electricity",
                "amount": 1000, "unit": "kWh", "geography": "CN-JS", "year": 2022,
                "data": "primary"}  # fmt: skip


def _new_product(_: World) -> Call:
    return Call("/api/v1/products", {"template": "general", "code": f"m-{_unique()}",
                                     "name_zh": "矩阵新产品"})  # fmt: skip


def _product(suffix: str = "") -> RequestMaker:
    """A read of the enterprise's shared product (``/api/v1/products/ID`` + ``suffix``)."""
    return lambda world: Call(f"/api/v1/products/{world.product()}{suffix}")


def _fresh(suffix: str = "", body: Any = None) -> RequestMaker:
    """A change of a fresh product of the enterprise (``/api/v1/products/ID`` + ``suffix``)."""
    return lambda world: Call(f"/api/v1/products/{world.fresh_product()}{suffix}", body)


def _document(world: World) -> Call:
    """The fresh product's own document sent back (JSON text is YAML): a valid update."""
    product_id = world.fresh_product()
    with world.app.unit_of_work() as uow:
        document = products.get_product(uow.session, world.enterprise.actor, product_id).document
    return Call(f"/api/v1/products/{product_id}/document", dict(document))


_FACTS = {"name_zh": "矩阵产品", "declared_unit": "1 piece", "output": "10 piece",
          "period_start": "2025-01-01", "period_end": "2025-12-31"}  # fmt: skip


def _activity_data(world: World) -> Call:
    product_id = world.fresh_product()
    workbook = world.activity_workbook(product_id)
    return Call(
        f"/api/v1/products/{product_id}/activity-data",
        files={"file": ("activity-data.xlsx", workbook, XLSX)},
    )


def _result(suffix: str = "") -> RequestMaker:
    return lambda world: Call(f"/api/v1/results/{world.result()}{suffix}")


def _compare(world: World) -> Call:
    return Call(f"/api/v1/results/compare?a={world.result()}&b={world.result()}")


def _factor_table() -> bytes:
    """A one-factor table in the template (docs/factor-template.md)."""
    return (
        "code,name_zh,kind,unit,geography,co2_kg,source_publisher,source_title\n"
        f"M-{_unique()},矩阵因子,material,kg,CN,1.5,Matrix,Matrix factors\n"
    ).encode()


def _data_import(_: World) -> Call:
    return Call(
        "/api/v1/data/imports",
        files={"file": ("matrix.csv", _factor_table(), "text/csv")},
        data={"format": "csv", "name": f"matrix-{_unique()}"},
    )


def _import_summary(world: World) -> Call:
    return Call(f"/api/v1/data/imports/{world.province_import()}")


def _job(world: World) -> Call:
    return Call(f"/api/v1/jobs/{world.submitted_job()}")


def _ledger_receipt(world: World) -> Call:
    index = _ledger_inclusion(world).url.split("index=")[1].split("&")[0]
    return Call(f"/api/v1/ledger/receipt?index={index}")


def _ledger_inclusion(world: World) -> Call:
    with world.app.unit_of_work() as uow:
        entry = ledger.append(uow.session, "test.matrix", "matrix", {})
    return Call(f"/api/v1/ledger/proof/inclusion?index={entry.index}&tree_size={entry.index + 1}")


# fmt: off
#: The matrix. Columns: anonymous, viewer, editor, admin (of the enterprise), admin of
#: another enterprise, certifier admin, province admin, platform admin, narrow token.
ENDPOINTS: tuple[Endpoint, ...] = (
    #                                                 anon view edit admn othr cert prov plat tokn
    # Public reference data: anyone.
    row("GET", "/api/v1/openapi.json",                200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/health",                      200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/health/live",                 200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/health/ready",                200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/factors",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/factors/{ref:path}",          200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=_factor),
    row("GET", "/api/v1/rules",                       200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/rules/{ref}",                 200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=lambda _: Call("/api/v1/rules/general-gbt24067")),
    row("GET", "/api/v1/progress",                    200, 200, 200, 200, 200, 200, 200, 200, 200),
    # The transparency log and the signing keys: anyone (docs/ledger.md).
    row("GET", "/api/v1/ledger/head",                 200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/ledger/entries",              200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/ledger/keys",                 200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/ledger/proof/inclusion",      200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=_ledger_inclusion),
    row("GET", "/api/v1/ledger/receipt",              200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=_ledger_receipt),
    row("GET", "/api/v1/ledger/proof/consistency",    200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=lambda _: Call("/api/v1/ledger/proof/consistency?first=0&second=0")),
    # Accounts: who am I; enterprises register themselves (no sign-in needed).
    row("GET", "/api/v1/me",                          401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/register",                   201, 201, 201, 201, 201, 201, 201, 201, 201,
        request=_registration),
    # Organisations: everyone sees their own; the platform operator admits and suspends.
    row("GET", "/api/v1/organisations",               401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/organisations",              401, 403, 403, 403, 403, 403, 403, 201, 403,
        request=_new_organisation),
    row("POST", "/api/v1/organisations/{org_id}/status",
                                                      401, 403, 403, 403, 403, 403, 403, 200, 403,
        request=_status),
    # Members of the enterprise: its admins (and the platform operator) only.
    row("GET", "/api/v1/organisations/{org_id}/members",
                                                      401, 403, 403, 200, 403, 403, 403, 200, 403,
        request=_members),
    row("POST", "/api/v1/organisations/{org_id}/members",
                                                      401, 403, 403, 201, 403, 403, 403, 201, 403,
        request=_new_member),
    row("PUT", "/api/v1/organisations/{org_id}/members/{user_id}",
                                                      401, 403, 403, 200, 403, 403, 403, 200, 403,
        request=_role),
    # API tokens: editors and admins, for themselves; the target token is the editor's.
    row("GET", "/api/v1/tokens",                      401, 403, 200, 200, 200, 200, 200, 200, 403),
    row("POST", "/api/v1/tokens",                     401, 403, 201, 201, 201, 201, 201, 201, 403,
        request=_new_token),
    row("DELETE", "/api/v1/tokens/{token_id}",        401, 403, 204, 204, 403, 403, 403, 204, 403,
        request=_revoke),
    # The audit log: every organisation's admins (their own entries); the operator all.
    row("GET", "/api/v1/audit",                       401, 403, 403, 200, 200, 200, 200, 200, 403),
    # The workspace (docs/workspace.md): the rule templates are shipped data, like the
    # rules. Products: every kind reads (product.read) only the products visible to it —
    # its own, the operator all — and another organisation's product answers 404, never
    # 403. Writes need product.write (enterprise editors, admins: 403 for the rest
    # before any product is looked at), then the product must be the writer's own.
    row("GET", "/api/v1/products/templates",          200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/products",                    401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/products",                   401, 403, 201, 201, 201, 403, 403, 403, 403,
        request=_new_product),
    row("GET", "/api/v1/products/{product_id}",       401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product()),
    row("PUT", "/api/v1/products/{product_id}/document",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=_document),
    row("PUT", "/api/v1/products/{product_id}/facts",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=_fresh("/facts", _FACTS)),
    row("POST", "/api/v1/products/{product_id}/lines",
                                                      401, 403, 201, 201, 404, 403, 403, 403, 403,
        request=_fresh("/lines", _NEW_LINE)),
    row("PUT", "/api/v1/products/{product_id}/lines/{line_id}",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=_fresh("/lines/electricity", _ELECTRICITY)),
    row("DELETE", "/api/v1/products/{product_id}/lines/{line_id}",
                                                      401, 403, 204, 204, 404, 403, 403, 403, 403,
        request=_fresh("/lines/main-material")),
    row("GET", "/api/v1/products/{product_id}/findings",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product("/findings")),
    row("GET", "/api/v1/products/{product_id}/template.xlsx",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product("/template.xlsx")),
    row("POST", "/api/v1/products/{product_id}/activity-data",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=_activity_data),
    row("GET", "/api/v1/products/{product_id}/model.yaml",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product("/model.yaml")),
    # Calculating needs result.calculate (enterprise editors and admins; certification
    # bodies too, which then meet tenant isolation: 404), not product.write.
    row("POST", "/api/v1/products/{product_id}/calculate",
                                                      401, 403, 201, 201, 404, 404, 403, 403, 403,
        request=_fresh("/calculate")),
    row("GET", "/api/v1/products/{product_id}/versions",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product("/versions")),
    # Deleting a product is an admin's act (an editor may write, yet gets 403).
    row("DELETE", "/api/v1/products/{product_id}",    401, 403, 403, 204, 404, 403, 403, 403, 403,
        request=_fresh()),
    # Results: a workspace result is its organisation's (and the operator's) to read;
    # anyone else gets 404, as for an id that does not exist.
    row("GET", "/api/v1/results/compare",             401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_compare),
    row("GET", "/api/v1/results/{result_id}",         401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_result()),
    row("GET", "/api/v1/results/{result_id}/report",  401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_result("/report?format=html&lang=en")),
    # Data imports: factor.import (association and province editors, the platform's
    # admins); each accepted one runs as a job (202). An import's summary is read by its
    # organisation (and the operator); to anyone else it does not exist.
    row("POST", "/api/v1/data/imports",               401, 403, 403, 403, 403, 403, 202, 202, 403,
        request=_data_import),
    row("GET", "/api/v1/data/imports/{entry_id}",     401, 404, 404, 404, 404, 404, 200, 200, 404,
        request=_import_summary),
    # A job is seen by the person who submitted it (the enterprise's admin, signed in or
    # with their token) and nobody else — not the operator either: 404.
    row("GET", "/api/v1/jobs/{job_id}",               401, 404, 404, 200, 404, 404, 404, 404, 200,
        request=_job),
    # --- carbon labels (tests/web/label_matrix.py): the demo certificate's holder is the
    # demo battery maker, its body the demo certifier. Issuing: the holder, the body, the
    # operator; a label's page and JSON are public; revoking: the body or the operator;
    # a product's labels and identifiers follow the product; fake reports: the operator.
    row("POST", "/api/v1/labels",                     401, 403, 403, 403, 403, 201, 403, 201, 403,
        request=label_matrix.issue),
    row("GET", "/api/v1/labels/{public_id}",          200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=label_matrix.read),
    row("POST", "/api/v1/labels/{public_id}/revoke",  401, 403, 403, 403, 403, 204, 403, 204, 403,
        request=label_matrix.revoke),
    row("GET", "/api/v1/products/{product_id}/labels",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=_product("/labels")),
    row("PUT", "/api/v1/products/{product_id}/identifiers",
                                                      401, 403, 200, 200, 404, 404, 404, 403, 403,
        request=label_matrix.identifiers),
    row("GET", "/api/v1/label-reports",               401, 403, 403, 403, 403, 403, 403, 200, 403),
    # --- service hub (issue 17; tests/web/hub_matrix.py): the directory and the policy
    # section are public; listing and answering are a service provider's (no column
    # here is one: tests/web/test_hub_web.py walks that side); an enterprise's editors
    # send requests; the departments and the operator keep the policy section.
    row("GET", "/api/v1/providers/services",         200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/providers/services/{service_id}",
                                                     200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=hub_matrix.service),
    row("POST", "/api/v1/providers/services",        401, 403, 403, 403, 403, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/providers/services", {
            "category": "legal", "city": "CN-JS", "title": "矩阵"})),
    row("PUT", "/api/v1/providers/services/{service_id}",
                                                     401, 403, 403, 403, 403, 403, 403, 403, 403,
        request=lambda w: hub_matrix.service(w, body={
            "category": "legal", "city": "CN-JS", "title": "矩阵", "version": 1})),
    row("POST", "/api/v1/providers/services/{service_id}/requests",
                                                     401, 403, 201, 201, 201, 403, 403, 403, 403,
        request=lambda w: hub_matrix.service(w, "/requests", {"message": "矩阵需求"})),
    row("GET", "/api/v1/providers/requests",         401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/providers/requests/{request_id}/answer",
                                                     401, 403, 403, 403, 403, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/providers/requests/1/answer", {"reply": "矩阵"})),
    row("GET", "/api/v1/policy",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/policy/{item_id}",           200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=hub_matrix.read_item),
    row("POST", "/api/v1/policy",                    401, 403, 403, 403, 403, 403, 201, 201, 403,
        request=lambda _: Call("/api/v1/policy", {"kind": "notice", "title": "矩阵",
                                                  "body": "正文"})),
    row("PUT", "/api/v1/policy/{item_id}",           401, 403, 403, 403, 403, 403, 200, 200, 403,
        request=hub_matrix.edit_item),
    # PACT data exchange (docs/interoperability.md): reading is any member's (their own
    # organisation's records); managing partners and releases is an enterprise admin's
    # (result.publish); fetching, importing and requesting an editor's (product.write).
    row("GET", "/api/v1/pact/partners",              401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/pact/partners",             401, 403, 403, 201, 201, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/pact/partners", {"name": "Kunde"})),
    row("PATCH", "/api/v1/pact/partners/{partner_id}",
                                                     401, 403, 403, 200, 403, 403, 403, 403, 403,
        request=pact_matrix.partner()),
    row("POST", "/api/v1/pact/partners/{partner_id}/secret",
                                                     401, 403, 403, 200, 403, 403, 403, 403, 403,
        request=pact_matrix.partner("/secret")),
    row("GET", "/api/v1/pact/footprints",            401, 200, 200, 200, 200, 200, 200, 200, 200),
    # (the matrix result states no reference period: the admin passes the checks, 422)
    row("POST", "/api/v1/pact/footprints",           401, 403, 403, 422, 404, 403, 403, 403, 403,
        request=pact_matrix.publish),
    row("PATCH", "/api/v1/pact/footprints/{footprint_id}",
                                                     401, 403, 403, 200, 404, 404, 404, 404, 403,
        request=pact_matrix.footprint(body={})),
    row("GET", "/api/v1/pact/footprints/{footprint_id}/catenax",
                                                     401, 200, 200, 200, 404, 404, 404, 404, 200,
        request=pact_matrix.footprint("/catenax?waste_incineration=cut-off&packaging_included=false")),
    row("GET", "/api/v1/pact/connections",           401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/pact/connections",          401, 403, 403, 201, 201, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/pact/connections", {
            "name": "H", "base_url": "https://127.0.0.1:9", "client_id": "i",
            "client_secret": "s"})),
    row("GET", "/api/v1/pact/connections/{connection_id}/footprints",
                                                     401, 400, 400, 400, 404, 404, 404, 404, 400,
        request=pact_matrix.connection("/footprints")),
    row("POST", "/api/v1/pact/connections/{connection_id}/footprints/{pf_id}/import",
                                                     401, 403, 400, 400, 404, 403, 403, 403, 403,
        request=pact_matrix.connection(f"/footprints/{'0' * 8}-0000-0000-0000-{'0' * 12}/import")),
    row("POST", "/api/v1/pact/connections/{connection_id}/requests",
                                                     401, 403, 400, 400, 404, 403, 403, 403, 403,
        request=pact_matrix.connection("/requests", {"productId": ["urn:gtin:1"]})),
    row("GET", "/api/v1/pact/events",                401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/pact/results/{result_id}/battery-passport",
                                                     401, 422, 422, 422, 404, 404, 404, 422, 422,
        request=lambda world: Call(
            f"/api/v1/pact/results/{world.result()}/battery-passport?study_url=https://s.example/s")),
    row("POST", "/api/v1/pact/catenax-import",       401, 403, 422, 422, 422, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/pact/catenax-import", {"id": "x"})),
    # Benchmarks (issue 16): values are public to the signed-in; the department (and the
    # operator) sets them; grades and diagnosis follow product.read and the tenant.
    row("GET", "/api/v1/benchmarks/categories",      401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/benchmarks/values",          401, 200, 200, 200, 200, 200, 200, 200, 200,
        request=lambda _: Call(benchmark_matrix.VALUES)),
    row("POST", "/api/v1/benchmarks/official-values",
                                                      401, 403, 403, 403, 403, 403, 201, 201, 403,
        request=lambda _: Call("/api/v1/benchmarks/official-values", benchmark_matrix.OFFICIAL)),
    row("POST", "/api/v1/benchmarks/policies",       401, 403, 403, 403, 403, 403, 201, 201, 403,
        request=lambda _: Call("/api/v1/benchmarks/policies", benchmark_matrix.POLICY)),
    row("GET", "/api/v1/benchmarks/distribution",    401, 403, 403, 403, 403, 403, 200, 200, 403),
    row("GET", "/api/v1/benchmarks/products/{product_id}/grade",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=benchmark_matrix.bench("/grade?iterations=20")),
    row("POST", "/api/v1/benchmarks/products/{product_id}/diagnosis",
                                                      401, 200, 200, 200, 404, 404, 404, 200, 200,
        request=benchmark_matrix.bench("/diagnosis", {"iterations": 20})),
    row("POST", "/api/v1/benchmarks/products/{product_id}/diagnosis/keep",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=benchmark_matrix.keep),
    # 碳效码: an enterprise reads its own (a token too); departments and the operator all.
    row("GET", "/api/v1/efficiency",                 401, 200, 200, 200, 404, 404, 404, 404, 200,
        request=benchmark_matrix.own_efficiency),
    row("GET", "/api/v1/efficiency/overview",        401, 403, 403, 403, 403, 403, 200, 200, 403),
    row("GET", "/api/v1/efficiency/organisations/{org_id}",
                                                      401, 200, 200, 200, 403, 403, 200, 200, 200,
        request=benchmark_matrix.org_efficiency),
    row("POST", "/api/v1/efficiency/reports",        401, 403, 201, 201, 201, 403, 403, 403, 403,
        request=lambda _: Call("/api/v1/efficiency/reports", benchmark_matrix.ENERGY)),
    row("POST", "/api/v1/efficiency/method",         401, 403, 403, 403, 403, 403, 201, 201, 403,
        request=lambda _: Call("/api/v1/efficiency/method", benchmark_matrix.METHOD)),
    row("POST", "/api/v1/efficiency/industry-averages",
                                                      401, 403, 403, 403, 403, 403, 201, 201, 403,
        request=lambda _: Call("/api/v1/efficiency/industry-averages", benchmark_matrix.AVERAGE)),
    # Admission (docs/admission.md): enterprises and associations submit (editors); a
    # submission is read by its parties (the matrix enterprise's people: submitter), the
    # sector's department and the operator; reviewers must be registered (409 for the
    # submitter's own and an outsider);
    # the sector's department (the demo province) verifies: 409 with too few reviews,
    # 204 for a rejection with reasons; publishers list and recompute the affected.
    row("GET", "/api/v1/admission/databases",         200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A database no caller can read is not found, for everyone alike (the download itself is
    # tested in tests/web/test_exchange_downloads.py).
    row("GET", "/api/v1/admission/databases/{name}/versions/{version}/export",
                                                      404, 404, 404, 404, 404, 404, 404, 404, 404,
        request=lambda _: Call(
            "/api/v1/admission/databases/no-such-database/versions/1/export?format=jsonld"
        )),
    row("POST", "/api/v1/admission/submissions",      401, 403, 201, 201, 201, 403, 403, 403, 403,
        request=admission_matrix.submit),
    row("GET", "/api/v1/admission/submissions",       401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/admission/submissions/{submission_id}",
                                                      404, 200, 200, 200, 404, 404, 200, 200, 200,
        request=admission_matrix.submission()),
    row("POST", "/api/v1/admission/submissions/{submission_id}/reviews",
                                                      401, 403, 409, 409, 409, 409, 403, 403, 403,
        request=admission_matrix.submission("/reviews", admission_matrix.REVIEW)),
    row("POST", "/api/v1/admission/submissions/{submission_id}/admit",
                                                      401, 403, 403, 403, 403, 403, 409, 403, 403,
        request=admission_matrix.submission("/admit")),
    row("POST", "/api/v1/admission/submissions/{submission_id}/reject",
                                                      401, 403, 403, 403, 403, 403, 204, 403, 403,
        request=admission_matrix.submission("/reject", {"reasons": ["Matrix."]})),
    row("GET", "/api/v1/admission/affected",          401, 200, 200, 200, 200, 200, 200, 200, 200,
        request=admission_matrix.affected),
    row("POST", "/api/v1/admission/propagation",      401, 403, 403, 403, 403, 403, 202, 202, 403,
        request=admission_matrix.propagation),
    # --- green supply chains (tests/web/supply_matrix.py): enterprise editors ask and
    # answer (supply.request, supply.answer); everyone reads their own side's requests;
    # a request of neither side is not found.
    row("GET", "/api/v1/supply/requests",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/supply/requests",            401, 403, 201, 201, 201, 403, 403, 403, 403,
        request=supply_matrix.create),
    row("GET", "/api/v1/supply/inbox",                401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/supply/requests/{request_id}",
                                                      401, 200, 200, 200, 404, 404, 404, 404, 200,
        request=supply_matrix.read),
    row("POST", "/api/v1/supply/requests/{request_id}/claim",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.step("claim")),
    row("POST", "/api/v1/supply/requests/{request_id}/answer",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.answer),
    row("POST", "/api/v1/supply/requests/{request_id}/pact",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.pact),
    row("POST", "/api/v1/supply/requests/{request_id}/decline",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.step("decline", {"reason": "矩阵"})),
    row("POST", "/api/v1/supply/requests/{request_id}/remind",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.remind),
    row("POST", "/api/v1/supply/requests/{request_id}/link",
                                                      401, 403, 200, 200, 404, 403, 403, 403, 403,
        request=supply_matrix.link),
    row("GET", "/api/v1/supply/footprints",           401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/supply/coverage",             401, 200, 200, 200, 200, 200, 200, 200, 200),
    # The government's desk (docs/government-desk.md): departments and the operator read;
    # the provincial department and the operator set the work plan.
    row("GET", "/api/v1/desk/plans",                  401, 403, 403, 403, 403, 403, 200, 200, 403),
    row("GET", "/api/v1/desk/plans/{year}",           401, 403, 403, 403, 403, 403, 200, 200, 403,
        request=desk_matrix.read_plan),
    row("PUT", "/api/v1/desk/plans/{year}",           401, 403, 403, 403, 403, 403, 200, 200, 403,
        request=desk_matrix.change_plan),
    row("GET", "/api/v1/desk/progress",               401, 403, 403, 403, 403, 403, 200, 200, 403),
    row("GET", "/api/v1/desk/certification-statistics",
                                                      401, 403, 403, 403, 403, 403, 200, 200, 403),
    # --- the public directory (issue 17; tests/web/directory_matrix.py): reading is
    # public; contacting a supplier is any member's; answering the supplier's (the demo
    # battery maker, none of the callers); the disclosure text an enterprise admin's.
    # The evidence pack's row asks for an unknown certificate (404 for all, not 401: no
    # sign-in needed) so the matrix renders no PDF; tests/web/test_directory.py downloads
    # the real one.
    row("GET", "/api/v1/directory/products",          200, 200, 200, 200, 200, 200, 200, 200, 200),
    row("GET", "/api/v1/directory/products/{certificate}",
                                                      200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=directory_matrix.product),
    row("GET", "/api/v1/directory/products/{certificate}/evidence-pack",
                                                      404, 404, 404, 404, 404, 404, 404, 404, 404,
        request=lambda _: Call("/api/v1/directory/products/CFP-NONE/evidence-pack")),
    row("GET", "/api/v1/directory/compare",           409, 409, 409, 409, 409, 409, 409, 409, 409,
        request=directory_matrix.compare),
    row("GET", "/api/v1/directory/procurement",       200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=directory_matrix.procurement),
    row("POST", "/api/v1/directory/contact-requests", 401, 201, 201, 201, 201, 201, 201, 201, 201,
        request=directory_matrix.contact),
    row("GET", "/api/v1/directory/contact-requests",  401, 200, 200, 200, 200, 200, 200, 200, 200),
    row("POST", "/api/v1/directory/contact-requests/{request_id}/reply",
                                                      401, 403, 403, 403, 404, 404, 404, 404, 403,
        request=directory_matrix.reply),
    row("GET", "/api/v1/directory/companies/{org_id}",
                                                      200, 200, 200, 200, 200, 200, 200, 200, 200,
        request=directory_matrix.company),
    row("PUT", "/api/v1/directory/disclosure",        401, 403, 403, 200, 200, 403, 403, 403, 403,
        request=directory_matrix.disclosure),
)
# fmt: on

CELLS = [(endpoint, caller) for endpoint in ENDPOINTS for caller in CALLERS]


def api_routes(web: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api/v1 (HEAD counted with GET)."""
    try:  # FastAPI ≥ 0.1xx includes routers lazily; walk their effective routes.
        from fastapi.routing import iter_route_contexts

        found = [(c.methods, c.path) for c in iter_route_contexts(web.routes)]
    except ImportError:
        found = [(getattr(r, "methods", None), getattr(r, "path", "")) for r in web.routes]
    return {
        (method, path)
        for methods, path in found
        if path and path.startswith("/api/v1")
        for method in (methods or ())
        if method != "HEAD"
    }


def _signed_in(web: FastAPI, email: str, password: str) -> tuple[TestClient, str]:
    client = TestClient(web)
    token = _csrf(client)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"{email} could not sign in"
    return client, _csrf(client, "/account")


def _csrf(client: TestClient, page: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


@pytest.fixture(scope="module")
def world(tanji_app: App) -> Iterator[World]:
    enterprise = new_enterprise(tanji_app, "矩阵企业")
    with tanji_app.unit_of_work() as uow:
        factor_ref = search_factors(uow.session, "", limit=1)[0].ref
    built = World(
        app=tanji_app,
        enterprise=enterprise,
        viewer=add_member(tanji_app, enterprise.actor, "viewer"),
        editor=add_member(tanji_app, enterprise.actor, "editor"),
        other=new_enterprise(tanji_app, "另一企业"),
        factor_ref=factor_ref,
    )
    web = create_app(tanji_app)
    built.web = web
    with TestClient(web) as lifespan:  # the app's lifespan runs while the callers call
        people = {
            VIEWER: (built.viewer.email, PASSWORD),
            EDITOR: (built.editor.email, PASSWORD),
            ADMIN: (enterprise.email, PASSWORD),
            OTHER: (built.other.email, PASSWORD),
            PLATFORM: DEMO_ACCOUNTS[0][:2],
            CERTIFIER: DEMO_ACCOUNTS[2][:2],
            PROVINCE: DEMO_ACCOUNTS[3][:2],
        }
        for caller, (email, password) in people.items():
            built.clients[caller], built.csrf[caller] = _signed_in(web, email, password)
        built.clients[ANON], built.csrf[ANON] = lifespan, _csrf(lifespan)
        secret = token_for(tanji_app, enterprise.actor, ["product.read"])
        built.clients[TOKEN] = TestClient(web, headers={"Authorization": f"Bearer {secret}"})
        yield built


@pytest.mark.parametrize(
    ("endpoint", "caller"), CELLS, ids=[f"{e.method} {e.path} | {c}" for e, c in CELLS]
)
def test_cell(world: World, endpoint: Endpoint, caller: str) -> None:
    call = endpoint.request(world)
    headers = {"X-CSRF-Token": world.csrf[caller]} if caller in world.csrf else {}
    found = re.match(r"/api/v1/products/(\d+)", call.url)
    if found and endpoint.method in ("PUT", "DELETE"):
        # A change names the version it was made from (its absence is a 428, tested in
        # test_concurrency): the product's current one.
        with world.app.unit_of_work() as uow:
            row = uow.session.get(ProductRow, int(found.group(1)))
            headers["If-Match"] = f'"{row.version if row else 1}"'
    response = world.clients[caller].request(
        endpoint.method, call.url, json=call.json, files=call.files, data=call.data,
        headers=headers,
    )  # fmt: skip
    assert response.status_code == endpoint.expect[caller], response.text[:500]


def test_every_api_route_has_a_row(tanji_app: App) -> None:
    routes = api_routes(create_app(tanji_app))
    # Certification's routes have their own matrix (tests/web/test_certification_api.py).
    rows = {endpoint.key for endpoint in ENDPOINTS} | CERTIFICATION_ROUTES
    missing = routes - rows
    assert not missing, f"API routes without a row in the permission matrix: {sorted(missing)}"
    assert not rows - routes, f"rows for routes that do not exist: {sorted(rows - routes)}"


def test_tenants_see_only_their_own_organisation(world: World) -> None:
    mine = world.clients[OTHER].get("/api/v1/organisations").json()
    assert [o["id"] for o in mine["data"]] == [world.other.actor.org_id]
    every = world.clients[PLATFORM].get("/api/v1/organisations").json()
    ids = {o["id"] for o in every["data"]}
    assert {world.enterprise.actor.org_id, world.other.actor.org_id} <= ids
    audit = world.clients[OTHER].get("/api/v1/audit").json()["data"]
    assert all(
        entry["actor_org_id"] == world.other.actor.org_id
        or entry["entity_id"] == str(world.other.actor.org_id)
        for entry in audit
    )
