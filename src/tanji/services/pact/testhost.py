"""A PACT host set up for a conformance suite: one enterprise, one test partner (client
credentials printed), two released footprints, and — when given — the suite's own host
as the partner's, so RequestCreated events are answered there.

The two footprints are ILLUSTRATIVE (made-up values, named so in their comment); they
exist to be listed, filtered, fetched and requested, never to be used in a calculation.
They meet what the official suite asks of a host's first footprint: timestamps in UTC
with ``Z``, a validity period, and no ``#`` in the first product classification (the
suite sends it unencoded in a query string, where ``#`` would start a fragment).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tanji.domain.accounts import USCC_CHARSET, Actor, uscc_of
from tanji.io.pact import PactExport, pact_document
from tanji.services import accounts
from tanji.services.pact import client, host
from tanji.services.pact.client import Store

__all__ = ["ConformanceHost", "illustrative_footprints", "set_up_test_host"]


@dataclass(frozen=True)
class ConformanceHost:
    actor: Actor
    client_id: str
    client_secret: str
    footprint_ids: tuple[str, ...]
    login_email: str
    login_password: str


def illustrative_footprints() -> list[dict[str, object]]:
    """Two PACT v3 footprints of a made-up Jiangsu company (illustrative values)."""
    common = {
        "version": 1,
        "created": datetime(2025, 7, 1, 8, 0, tzinfo=UTC),
        "company_name": "Illustrative Jiangsu Cells Co., Ltd.",
        "company_ids": ("urn:uuid:5f7c2d4e-9a1b-4c3d-8e2f-1a2b3c4d5e6f",),
        "unitary_product_amount": 1.0,
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 12, 31),
        "geography": "CN",
        "boundary": "Cradle-to-gate (illustrative).",
        "fossil_carbon_content": 0.0,
        "exempted_emissions_percent": 0.0,
        "comment": "ILLUSTRATIVE test data for a PACT conformance run; not a real footprint.",
    }
    exports = [
        PactExport(
            id="3b9d2f6a-1c4e-4a7b-9d2e-6f1a2b3c4d51",
            product_name="LFP cell 280 Ah (illustrative)",
            product_ids=("urn:pact:example.cn:product-id:lfp-280",),
            product_description="Lithium iron phosphate cell, 280 Ah (illustrative)",
            product_category_cpc="46410",
            declared_unit="kWh",
            product_mass_per_declared_unit=5.6,
            total=62.0,
            excluding_biogenic=62.0,
            fossil=62.0,
            **common,  # type: ignore[arg-type]
        ),
        PactExport(
            id="3b9d2f6a-1c4e-4a7b-9d2e-6f1a2b3c4d52",
            product_name="LFP cathode powder (illustrative)",
            product_ids=("urn:pact:example.cn:product-id:lfp-cam",),
            product_description="LiFePO4 cathode active material (illustrative)",
            product_category_cpc="34290",
            declared_unit="kg",
            total=9.5,
            excluding_biogenic=9.5,
            fossil=9.5,
            **common,  # type: ignore[arg-type]
        ),
    ]
    return [pact_document(e, spec="3.0") for e in exports]


def _uscc() -> str:
    return uscc_of("320500", "".join(secrets.choice(USCC_CHARSET) for _ in range(8)))


def set_up_test_host(
    store: Store,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    callback_url: str = "",
    callback_client_id: str = "test_client_id",
    callback_client_secret: str = "test_client_secret",
    test_mode: bool = False,
) -> ConformanceHost:
    """Create the enterprise, its test partner and the two released footprints."""
    email = f"pact-test-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(12)
    with store.unit_of_work() as uow:
        actor = accounts.register_enterprise(
            uow.session,
            name=f"PACT 测试企业 {email}",
            uscc=_uscc(),
            email=email,
            password=password,
            display_name="PACT test",
        )
        issued = host.add_partner(
            uow.session,
            actor,
            "PACT conformance suite",
            sees_all=True,
            client_id=client_id,
            client_secret=client_secret,
        )
        ids = []
        for document in illustrative_footprints():
            row = host.add_footprint(uow.session, actor, document, released=True)
            ids.append(row.pf_id)
        if callback_url:
            conn = client.add_connection(
                uow.session,
                actor,
                "PACT conformance suite",
                callback_url,
                callback_client_id,
                callback_client_secret,
                test_mode=test_mode,
            )
            host.set_partner(uow.session, actor, issued.partner_id, connection_id=conn.id)
    return ConformanceHost(
        actor, issued.client_id, issued.client_secret, tuple(ids), email, password
    )
