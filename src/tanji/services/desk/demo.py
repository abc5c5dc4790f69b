"""The desk's part of the demo store (idempotent; called by
:func:`tanji.services.demo.load_demo`): a city department for 苏州市, where the demo
battery maker is registered, so that a city's view can be tried beside the province's.
It is a demo organisation (published password; never counted in progress)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from tanji.db.models import OrganisationRow
from tanji.domain.accounts import OrgKind
from tanji.services import accounts, logins
from tanji.services.logins import user_by_email

__all__ = ["CITY_DEMO_ACCOUNT", "load_desk_demo"]

#: (email, password, what it is) of the demo city department's admin.
CITY_DEMO_ACCOUNT = (
    "suzhou@tanji.example",
    "tanji-demo-suzhou-1",
    "admin of the Suzhou city department (demo)",
)


def load_desk_demo(session: Session) -> tuple[str, str, str]:
    """Create (once) the demo city department of Suzhou and its admin; returns its login."""
    email, password, _ = CITY_DEMO_ACCOUNT
    if user_by_email(session, email) is None:
        admin_email, admin_password, _ = accounts.DEMO_ACCOUNTS[0]
        platform = accounts.ensure_platform_admin(session, admin_email, admin_password)
        accounts.register_organisation(
            session,
            platform,
            OrgKind.DEPARTMENT_CITY,
            "苏州市工业和信息化局（示范）",
            name_en="Suzhou city department (demo)",
            region="CN-JS-SZ",
            admin_email=email,
            admin_password=password,
            admin_display_name="Suzhou city department (demo)",
        )
    actor = logins.authenticate(session, email, password)
    session.execute(
        update(OrganisationRow).where(OrganisationRow.id == actor.org_id).values(demo=True)
    )
    return CITY_DEMO_ACCOUNT
