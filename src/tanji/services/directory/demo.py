"""The directory demo: the demo battery maker publishes a disclosure text (once).

Runs after the label demo (``tanji serve --demo``), idempotent: the text is written only
while the enterprise has none. DEMO DATA: the text is illustrative and says so.
"""

from __future__ import annotations

from sqlalchemy import select

from tanji.db.directory_tables import DisclosureRow
from tanji.services import accounts, logins
from tanji.services.demo import DemoStore
from tanji.services.directory.disclosure import set_disclosure

__all__ = ["DEMO_DISCLOSURE", "load_directory_demo"]

DEMO_DISCLOSURE = (
    "【演示数据，示意】本公司自愿公开经认证的产品碳足迹，并在碳标识页面提供实时核验。\n\n"
    "[Demo data, illustrative] We publish our certified product carbon footprints "
    "voluntarily; each label can be checked online at any time."
)


def load_directory_demo(store: DemoStore) -> int:
    """Publish the demo battery maker's disclosure text once; returns its organisation id."""
    email, password, _ = accounts.DEMO_ACCOUNTS[1]
    with store.unit_of_work() as uow:
        company = logins.authenticate(uow.session, email, password)
        found = uow.session.scalar(
            select(DisclosureRow).where(DisclosureRow.org_id == company.org_id)
        )
        if found is None:
            set_disclosure(uow.session, company, DEMO_DISCLOSURE, version=0)
        return company.org_id
