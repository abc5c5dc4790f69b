"""Request makers of the PACT data exchange rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): the enterprise's partners, served footprints
and partners' hosts. A made partner, footprint or connection belongs to the matrix
enterprise; its host (https://127.0.0.1:9) refuses connections, so a fetch or request
reaches the network step and fails there (400) — the permission checks before it are what
the row shows."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from tests.web.matrix_call import Call

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import RequestMaker, World


def partner(suffix: str = "") -> RequestMaker:
    def make(world: World) -> Call:
        from tanji.services.pact import host

        with world.app.unit_of_work() as uow:
            issued = host.add_partner(
                uow.session, world.enterprise.actor, f"P {secrets.token_hex(4)}"
            )
        return Call(f"/api/v1/pact/partners/{issued.partner_id}{suffix}", {})

    return make


def footprint(suffix: str = "", body: Any = None) -> RequestMaker:
    def make(world: World) -> Call:
        import uuid

        from tanji.services.pact import host
        from tanji.services.pact.testhost import illustrative_footprints

        document = {**illustrative_footprints()[0], "id": str(uuid.uuid4())}
        with world.app.unit_of_work() as uow:
            row = host.add_footprint(uow.session, world.enterprise.actor, document)
        return Call(f"/api/v1/pact/footprints/{row.id}{suffix}", body)

    return make


def connection(suffix: str = "", body: Any = None) -> RequestMaker:
    def make(world: World) -> Call:
        from tanji.services.pact import client

        with world.app.unit_of_work() as uow:
            row = client.add_connection(
                uow.session, world.enterprise.actor, "Host", "https://127.0.0.1:9", "id", "s"
            )
        return Call(f"/api/v1/pact/connections/{row.id}{suffix}", body)

    return make


def publish(world: World) -> Call:
    body = {"result_id": world.result(), "product_ids": ["urn:gtin:1"],
            "company_ids": ["urn:uuid:a"], "product_mass_per_declared_unit": 1.0}  # fmt: skip
    return Call("/api/v1/pact/footprints", body)
