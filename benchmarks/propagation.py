"""Change propagation at scale: publish a new grid-factor version on a store with N
workspace products and recompute every dependent footprint on Dask.

Generated data (not real factors): a factor database ``bench-grid`` with one grid
factor, ``bench-materials`` with 40 material factors, and an LCI database ``bench-lci``
of 60 activities (a chain with a loop, CO2 and CH4 emissions). Each of N products
(default 1,000) has ~50 lines: 1 electricity line linked to the grid factor, 34 to
material factors and 15 to LCI activities (drawn with a fixed seed). Every product is
computed once (its pinned result); then a new version of ``bench-grid`` changes the grid
factor, and the benchmark times

1. finding the dependents from the pins (:func:`tanji.services.admission.propagation.affected`);
2. recomputing all of them on a LocalCluster with 1 worker, then 2 workers (the same
   pinned results each time; every run writes new results beside them);

and prints where the time goes (cluster start, compute, write).

Usage: ``.venv/bin/python benchmarks/propagation.py [--n 1000] [--workers 1 2]
[--database-url URL]`` (default: a fresh SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tanji.bootstrap import build_app
from tanji.db.migrate import upgrade
from tanji.db.models import ProductRow
from tanji.domain.accounts import USCC_CHARSET, Actor, uscc_of
from tanji.domain.factors import Boundary, EmissionFactor, FactorKind, Source, Uncertainty
from tanji.domain.lci import Activity, ElementaryFlow, Exchange, ExchangeKind, LciBundle
from tanji.services import accounts, product_calculation
from tanji.services.admission import batch, propagation
from tanji.services.catalog import Destination
from tanji.services.factors import import_factors
from tanji.services.lci_import import import_bundle
from tanji.services.reference import ensure_reference_data
from tanji.settings import Settings

SOURCE = Source("Tanji benchmarks", "Generated data for the propagation benchmark — not real")
P, T, B = ExchangeKind.PRODUCTION, ExchangeKind.TECHNOSPHERE, ExchangeKind.BIOSPHERE


def grid(value: float) -> EmissionFactor:
    return EmissionFactor("GRID-JS", "江苏电网（生成）", "Jiangsu grid (generated)",
                          FactorKind.GRID_LIFECYCLE, "kWh", "CN-JS", SOURCE, co2e=value,
                          gwp_basis="IPCC-AR6-GWP100", boundary=Boundary.LIFE_CYCLE)  # fmt: skip


def materials(rng: random.Random) -> list[EmissionFactor]:
    return [
        EmissionFactor(f"M{i:03d}", f"材料{i}", f"material {i}", FactorKind.MATERIAL, "kg",
                       "CN", SOURCE, co2e=rng.uniform(0.5, 20), gwp_basis="IPCC-AR6-GWP100",
                       boundary=Boundary.LIFE_CYCLE,
                       uncertainty=Uncertainty("lognormal", gsd=1.2))
        for i in range(40)
    ]  # fmt: skip


def lci(rng: random.Random, n: int = 60) -> LciBundle:
    activities = []
    for i in range(n):
        exchanges = [Exchange(P, f"a{i}", 1.0), Exchange(B, "co2", rng.uniform(0.1, 3.0)),
                     Exchange(B, "ch4", rng.uniform(0, 0.01))]  # fmt: skip
        exchanges.extend(
            Exchange(T, f"a{j}", rng.uniform(0.01, 0.1)) for j in rng.sample(range(n), 3) if j != i
        )
        activities.append(Activity(f"a{i}", f"activity {i}", "kg", tuple(exchanges)))
    return LciBundle(
        format="bench",
        activities=tuple(activities),
        flows=(
            ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", "air", "124-38-9", gas="CO2"),
            ElementaryFlow("ch4", "Methane, fossil", "kg", "air", "74-82-8", gas="CH4-fossil"),
        ),
    )


def document(code: str, rng: random.Random) -> dict[str, Any]:
    lines: list[dict[str, Any]] = [
        {"id": "power", "stage": "production", "quantity": f"{rng.randint(100, 900)} kWh",
         "factor": "bench-grid:GRID-JS"},
    ]  # fmt: skip
    lines.extend(
        {"id": f"m{i}", "stage": "raw_materials", "quantity": f"{rng.uniform(0.1, 50):.3f} kg",
         "factor": f"bench-materials:M{rng.randrange(40):03d}"}
        for i in range(34)
    )  # fmt: skip
    lines.extend(
        {"id": f"a{i}", "stage": "raw_materials", "quantity": f"{rng.uniform(0.1, 5):.3f} kg",
         "activity": f"bench-lci:a{rng.randrange(60)}"}
        for i in range(15)
    )  # fmt: skip
    return {
        "tanji": "product-model/1",
        "id": code,
        "version": "1",
        "product": {"name": {"zh": code, "en": code}, "category": "bench",
                    "declared_unit": "1 piece", "company": "Bench Co."},
        "output": "100 piece",
        "method": "ipcc-ar6-gwp100",
        "lines": lines,
    }  # fmt: skip


def enterprise(session: Session) -> Actor:
    body = "".join(secrets.choice(USCC_CHARSET) for _ in range(8))
    return accounts.register_enterprise(
        session, name=f"基准企业 {secrets.token_hex(3)}", uscc=uscc_of("320500", body),
        email=f"bench-{secrets.token_hex(4)}@example.com", password="correct-horse-9",
        display_name="Bench",
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        settings = Settings(data_dir=Path(scratch), database_url=url)
        figures: dict[str, Any] = {"n": args.n, "store": url.split(":")[0]}
        with build_app(settings) as app:
            upgrade(app.db)
            started = time.perf_counter()
            with app.unit_of_work() as uow:
                s = uow.session
                ensure_reference_data(s)
                import_factors(s, [grid(0.60)], Destination("bench-grid", visibility="public"))
                import_factors(
                    s, materials(rng), Destination("bench-materials", visibility="public")
                )
                import_bundle(s, lci(rng), Destination("bench-lci", visibility="public"))
                owner = enterprise(s)
            with app.unit_of_work() as uow:
                rows = [
                    ProductRow(org_id=owner.org_id, code=f"bench-{i:05d}",
                               document=json.dumps(document(f"bench-{i:05d}", rng)))
                    for i in range(args.n)
                ]  # fmt: skip
                uow.session.add_all(rows)
                uow.session.flush()
                ids = [r.id for r in rows]
            for i in range(0, len(ids), 100):
                with app.unit_of_work() as uow:
                    for product_id in ids[i : i + 100]:
                        product_calculation.calculate_product(
                            uow.session, app.backgrounds, owner, product_id
                        )
            figures["setup_seconds"] = time.perf_counter() - started
            print(f"setup: {args.n} products computed in {figures['setup_seconds']:.1f} s")
            with app.unit_of_work() as uow:
                import_factors(uow.session, [grid(0.55)], Destination("bench-grid"))
            operator = accounts_operator(app)
            started = time.perf_counter()
            with app.unit_of_work() as uow:
                run_id, dependents = propagation.start_run(
                    uow.session, operator, "bench-grid", None, 1
                )
            figures["find_seconds"] = time.perf_counter() - started
            print(f"find: {len(dependents)} dependents in {figures['find_seconds']:.2f} s")
            spec = batch.StoreSpec(url, str(Path(scratch) / "cache" / "background"))
            result_ids = [d.result_id for d in dependents]
            for workers in args.workers:
                with app.unit_of_work() as uow:
                    run_id, _ = propagation.start_run(
                        uow.session, operator, "bench-grid", "2", workers
                    )
                outcome = batch.run_batch(spec, run_id, result_ids, workers=workers)
                tasks = sum(outcome.chunk_seconds)
                row = {
                    "workers": workers,
                    "wall_seconds": outcome.seconds,
                    "recomputed": len(outcome.recomputed),
                    "failures": len(outcome.failures),
                    "chunks": len(outcome.chunk_seconds),
                    "task_seconds_total": tasks,
                    "compute_seconds": outcome.compute_seconds,
                    "write_seconds": outcome.write_seconds,
                    "per_product_ms": 1000 * tasks / max(1, len(outcome.recomputed)),
                    "overhead_seconds": outcome.seconds - tasks / workers,
                }
                figures[f"workers_{workers}"] = row
                print(
                    f"{workers} worker(s): {row['recomputed']} recomputed "
                    f"({row['failures']} failed) in {outcome.seconds:.1f} s wall; tasks "
                    f"{tasks:.1f} s (compute {outcome.compute_seconds:.1f} s, write "
                    f"{outcome.write_seconds:.1f} s), {row['per_product_ms']:.1f} ms per "
                    f"product; start-up and scheduling ≈ {row['overhead_seconds']:.1f} s"
                )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))


def accounts_operator(app: Any) -> Actor:
    with app.unit_of_work() as uow:
        return accounts.ensure_platform_admin(
            uow.session, f"op-{secrets.token_hex(3)}@example.com", "correct-horse-9"
        )


if __name__ == "__main__":
    main()
