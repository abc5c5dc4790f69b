"""Request makers of the service hub's rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): a service provider's listed service (made
once per store) and policy items of the provincial department (fresh for each edit)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from tests.web.matrix_call import Call

from tanji.bootstrap import App
from tanji.domain.accounts import OrgKind
from tanji.services import accounts, logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.hub import policy, providers

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import World

_PASSWORD = "correct-horse-9"


def service_id(app: App, shared: dict[str, int]) -> int:
    """A listed service of a new service provider (once per store)."""
    if "hub_service" not in shared:
        email = f"sp-{secrets.token_hex(4)}@example.com"
        with app.unit_of_work() as uow:
            operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
            accounts.register_organisation(
                uow.session, operator, OrgKind.SERVICE_PROVIDER, f"矩阵服务商 {email}",
                admin_email=email, admin_password=_PASSWORD,
            )  # fmt: skip
            provider = logins.authenticate(uow.session, email, _PASSWORD)
            shared["hub_service"] = providers.offer_service(
                uow.session, provider, category="consulting", city="CN-JS-NJ", title="矩阵服务"
            )
    return shared["hub_service"]


def policy_item(app: App) -> int:
    """A new notice of the provincial department."""
    with app.unit_of_work() as uow:
        province = logins.authenticate(uow.session, *DEMO_ACCOUNTS[3][:2])
        return policy.publish_item(uow.session, province, kind="notice", title="矩阵", body="正文")


def service(world: World, suffix: str = "", body: object = None) -> Call:
    return Call(f"/api/v1/providers/services/{service_id(world.app, world.shared)}{suffix}", body)


def edit_item(world: World) -> Call:
    body = {"kind": "notice", "title": "改过", "body": "正文", "version": 1}
    return Call(f"/api/v1/policy/{policy_item(world.app)}", body)


def read_item(world: World) -> Call:
    if "hub_item" not in world.shared:
        world.shared["hub_item"] = policy_item(world.app)
    return Call(f"/api/v1/policy/{world.shared['hub_item']}")
