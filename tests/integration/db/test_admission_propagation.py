"""Change propagation on both stores: a product pins an admitted factor; a new version
of the database lists it as affected and the Dask batch recomputes it beside the old
result, which stays untouched."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.integration.db.admission_world import files, record, world
from tests.integration.db.test_admission_store import a_review

from tanji.db.migrate import upgrade
from tanji.db.models import FootprintResultRow
from tanji.db.session import UnitOfWork, make_engine
from tanji.domain.admission import summarize
from tanji.engine import Engine as LcaEngine
from tanji.services import logins, product_calculation, products
from tanji.services.admission import batch, decisions, propagation, reviews, submissions
from tanji.services.background import BackgroundStore
from tanji.services.product_lines import LineInput
from tanji.services.reference import ensure_reference_data
from tanji.services.rules import ensure_shipped_rules


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        logins, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def own_store(store_url: str) -> Iterator[Engine]:
    """A store of this test's own, on each backend: the batch's workers need committed
    data, and committed rules, factors and activities must not show in other tests."""
    engine = make_engine(store_url)
    try:
        upgrade(engine)
        with UnitOfWork(engine) as uow:
            ensure_reference_data(uow.session)
        yield engine
    finally:
        engine.dispose()


def test_a_new_version_lists_and_recomputes_the_dependent_products(
    own_store: Engine, tmp_path: Path
) -> None:
    db_engine = own_store
    backgrounds = BackgroundStore(LcaEngine(), tmp_path / "cache", "test")
    with UnitOfWork(db_engine) as uow:
        s = uow.session
        ensure_shipped_rules(s)
        w = world(s, min_reviews=1)
        sid = submissions.submit(s, w.submitter, w.admission_db_id, record(), files())
        reviews.review(s, w.reviewers[0], sid, a_review(w.reviewers[0]))
        decisions.admit(s, w.department, sid)
        owner = w.reviewers[1]  # an enterprise that uses the admitted factor
        product = products.create_product(
            s, owner, template="general", code=f"p-{secrets.token_hex(3)}", name_zh="电芯",
            output="10 piece",
        )  # fmt: skip
        for line_id in ("main-material", "inbound-road", "natural-gas"):
            products.delete_line(s, owner, product.id, line_id)
        products.add_line(
            s, owner, product.id,
            LineInput(id="cathode", stage="raw_materials", kind="factor", amount=5, unit="kg",
                      factor=f"{w.database}:LFP-CATHODE"),
        )  # fmt: skip
        old = product_calculation.calculate_product(s, backgrounds, owner, product.id)
        again = submissions.submit(s, w.submitter, w.admission_db_id, record(co2e=7.5), files())
        reviews.review(s, w.reviewers[0], again, a_review(w.reviewers[0]))
        decisions.admit(s, w.department, again)
    with UnitOfWork(db_engine) as uow:
        dependents = propagation.affected(uow.session, w.database)
        assert [(d.result_id, d.stale) for d in dependents] == [
            (old.result_id, (f"{w.database}:LFP-CATHODE@1",))
        ]
        assert propagation.affected(uow.session, w.database, "1") == []
        run_id, listed = propagation.start_run(uow.session, w.department, w.database, None, 1)
    spec = batch.StoreSpec(db_engine.url.render_as_string(hide_password=False),
                           str(tmp_path / "cache"))  # fmt: skip
    outcome = batch.run_batch(
        spec, run_id, [d.result_id for d in listed], workers=1, processes=False, user_id=None
    )
    assert outcome.failures == ()
    with UnitOfWork(db_engine) as uow:
        name, version, changes, failures = propagation.changes_of_run(uow.session, run_id)
        assert (name, version, failures) == (w.database, "2", [])
        (change,) = changes
        assert change.delta == pytest.approx(5 * (7.5 - 8.0) / 10)
        pinned = uow.session.get(FootprintResultRow, old.result_id)
        assert pinned is not None
        assert pinned.total == pytest.approx(old.total)  # the old result is untouched
        new = uow.session.get(FootprintResultRow, change.new_result_id)
        assert new is not None
        assert new.product_id == product.id
        assert f"{w.database}:LFP-CATHODE@2" in new.pins
        assert summarize(changes).changed == 1
        # the new result is now the product's latest: nothing is affected any more
        assert propagation.affected(uow.session, w.database) == []
        # the owner reads the run (their one product); another organisation does not
        (seen,) = propagation.runs_for(uow.session, owner)
        assert (seen.id, seen.products) == (run_id, 1)
        assert propagation.runs_for(uow.session, w.submitter) == []


def test_background_monte_carlo_samples_run_on_the_same_dask_path(
    own_store: Engine, tmp_path: Path
) -> None:
    db_engine = own_store
    from tests.integration.db.test_footprints_store import bundle

    from tanji.services.catalog import Destination, get_lci_version
    from tanji.services.lci_import import import_bundle

    name = f"lci-mc-{secrets.token_hex(3)}"
    with UnitOfWork(db_engine) as uow:
        import_bundle(uow.session, bundle(), Destination(name, "1"))
        dbv_id = get_lci_version(uow.session, name, "1").id
    spec = batch.StoreSpec(db_engine.url.render_as_string(hide_password=False),
                           str(tmp_path / "cache"))  # fmt: skip
    count = batch.run_background_samples(spec, dbv_id, "ipcc-ar6-gwp100", 20, processes=False)
    assert count == 3  # electricity, coal, cell
    cached = list((tmp_path / "cache").glob(f"*-{dbv_id}-ipcc-ar6-gwp100-*-mc20.npy"))
    assert len(cached) == 1  # written where every later calculation reads it
