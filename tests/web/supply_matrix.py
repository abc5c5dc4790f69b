"""Request makers of the supply-chain rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`). The matrix's enterprise is the lead firm of
some requests (a fresh enterprise is their supplier, so the other enterprise is a
stranger to them) and the supplier of others (a fresh enterprise asks it). A call that
changes a request gets a fresh one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tests.web.matrix_call import Call

from tanji.db.models import OrganisationRow, ProductRow
from tanji.domain.accounts import Actor
from tanji.services import products
from tanji.services.product_lines import placeholder_factor
from tanji.services.supply import answers, requests
from tanji.services.supply.requests import RequestInput

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import World

PACT = Path(__file__).resolve().parents[2] / "examples" / "pv" / "supplier-wafer.pact.json"
DUE = date.today() + timedelta(days=30)


def _uscc(world: World, org_id: int) -> str:
    with world.app.unit_of_work() as uow:
        org = uow.session.get(OrganisationRow, org_id)
        assert org is not None
        assert org.uscc is not None
        return org.uscc


def _fresh(world: World) -> Actor:
    from tests.web.conftest import new_enterprise

    return new_enterprise(world.app, "矩阵供应商").actor


def _ask(world: World, lead: Actor, supplier_org: int, unit: str = "1 kg", **extra: object) -> int:
    given = RequestInput(
        product_name="矩阵零件", declared_unit=unit, due_date=DUE,
        supplier_uscc=_uscc(world, supplier_org), **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    with world.app.unit_of_work() as uow:
        return requests.request_footprint(uow.session, lead, given).id


def asked(world: World) -> int:
    """A request of the matrix's enterprise to a fresh supplier (made per call)."""
    return _ask(world, world.enterprise.actor, _fresh(world).org_id)


def to_us(world: World, unit: str = "1 kg") -> int:
    """A request of a fresh lead firm to the matrix's enterprise (made per call)."""
    return _ask(world, _fresh(world), world.enterprise.actor.org_id, unit)


def create(world: World) -> Call:
    body = {
        "product_name": "矩阵零件", "declared_unit": "1 kg", "due_date": DUE.isoformat(),
        "supplier_uscc": _uscc(world, _fresh(world).org_id),
    }  # fmt: skip
    return Call("/api/v1/supply/requests", body)


def read(world: World) -> Call:
    if "supply" not in world.shared:
        world.shared["supply"] = asked(world)
    return Call(f"/api/v1/supply/requests/{world.shared['supply']}")


def step(what: str, body: object = None) -> object:
    """A step on a fresh request addressed to the matrix's enterprise."""

    def make(world: World) -> Call:
        return Call(f"/api/v1/supply/requests/{to_us(world)}/{what}", body)

    return make


def answer(world: World) -> Call:
    """Answer with the enterprise's own footprint (a request in its declared unit)."""
    result_id = world.result()
    with world.app.unit_of_work() as uow:
        found = next(f for f in answers.own_footprints(uow.session, world.enterprise.actor)
                     if f.result_id == result_id)  # fmt: skip
    request_id = to_us(world, found.per)
    return Call(f"/api/v1/supply/requests/{request_id}/answer", {"result_id": result_id})


def pact(world: World) -> Call:
    files = {"file": (PACT.name, PACT.read_bytes(), "application/json")}
    return Call(f"/api/v1/supply/requests/{to_us(world)}/pact", files=files)


def remind(world: World) -> Call:
    return Call(f"/api/v1/supply/requests/{asked(world)}/remind")


def link(world: World) -> Call:
    """An answered request of the enterprise, linked into a line of a fresh product."""
    lead = world.enterprise.actor
    product_id = world.fresh_product()
    with world.app.unit_of_work() as uow:
        row = uow.session.get(ProductRow, product_id)
        assert row is not None
        data = json.loads(row.document)
        data["lines"].append(
            {"id": "part", "stage": "raw_materials", "quantity": "4 kg",
             "factor": placeholder_factor("kg"), "data": "secondary"}
        )  # fmt: skip
        products.update_document(uow.session, lead, product_id, json.dumps(data), "m.json")
    supplier = _fresh(world)
    request_id = _ask(
        world, lead, supplier.org_id, customer_product_id=product_id, customer_line_id="part"
    )
    with world.app.unit_of_work() as uow:
        answers.answer_with_pact(uow.session, supplier, request_id, PACT.read_bytes())
    return Call(f"/api/v1/supply/requests/{request_id}/link")
