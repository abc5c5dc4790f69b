"""Request makers of the desk rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): a work plan of :data:`YEAR` to read and to
change (a change names the version it read, so each caller's call is a real edit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.matrix_call import Call

from tanji.services import accounts, logins
from tanji.services.desk import plans

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import World

YEAR = 2095


def _version(world: World) -> int | None:
    with world.app.unit_of_work() as uow:
        found = plans.plan_of(uow.session, YEAR)
        return found.version if found is not None else None


def read_plan(world: World) -> Call:
    if _version(world) is None:
        email, password, _ = accounts.DEMO_ACCOUNTS[3]
        with world.app.unit_of_work() as uow:
            province = logins.authenticate(uow.session, email, password)
            plans.set_plan(uow.session, province, year=YEAR, focus_sectors=["steel"],
                           city_targets={"CN-JS-NJ": 1})  # fmt: skip
    return Call(f"/api/v1/desk/plans/{YEAR}")


def change_plan(world: World) -> Call:
    body = {"focus_sectors": ["steel", "textile"], "city_targets": {"CN-JS-NJ": 2},
            "version": _version(world)}  # fmt: skip
    return Call(f"/api/v1/desk/plans/{YEAR}", body)
