"""Prepared background databases: every activity's footprint, by gas, and MC samples.

A product model links to LCI activities; it never solves the background itself. Once
per database version and method, the engine computes the footprint of every activity
(one factorization, one adjoint solve per gas) and — when Monte Carlo is asked for —
``n`` samples of every activity's footprint (each iteration one sampled system, so
activities keep their correlation). Both are cached in memory and on disk under
``<data dir>/cache/background`` (database versions never change, so the cache never
goes stale; its key includes the store's URL and the system's content digest).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from tanji.engine import Engine, MonteCarlo
from tanji.services.lci import StoredExchanges, load_system, stored_exchanges

__all__ = ["BACKGROUND_SEED", "Background", "BackgroundStore"]

#: The seed of every background Monte Carlo: samples are a property of the database
#: version, reproducible by anyone (ISO 14067 is 14067).
BACKGROUND_SEED = 14067

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Background:
    key: str
    dbv_id: int
    method: str
    digest: str
    ids: NDArray[np.int64]
    totals: FloatArray
    by_gas: dict[str, FloatArray]

    def index_of(self, activity_id: int) -> int:
        i = int(np.searchsorted(self.ids, activity_id))
        if i >= len(self.ids) or self.ids[i] != activity_id:
            raise KeyError(activity_id)
        return i


class BackgroundStore:
    """Prepared backgrounds of one store, kept in memory and on disk."""

    def __init__(self, engine: Engine, cache_dir: Path | None, store_url: str = "") -> None:
        self.engine = engine
        self.cache_dir = cache_dir
        self._store = hashlib.sha256(store_url.encode()).hexdigest()[:12]
        self._memory: dict[str, Background] = {}
        self._samples: dict[tuple[str, int], FloatArray] = {}
        self._exchanges: dict[int, StoredExchanges] = {}

    def exchanges(self, session: Session, dbv_id: int) -> StoredExchanges:
        """A version's exchanges as columns: from memory, the disk snapshot, or the store.

        The snapshot (``lci-<version>.npz``) is written the first time a version is read
        — ``tanji data import`` does it right after an import — so preparing a background
        never reads a million rows through SQL twice.
        """
        if dbv_id in self._exchanges:
            return self._exchanges[dbv_id]
        path = self._path(f"lci-{dbv_id}.npz")
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as data:
                stored = StoredExchanges.from_npz(data)
        else:
            stored = stored_exchanges(session, dbv_id)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(f".{secrets.token_hex(6)}.tmp.npz")
                arrays: dict[str, Any] = stored.to_npz()
                np.savez(temporary, **arrays)
                temporary.replace(path)
        self._exchanges.clear()  # one version in memory at a time (they are large)
        self._exchanges[dbv_id] = stored
        return stored

    def _path(self, name: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{self._store}-{name}"

    def get(self, session: Session, dbv_id: int, method: str) -> Background:
        key = f"{dbv_id}-{method}"
        if key in self._memory:
            return self._memory[key]
        path = self._path(f"{key}.npz")
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as data:
                gases = [str(g) for g in data["gases"]]
                background = Background(
                    key=key,
                    dbv_id=dbv_id,
                    method=method,
                    digest=str(data["digest"]),
                    ids=data["ids"],
                    totals=data["totals"],
                    by_gas={g: data["by_gas"][i] for i, g in enumerate(gases)},
                )
        else:
            background = self._prepare(session, dbv_id, method, key)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                gases = sorted(background.by_gas)
                temporary = path.with_suffix(f".{secrets.token_hex(6)}.tmp.npz")
                np.savez(
                    temporary,
                    ids=background.ids,
                    totals=background.totals,
                    gases=np.array(gases),
                    by_gas=np.array([background.by_gas[g] for g in gases]).reshape(
                        len(gases), len(background.ids)
                    ),
                    digest=np.array(background.digest),
                )
                temporary.replace(path)
        self._memory[key] = background
        return background

    def _prepare(self, session: Session, dbv_id: int, method: str, key: str) -> Background:
        system = load_system(
            session, dbv_id, method, by_gas=True, exchanges=self.exchanges(session, dbv_id)
        )
        totals = self.engine.footprints(system, method).scores
        prefix = f"{method}|"
        by_gas = {
            name.removeprefix(prefix): self.engine.footprints(system, name).scores
            for name in system.methods
            if name.startswith(prefix)
        }
        return Background(
            key=key,
            dbv_id=dbv_id,
            method=method,
            digest=system.version,
            ids=np.asarray(system.activity_ids),
            totals=np.asarray(totals),
            by_gas={g: np.asarray(v) for g, v in by_gas.items()},
        )

    def samples(self, session: Session, background: Background, iterations: int) -> FloatArray:
        """``(iterations, activities)`` sampled footprints (seeded, cached on disk)."""
        key = (background.key, iterations)
        if key in self._samples:
            return self._samples[key]
        path = self._path(f"{background.key}-{background.digest}-mc{iterations}.npy")
        if path is not None and path.exists():
            values: FloatArray = np.load(path, mmap_mode="r")
        else:
            system = load_system(
                session,
                background.dbv_id,
                background.method,
                exchanges=self.exchanges(session, background.dbv_id),
            )
            mc = MonteCarlo(self.engine, system, background.method)
            values = mc.all_activities(iterations, seed=BACKGROUND_SEED).samples
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(f".{secrets.token_hex(6)}.tmp.npy")
                np.save(temporary, values)
                temporary.replace(path)
        self._samples[key] = values
        return values
