"""How fast Tanji reads an openLCA JSON-LD database of ecoinvent's size.

A synthetic database (``benchmarks/synthetic.py``: N activities, ~11 technosphere inputs
and ~35 elementary exchanges each, ~4,700 elementary flows, one GWP100-like method; random
data, only the *shape* imitates ecoinvent) is turned into an :class:`LciBundle`, written
as an openLCA JSON-LD zip with :func:`tanji.io.olca_jsonld.write_jsonld`, and read back
with :func:`~tanji.io.olca_jsonld.read_jsonld`. The target (from the issue): importing a
20,000-activity LCI database from JSON-LD takes under a minute; the read is timed here,
storing the bundle is not.

Usage: ``python benchmarks/import_olca.py --n 20000 [--seed 1] [-o /tmp/olca-n20000.zip]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from tanji.domain.factors import Uncertainty
from tanji.domain.gases import gas_for
from tanji.domain.lci import (
    Activity,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
)
from tanji.io.olca_jsonld import read_jsonld, write_jsonld

_NAMESPACE = uuid.UUID("9f0b3c52-7a51-4a5e-9d0e-3c1f2b7c8e41")
_NONE = Uncertainty()


def _synthetic() -> ModuleType:
    # benchmarks/ is not a package: load the generator by path, registered before it runs
    # (dataclasses look their module up in sys.modules).
    name = "tanji_benchmarks_synthetic"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("synthetic.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _key(kind: str, number: int) -> str:
    """UUID keys, as openLCA has them (their length matters for the file size)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{number}"))


def _uncertainty(record: Any) -> Uncertainty:
    """Tanji's distribution of one stats_arrays record (types 2-5; others: none)."""
    kind = int(record["uncertainty_type"])
    if kind == 2:
        return Uncertainty("lognormal", gsd=math.exp(float(record["scale"])))
    if kind == 3:
        return Uncertainty("normal", sd=float(record["scale"]))
    if kind in (4, 5):
        return Uncertainty(
            "uniform" if kind == 4 else "triangular",
            minimum=float(record["minimum"]),
            maximum=float(record["maximum"]),
        )
    return _NONE


def bundle_of(arrays: Any, synthetic: ModuleType) -> LciBundle:
    """The synthetic arrays as a bundle: activities, elementary flows, one GWP method."""
    named = {synthetic.FLOW_ID_START + i: n for i, (n, *_) in enumerate(synthetic.NAMED_FLOWS)}
    air = "Elementary flows/Emission to air/unspecified"
    names = {int(i): named.get(int(i), f"synthetic flow {int(i)}") for i in arrays.flow_ids}
    flows = [
        ElementaryFlow(_key("flow", i), name, "kg", air, gas=gas_for(name, compartment=air))
        for i, name in names.items()
    ]
    exchanges: dict[int, list[Exchange]] = {int(i): [] for i in arrays.activity_ids}
    tech = arrays.technosphere
    for row, col, amount, flip, record in zip(
        tech.rows.tolist(),
        tech.cols.tolist(),
        tech.data.tolist(),
        tech.flip.tolist(),
        tech.distributions,
        strict=True,
    ):
        kind = ExchangeKind.TECHNOSPHERE if flip else ExchangeKind.PRODUCTION
        u = _uncertainty(record) if flip else _NONE
        exchanges[col].append(Exchange(kind, _key("activity", row), amount, "kg", u))
    bio = arrays.biosphere
    for row, col, amount, record in zip(
        bio.rows.tolist(), bio.cols.tolist(), bio.data.tolist(), bio.distributions, strict=True
    ):
        u = _uncertainty(record)
        exchanges[col].append(Exchange(ExchangeKind.BIOSPHERE, _key("flow", row), amount, "kg", u))
    activities = [
        Activity(
            key=_key("activity", i),
            name=f"synthetic activity {i}",
            unit="kg",
            exchanges=tuple(items),
            location="GLO",
            reference_product=f"synthetic product {i}",
        )
        for i, items in exchanges.items()
    ]
    cf = arrays.characterization
    present = np.isin(cf.rows, arrays.flow_ids)
    factors = tuple(
        (_key("flow", int(r)), float(v))
        for r, v in zip(cf.rows[present], cf.data[present], strict=True)
    )
    method = ImpactMethod(_key("method", 0), "synthetic GWP100", "kg CO2 eq", factors)
    return LciBundle("olca-jsonld", tuple(activities), tuple(flows), (method,))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="number of activities")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="the zip (default: a temporary file)")
    args = parser.parse_args(argv)

    synthetic = _synthetic()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.output or Path(scratch) / f"olca-n{args.n}.zip"
        start = time.perf_counter()
        # With the generator's waste treatments (3 %): written as openLCA waste inputs.
        spec = synthetic.SyntheticSpec(n_activities=args.n, seed=args.seed)
        arrays = synthetic.generate(spec)
        bundle = bundle_of(arrays, synthetic)
        built = time.perf_counter()
        write_jsonld(bundle, path)
        written, cpu = time.perf_counter(), time.process_time()
        again = read_jsonld(path)
        read, read_cpu = time.perf_counter(), time.process_time() - cpu
        n_tech = sum(
            e.kind is ExchangeKind.TECHNOSPHERE for a in again.activities for e in a.exchanges
        )
        n_bio = sum(e.kind is ExchangeKind.BIOSPHERE for a in again.activities for e in a.exchanges)
        summary = {
            "n_activities": len(again.activities),
            "n_elementary_flows": len(again.flows),
            "technosphere_inputs_per_activity": round(n_tech / len(again.activities), 2),
            "biosphere_exchanges_per_activity": round(n_bio / len(again.activities), 2),
            "characterization_factors": len(again.methods[0].factors),
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "generate_and_bundle_s": round(built - start, 1),
            "write_s": round(written - built, 1),
            "read_s": round(read - written, 1),
            "read_cpu_s": round(read_cpu, 1),  # apart from other load on the machine
            "read_target_s": 60,
        }
        assert len(again.activities) == len(bundle.activities)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
