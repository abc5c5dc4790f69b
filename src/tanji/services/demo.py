"""The demo store behind ``tanji serve``: accounts, a battery maker's workspace, examples.

:func:`load_demo` is idempotent — run it on every start:

- the demo accounts (:func:`tanji.services.accounts.demo_accounts`, with their published
  passwords: a demo store is public);
- the demo battery enterprise (``battery@tanji.example``) gets the battery examples as
  workspace products (the cell first: the pack links it as a sub-model, ``model:
  lfp-cell``) with one computed footprint each;
- every other example is computed once as platform data (no organisation; illustrative,
  so the home page's progress does not count it);
- the certification demo (:mod:`tanji.services.certification.demo`): the certifier as a
  registered body with twelve staff, one granted certificate on the battery maker's
  product, one case in progress and one application not accepted.
- the admission demo (:func:`tanji.services.admission.demo.load_admission_demo`);
- the supply-chain demo (:func:`tanji.services.supply.demo.load_supply_demo`): a lead
  firm (``lead@tanji.example``) asking the battery maker for its certified pack.
- the service hub's demo (:func:`tanji.services.hub.demo.load_hub_demo`): a service
  provider with a login and three services, the policy section's items.

Examples live in the repository (``examples/``), not in the package: the caller passes
the folder, and without it only the accounts are made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from tanji.db.models import FootprintResultRow, ProductRow
from tanji.db.session import UnitOfWork
from tanji.io.product_model import document_text, load_document
from tanji.services import accounts, logins
from tanji.services.admission.demo import REVIEWER_ACCOUNTS, load_admission_demo
from tanji.services.background import BackgroundStore
from tanji.services.benchmarks.demo import load_benchmark_demo
from tanji.services.certification.demo import certification_logins, load_certification_demo
from tanji.services.desk.demo import load_desk_demo
from tanji.services.footprints import calculate, save_result
from tanji.services.hub.demo import load_hub_demo
from tanji.services.product_calculation import calculate_product
from tanji.services.products import update_document
from tanji.services.rules import get_rule
from tanji.services.supply.demo import load_supply_demo

__all__ = ["BATTERY_PRODUCTS", "DemoStore", "DemoSummary", "load_demo"]

#: The battery examples that become the demo enterprise's products, in the order they
#: must be created (a sub-model before the model that links it).
BATTERY_PRODUCTS = ("battery/lfp-cell.yaml", "battery/lfp-pack.yaml")
BATTERY_RULE = "cn-battery-declaration"


class DemoStore(Protocol):
    """What :func:`load_demo` needs of the app (:class:`tanji.bootstrap.App` has it)."""

    @property
    def backgrounds(self) -> BackgroundStore: ...

    def unit_of_work(self) -> UnitOfWork: ...


@dataclass(frozen=True)
class DemoSummary:
    accounts: tuple[tuple[str, str, str], ...]  # (email, password, what it is)
    products: int  # workspace products created now
    results: int  # footprints computed now (workspace and platform)
    certificate_id: int | None = None  # the certification demo's granted certificate


def _workspace_data(data: Mapping[str, Any], codes: Mapping[str, str], rule: str) -> dict[str, Any]:
    """The example as a workspace document: sub-model files become product codes, and
    the model follows the battery rule (its findings show in the workspace)."""
    out: dict[str, Any] = json.loads(json.dumps(data))
    out.setdefault("rule", rule)
    for line in out.get("lines", []):
        if isinstance(line.get("model"), str) and line["model"] in codes:
            line["model"] = codes[line["model"]]
    return out


def _battery_products(store: DemoStore, examples: Path) -> tuple[int, int]:
    made = computed = 0
    codes: dict[str, str] = {}
    with store.unit_of_work() as uow:
        email, password, _ = accounts.DEMO_ACCOUNTS[1]
        actor = logins.authenticate(uow.session, email, password)
    for name in BATTERY_PRODUCTS:
        path = examples / name
        if not path.exists():
            continue
        document = load_document(path)
        code = str(document.data["id"])
        codes[path.name] = code
        with store.unit_of_work() as uow:
            session = uow.session
            row = session.scalar(
                select(ProductRow).where(ProductRow.org_id == actor.org_id, ProductRow.code == code)
            )
            if row is None:
                row = ProductRow(
                    org_id=actor.org_id, code=code, created_by=actor.user_id, document="{}"
                )
                session.add(row)
                session.flush()
                rule = get_rule(session, BATTERY_RULE).ref
                text = document_text(_workspace_data(document.data, codes, rule))
                update_document(session, actor, row.id, text, path.name)
                made += 1
            has_result = session.scalar(
                select(FootprintResultRow.id).where(FootprintResultRow.product_id == row.id)
            )
            if has_result is None:
                calculate_product(session, store.backgrounds, actor, row.id)
                computed += 1
    return made, computed


def _platform_results(store: DemoStore, examples: Path) -> int:
    saved = 0
    workspace = {str(examples / name) for name in BATTERY_PRODUCTS}
    for path in sorted(examples.glob("**/*.yaml")):
        if str(path) in workspace:
            continue
        code = str(load_document(path).data["id"])
        with store.unit_of_work() as uow:
            exists = uow.session.scalar(
                select(FootprintResultRow.id).where(
                    FootprintResultRow.product_code == code, FootprintResultRow.org_id.is_(None)
                )
            )
            if exists is None:
                save_result(uow.session, calculate(uow.session, store.backgrounds, path))
                saved += 1
    return saved


def load_demo(store: DemoStore, examples: Path | None = None) -> DemoSummary:
    """Create (once) the demo accounts, the battery maker's products with their
    footprints and the other examples' footprints as platform data."""
    with store.unit_of_work() as uow:
        logins = tuple(accounts.demo_accounts(uow.session))
    with store.unit_of_work() as uow:
        load_admission_demo(uow.session)  # issue 15: databases, reviewers, one admission
    logins = (*logins, *((e, p, f"admin of {name} (shared-data reviewer)")
                         for e, p, name, _, _ in REVIEWER_ACCOUNTS))  # fmt: skip
    made = computed = 0
    certificate_id = None
    if examples is not None and examples.is_dir():
        made, computed = _battery_products(store, examples)
        computed += _platform_results(store, examples)
        # --- certification: the body, its staff, one certificate and two more cases
        with store.unit_of_work() as uow:
            certificate_id = load_certification_demo(uow.session, store.backgrounds)
        logins = (*logins, *certification_logins())
        # --- green supply chains (issue 17): a lead firm asking the battery maker
        with store.unit_of_work() as uow:
            logins = (*logins, *load_supply_demo(uow.session))
    _benchmarks(store)
    with store.unit_of_work() as uow:  # issue 17: a city department (苏州市)
        logins = (*logins, load_desk_demo(uow.session))
    with store.unit_of_work() as uow:  # issue 17: a service provider, the policy section
        logins = (*logins, load_hub_demo(uow.session))
    return DemoSummary(logins, made, computed, certificate_id)


def _benchmarks(store: DemoStore) -> None:
    """Benchmarks (issue 16): official values, an industry average, an energy report."""
    load_benchmark_demo(store.unit_of_work)
