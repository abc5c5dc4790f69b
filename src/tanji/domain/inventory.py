"""Turning LCI activities into the engine's matrices.

Activities get consecutive integer ids in the order given; elementary flows likewise,
after the activities. Sign convention (see :mod:`tanji.engine.system`): production enters
A positive, technosphere inputs negative (Brightway ``flip``), biosphere amounts as given.
A technosphere input whose provider is not among the activities is refused with an error
that names the consuming activity and the missing provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tanji.domain.factors import DomainError, Uncertainty
from tanji.domain.lci import Activity, ElementaryFlow, ExchangeKind
from tanji.engine import Exchanges, LcaSystem, build_system, uncertainty_records

__all__ = [
    "InventoryIndex",
    "build_inventory_system",
    "uncertainty_arrays",
    "uncertainty_columns",
]


@dataclass(frozen=True)
class InventoryIndex:
    """The map between source keys and the engine's integer ids."""

    activity_ids: Mapping[str, int]
    flow_ids: Mapping[str, int]

    def activity_id(self, key: str) -> int:
        try:
            return self.activity_ids[key]
        except KeyError:
            raise DomainError(f"unknown activity {key!r}") from None


def uncertainty_arrays(items: Sequence[tuple[float, Uncertainty]]) -> np.ndarray:
    """Engine uncertainty records for (amount, uncertainty) pairs of stored magnitudes."""
    return uncertainty_columns(
        np.array([a for a, _ in items], dtype=np.float64),
        np.array([u.distribution for _, u in items], dtype=object),
        *(
            np.array([np.nan if getattr(u, f) is None else getattr(u, f) for _, u in items])
            for f in ("gsd", "sd", "minimum", "maximum")
        ),
    )


def uncertainty_columns(
    amounts: np.ndarray,
    distribution: np.ndarray,
    gsd: np.ndarray,
    sd: np.ndarray,
    minimum: np.ndarray,
    maximum: np.ndarray,
) -> np.ndarray:
    """Engine uncertainty records from column arrays (as stored), vectorized.

    lognormal: μ = ln|amount|, σ = ln(gsd), ``negative`` for negative amounts; normal:
    mean = amount, sd; uniform and triangular: minimum, maximum, mode = amount.
    """
    n = len(amounts)
    kind = np.ones(n, dtype=np.uint8)
    loc = amounts.astype(np.float64).copy()
    scale = np.full(n, np.nan)
    lognormal = (distribution == "lognormal") & (amounts != 0) & (gsd > 1)
    normal = (distribution == "normal") & (sd >= 0)
    uniform = distribution == "uniform"
    triangular = distribution == "triangular"
    kind[lognormal], kind[normal], kind[uniform], kind[triangular] = 2, 3, 4, 5
    with np.errstate(divide="ignore", invalid="ignore"):
        loc[lognormal] = np.log(np.abs(amounts[lognormal]))
        scale[lognormal] = np.log(gsd[lognormal])
    scale[normal] = sd[normal]
    bounded = uniform | triangular
    return uncertainty_records(
        n,
        kind=kind,
        loc=loc,
        scale=scale,
        minimum=np.where(bounded, minimum, np.nan),
        maximum=np.where(bounded, maximum, np.nan),
        negative=lognormal & (amounts < 0),
    )


def build_inventory_system(
    activities: Sequence[Activity],
    flows: Sequence[ElementaryFlow],
    methods: Mapping[str, Mapping[str, float]],
) -> tuple[LcaSystem, InventoryIndex]:
    """The engine system of a set of activities; ``methods`` map flow keys to factors."""
    activity_ids = {a.key: i for i, a in enumerate(activities)}
    flow_ids = {f.key: len(activity_ids) + i for i, f in enumerate(flows)}
    tech: list[tuple[int, int, float, bool, Uncertainty]] = []
    bio: list[tuple[int, int, float, Uncertainty]] = []
    for activity in activities:
        col = activity_ids[activity.key]
        for e in activity.exchanges:
            if e.kind is ExchangeKind.BIOSPHERE:
                if e.target not in flow_ids:
                    raise DomainError(
                        f"activity {activity.name!r}: elementary flow {e.target!r} is not in "
                        "the database"
                    )
                bio.append((flow_ids[e.target], col, e.amount, e.uncertainty))
                continue
            if e.target not in activity_ids:
                raise DomainError(
                    f"activity {activity.name!r}: its input {e.target!r} has no providing "
                    "activity in the database"
                )
            consumed = e.kind is ExchangeKind.TECHNOSPHERE
            tech.append((activity_ids[e.target], col, e.amount, consumed, e.uncertainty))

    technosphere = Exchanges(
        [t[0] for t in tech],
        [t[1] for t in tech],
        [t[2] for t in tech],
        [t[3] for t in tech],
        uncertainty_arrays([(t[2], t[4]) for t in tech]),
        name="technosphere",
    )
    biosphere = Exchanges(
        [b[0] for b in bio],
        [b[1] for b in bio],
        [b[2] for b in bio],
        None,
        uncertainty_arrays([(b[2], b[3]) for b in bio]),
        name="biosphere",
    )
    engine_methods = {
        name: (
            [flow_ids[k] for k in factors if k in flow_ids],
            [v for k, v in factors.items() if k in flow_ids],
        )
        for name, factors in methods.items()
    }
    system = build_system(technosphere, biosphere, engine_methods)
    return system, InventoryIndex(activity_ids, flow_ids)
