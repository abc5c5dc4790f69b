"""The data-exchange page (``/pact``): the partners an enterprise issues PACT client
credentials to, the footprints it serves and to whom, the partners' hosts it fetches
from and requests footprints of, and the events either way.

Every form posts here and comes back to the page; a refused change shows its reason at
the top of the page. A secret just issued is shown once, on the page that issued it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.io.catenax import CatenaxVersion
from tanji.services.errors import ServiceError
from tanji.services.pact import client, events, exports, host, publish
from tanji.services.pact.client import http_client
from tanji.web.api.pact import our_base_url
from tanji.web.deps import AppDep, Id
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


def _context(app: App, actor: Actor) -> dict[str, Any]:
    with app.unit_of_work() as uow:
        s = uow.session
        footprints = [
            {
                "row": row,
                "certified": certified,
                "granted": host.granted_ids(s, row.id),
                "document": json.loads(row.document),
            }
            for row, certified in host.footprint_rows(s, actor)
        ]
        sent = client.sent_requests(s, actor)
        return {
            "partners": host.partners(s, actor),
            "footprints": footprints,
            "connections": client.connections(s, actor),
            "events": sorted(
                [*events.received(s, actor.org_id), *sent], key=lambda e: e.id, reverse=True
            )[:30],
        }


def _page(
    request: Request, app: App, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    return render(
        request, "pact/index.html", {**_context(app, actor), **extra}, status_code=status_code
    )


def _back() -> Response:
    return RedirectResponse("/pact", status_code=303)


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _urns(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in _text(form, name).replace(",", " ").split() if v.strip()]


@router.get("/pact")
def pact_page(request: Request, actor: ActorDep, app: AppDep) -> Response:
    return _page(request, app, actor)


@router.post("/pact/partners")
async def add_partner(request: Request, actor: ActorDep, app: AppDep) -> Response:
    form = await request.form()
    try:
        with app.unit_of_work() as uow:
            issued = host.add_partner(
                uow.session, actor, _text(form, "name"), sees_all=form.get("sees_all") == "1"
            )
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _page(request, app, actor, issued=issued)


@router.post("/pact/partners/{partner_id}/secret")
def rotate(request: Request, partner_id: Id, actor: ActorDep, app: AppDep) -> Response:
    try:
        with app.unit_of_work() as uow:
            issued = host.rotate_secret(uow.session, actor, partner_id)
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _page(request, app, actor, issued=issued)


@router.post("/pact/partners/{partner_id}")
async def change_partner(
    request: Request, partner_id: Id, actor: ActorDep, app: AppDep
) -> Response:
    form = await request.form()
    action = _text(form, "action")
    try:
        with app.unit_of_work() as uow:
            if action in ("activate", "deactivate"):
                host.set_partner(uow.session, actor, partner_id, active=action == "activate")
            elif action in ("all", "granted"):
                host.set_partner(uow.session, actor, partner_id, sees_all=action == "all")
            elif action == "link":
                chosen = _text(form, "connection_id")
                host.set_partner(
                    uow.session, actor, partner_id,
                    connection_id=int(chosen) if chosen.isdigit() else None,
                )  # fmt: skip
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _back()


@router.post("/pact/footprints")
async def publish_footprint(request: Request, actor: ActorDep, app: AppDep) -> Response:
    form = await request.form()
    try:
        result_id = int(_text(form, "result_id"))
        mass_text = _text(form, "mass")
        details = publish.FootprintDetails(
            product_ids=_urns(form, "product_ids"),
            company_ids=_urns(form, "company_ids"),
            product_category_cpc=_text(form, "cpc"),
            product_mass_per_declared_unit=float(mass_text) if mass_text else None,
            geography=_text(form, "geography") or "CN-JS",
        )
    except ValueError:
        return _page(
            request, app, actor, status_code=422,
            error="result id and mass: expected numbers (a result id such as 12, a mass in kg)",
        )  # fmt: skip
    try:
        with app.unit_of_work() as uow:
            row = publish.publish_result(uow.session, actor, result_id, details)
            if form.get("release") == "1":
                host.release(uow.session, actor, row.id, True)
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _back()


@router.post("/pact/footprints/{footprint_id}")
async def share(request: Request, footprint_id: Id, actor: ActorDep, app: AppDep) -> Response:
    form = await request.form()
    action = _text(form, "action")
    partner = _text(form, "partner_id")
    try:
        with app.unit_of_work() as uow:
            if action in ("release", "withdraw"):
                host.release(uow.session, actor, footprint_id, action == "release")
            elif action == "deprecate":
                host.deprecate(uow.session, actor, footprint_id)
            elif action in ("grant", "revoke") and partner.isdigit():
                host.grant(uow.session, actor, footprint_id, int(partner), action == "grant")
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _back()


@router.post("/pact/connections")
async def add_connection(request: Request, actor: ActorDep, app: AppDep) -> Response:
    form = await request.form()
    try:
        with app.unit_of_work() as uow:
            client.add_connection(
                uow.session, actor, _text(form, "name"), _text(form, "base_url"),
                _text(form, "client_id"), str(form.get("client_secret", "")),
                test_mode=app.settings.pact_test_mode,
            )  # fmt: skip
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _back()


@router.get("/pact/connections/{connection_id}")
def connection_page(request: Request, connection_id: Id, actor: ActorDep, app: AppDep) -> Response:
    """A partner's host: the footprints it lists for us now (fetched on each visit)."""
    with app.unit_of_work() as uow:
        conn = client.connection(uow.session, actor, connection_id)
        uow.session.expunge(conn)
    fetched: list[dict[str, Any]] = []
    error = ""
    try:
        with http_client(app.settings.pact_ca_file) as http:
            fetched = client.fetch_footprints(http, conn)
    except ServiceError as problem:
        error = str(problem)
    return render(
        request,
        "pact/connection.html",
        {
            "conn": conn,
            "fetched": fetched,
            "error": error,
            "done": request.query_params.get("done"),
        },
    )


@router.post("/pact/connections/{connection_id}/import")
async def import_footprint(
    request: Request, connection_id: Id, actor: ActorDep, app: AppDep
) -> Response:
    form = await request.form()
    try:
        with http_client(app.settings.pact_ca_file) as http, app.unit_of_work() as uow:
            client.import_footprint(uow.session, actor, http, connection_id, _text(form, "pf_id"))
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return RedirectResponse(f"/pact/connections/{connection_id}?done=import", status_code=303)


@router.post("/pact/connections/{connection_id}/requests")
async def send_request(
    request: Request, connection_id: Id, actor: ActorDep, app: AppDep
) -> Response:
    form = await request.form()
    criteria: dict[str, Any] = {"productId": _urns(form, "product_ids")}
    if _text(form, "comment"):
        criteria["comment"] = _text(form, "comment")
    try:
        with http_client(app.settings.pact_ca_file) as http:
            client.send_request(
                app, actor, http, connection_id, criteria, our_base_url=our_base_url(request)
            )
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _back()


def _download(document: dict[str, Any], name: str) -> Response:
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/pact/footprints/{footprint_id}/catenax")
def catenax(request: Request, footprint_id: Id, actor: ActorDep, app: AppDep) -> Response:
    """The Catena-X PCF (9.0.0 or 7.0.0) of a served footprint, as a file."""
    q = request.query_params
    version: CatenaxVersion = "7.0.0" if q.get("version") == "7.0.0" else "9.0.0"
    packaging = {"yes": True, "no": False}.get(q.get("packaging", ""))
    try:
        with app.unit_of_work() as uow:
            document = exports.catenax_of_footprint(
                uow.session, actor, footprint_id, version=version,
                waste_incineration=q.get("waste") or None, packaging_included=packaging,
            )  # fmt: skip
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _download(document, f"catena-x-pcf-{version}-{footprint_id}.json")


@router.get("/pact/battery-passport")
def battery_passport(request: Request, actor: ActorDep, app: AppDep) -> Response:
    """The EU battery passport's carbon-footprint section of a result, as a file."""
    q = request.query_params
    try:
        result_id = int(q.get("result_id", ""))
        energy = float(q["energy"]) if q.get("energy") else None
    except ValueError:
        return _page(
            request, app, actor, status_code=422,
            error="result number and energy: expected numbers",
        )  # fmt: skip
    try:
        with app.unit_of_work() as uow:
            document = exports.battery_passport(
                uow.session, actor, result_id, study_url=q.get("study_url", ""),
                performance_class=q.get("performance_class") or None, lifetime_energy_kwh=energy,
            )  # fmt: skip
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _download(document, f"battery-passport-carbon-footprint-{result_id}.json")


@router.post("/pact/catenax-import")
async def catenax_import(request: Request, actor: ActorDep, app: AppDep) -> Response:
    """A supplier's Catena-X PCF file kept as a supplier footprint."""
    async with request.form() as form:  # closes the uploaded file's spool
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return _page(
                request, app, actor, error="file: choose a Catena-X PCF JSON file", status_code=422
            )
        name = upload.filename or "upload.json"
        raw = await upload.read()
    try:
        document = json.loads(raw)
    except ValueError:
        return _page(request, app, actor, error=f"{name}: not JSON", status_code=422)
    try:
        with app.unit_of_work() as uow:
            supplier = exports.import_catenax(uow.session, actor, document, source=f"file {name}")
    except ServiceError as error:
        return _page(request, app, actor, error=str(error), status_code=422)
    return _page(request, app, actor, imported=supplier)
