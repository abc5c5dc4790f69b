"""The supply-chain demo (idempotent): a lead firm that buys the battery maker's packs.

- 示范储能系统集成有限公司 (``lead@tanji.example``, password ``tanji-demo-lead-1``), an
  energy-storage integrator in Nanjing, with a product *示范储能柜* whose battery-pack line
  still waits for supplier data (a placeholder factor, 0 kg CO2e until linked);
- its open request to the battery maker (``battery@tanji.example``) for the footprint of
  the certified demo pack, feeding that line — sign in as the battery maker and answer
  it with the certified footprint, then as the lead firm see the line linked;
- an e-mail request to a cathode supplier not on the platform, overdue, so the missing
  list and the reminder have something to show.

All of it is illustrative: the names, quantities and prices are made up (示例数据).
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import OrganisationRow, ProductRow, SupplyRequestRow
from tanji.domain.accounts import Actor, uscc_of
from tanji.services import accounts, logins, products
from tanji.services.product_lines import placeholder_factor
from tanji.services.supply._common import today
from tanji.services.supply.requests import RequestInput, request_footprint

__all__ = ["LEAD_ACCOUNT", "LEAD_PRODUCT", "load_supply_demo"]

LEAD_ACCOUNT = ("lead@tanji.example", "tanji-demo-lead-1", "admin of 示范储能系统集成有限公司")
#: 320100 is Nanjing; the two check characters are computed (GB 11714, GB 32100-2015).
#: Made up.
_LEAD_USCC = uscc_of("320100", "TJ0DEM02")
LEAD_PRODUCT = "demo-ess-cabinet"
_PACK_LINE = "battery-packs"


def load_supply_demo(session: Session) -> list[tuple[str, str, str]]:
    """The lead firm, its product and its two requests (once); returns its login."""
    email, password, _ = LEAD_ACCOUNT
    if logins.user_by_email(session, email) is None:
        accounts.register_enterprise(
            session, name="示范储能系统集成有限公司",
            name_en="Demo Energy Storage Integrator Co., Ltd.",
            uscc=_LEAD_USCC, email=email,
            password=password, display_name="示范储能 管理员", region="CN-JS-NJ",
        )  # fmt: skip
    lead = logins.authenticate(session, email, password)
    org = session.get(OrganisationRow, lead.org_id)
    assert org is not None
    org.demo = True  # published password: never counted in progress
    if session.scalar(select(ProductRow.id).where(ProductRow.org_id == lead.org_id)) is None:
        _product(session, lead)
    asked = session.scalar(
        select(SupplyRequestRow.id).where(SupplyRequestRow.lead_org_id == lead.org_id)
    )
    if asked is None:
        _requests(session, lead)
    session.flush()
    return [LEAD_ACCOUNT]


def _product(session: Session, lead: Actor) -> None:
    made = products.create_product(
        session, lead, template="general", code=LEAD_PRODUCT, name_zh="示范储能柜",
        name_en="Demo energy-storage cabinet", output="1 piece",
    )  # fmt: skip
    row = session.get(ProductRow, made.id)
    assert row is not None
    data = json.loads(row.document)
    data["lines"].append(
        {"id": _PACK_LINE, "stage": "raw_materials", "name": "电池包（向供应商请求）",
         "quantity": "8 piece", "factor": placeholder_factor("piece"), "data": "secondary"}
    )  # fmt: skip
    products.update_document(session, lead, made.id, json.dumps(data), "demo-ess-cabinet.json")


def _requests(session: Session, lead: Actor) -> None:
    product_id = session.scalar(
        select(ProductRow.id).where(
            ProductRow.org_id == lead.org_id, ProductRow.code == LEAD_PRODUCT
        )
    )
    request_footprint(
        session, lead,
        RequestInput(
            product_name="示范储能电池包", declared_unit="1 piece",
            due_date=today() + timedelta(days=30), supplier_uscc=accounts.DEMO_USCC,
            note="示范请求：请用已认证的电池包碳足迹答复。", customer_product_id=product_id,
            customer_line_id=_PACK_LINE, mass_kg=2400.0, spend_cny=320000.0,
        ),
    )  # fmt: skip
    cathode = request_footprint(
        session, lead,
        RequestInput(
            product_name="磷酸铁锂正极材料", declared_unit="1 kg", due_date=today(),
            supplier_email="cathode-supplier@example.com", mass_kg=900.0, spend_cny=45000.0,
            note="示范请求（示例数据）。",
        ),
    )  # fmt: skip
    row = session.get(SupplyRequestRow, cathode.id)
    assert row is not None
    row.due_date = today() - timedelta(days=10)  # overdue, so the chase list shows it
