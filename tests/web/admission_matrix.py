"""The admission rows' targets for the permission matrix: a battery database of the demo
province department (its sector's competent department) with a reviewer, and fresh
submissions of the matrix enterprise."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING, Any

from tests.integration.db.admission_world import files, record
from tests.web.matrix_call import Call

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.services import logins
from tanji.services.accounts import DEMO_ACCOUNTS
from tanji.services.admission import databases, submissions

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import RequestMaker, World


def database(app: App, shared: dict[str, int]) -> int:
    """The matrix's background database (made once): the demo province runs it."""
    if "admission_db" not in shared:
        email, password, _ = DEMO_ACCOUNTS[3]
        with app.unit_of_work() as uow:
            province = logins.authenticate(uow.session, email, password)
            sector = f"matrix-{secrets.token_hex(3)}"
            databases.ensure_sector(uow.session, province, sector, "矩阵", "Matrix",
                                    province.org_id)  # fmt: skip
            shared["admission_db"] = databases.create_background_database(
                uow.session, province, f"matrix-{sector}", sector
            )
    return shared["admission_db"]


def submission_body(app: App, shared: dict[str, int]) -> dict[str, Any]:
    return {
        "database_id": database(app, shared),
        "record": record(code=f"M-{secrets.token_hex(3)}").as_dict(),
        "evidence": [
            {"name": f.name, "kind": f.kind, "calibrates": f.calibrates,
             "content_base64": base64.b64encode(f.content).decode()}
            for f in files()
        ],
    }  # fmt: skip


def fresh_submission(app: App, shared: dict[str, int], submitter: Actor) -> int:
    """A new submission of ``submitter`` (in review) to the matrix's database."""
    adb = database(app, shared)
    with app.unit_of_work() as uow:
        return submissions.submit(uow.session, submitter, adb, record(), files())


REVIEW = {
    "completeness": 4, "representativeness": 4, "consistency": 4,
    "dqr": {"ter": 2, "ger": 2, "tir": 2, "p": 2}, "recommendation": "admit",
    "summary": "Matrix review.",
}  # fmt: skip


# --- request makers of the admission rows of tests/web/test_permissions_matrix.py


def submit(world: World) -> Call:
    body = submission_body(world.app, world.shared)
    return Call("/api/v1/admission/submissions", body)


def submission(suffix: str = "", body: Any = None) -> RequestMaker:
    """A fresh submission of the matrix enterprise (``…/submissions/ID`` + ``suffix``)."""

    def make(world: World) -> Call:
        sid = fresh_submission(world.app, world.shared, world.enterprise.actor)
        return Call(f"/api/v1/admission/submissions/{sid}{suffix}", body)

    return make


def affected(world: World) -> Call:
    name = world.factor_ref.split(":")[0]  # a shipped database, published
    return Call(f"/api/v1/admission/affected?database={name}")


def propagation(world: World) -> Call:
    return Call("/api/v1/admission/propagation", {"database": world.factor_ref.split(":")[0]})
