"""LCA systems built from triples.

An LCA system is three pieces (Heijungs & Suh 2002, *The Computational Structure of Life
Cycle Assessment*, ch. 2):

* the technosphere matrix **A** (n × n): column *j* is activity *j*; its reference product
  sits on the diagonal, inputs from other activities are negative. The reference amount is
  positive for a product and negative for a *waste treatment* (ecoinvent and Brightway:
  the treatment "produces" −1 kg of the waste it takes in, and an activity that generates
  that waste has a positive entry in the waste's row — it supplies the waste). Zero is
  refused: such an activity's output is undefined;
* the biosphere matrix **B** (m × n): elementary flows (gases) exchanged per activity;
* one characterization vector **c** (m) per impact method (GWP factors per gas).

The system is given as *triples* (row id, column id, amount) — the way Brightway's
``bw_processing`` stores them and the way databases hold exchanges. Duplicate triples are
summed. Ids are integers chosen by the caller; an activity's reference product has the
activity's own id, which is what puts production on the diagonal.

Brightway convention, kept so its data come in unchanged: an exchange may carry a *flip*
flag, meaning its stored (positive) amount enters the matrix negated. Technosphere inputs
are stored that way.

The system keeps, for every triple, its position in the compressed matrix data. Monte
Carlo writes sampled amounts straight into those positions instead of rebuilding the
matrices (see :mod:`tanji.engine.montecarlo`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from tanji.engine.errors import (
    InvalidProductionError,
    InvalidSystemError,
    NonFiniteValueError,
    NonSquareSystemError,
    UnknownIdError,
)
from tanji.engine.uncertainty import no_uncertainty, validate_uncertainty

__all__ = ["Exchanges", "LcaSystem", "MatrixLayout", "build_system", "quote_ids", "sorted_unique"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_SHOW = 5  # ids quoted in an error message before "and N more"


def quote_ids(ids: ArrayLike) -> str:
    values = np.asarray(ids).ravel()
    shown = ", ".join(str(v) for v in values[:_SHOW])
    more = len(values) - _SHOW
    return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True, eq=False)
class Exchanges:
    """Triples (row id, column id, amount) with optional Brightway flip flags and uncertainty.

    ``uncertainty`` is a structured array of :data:`~tanji.engine.uncertainty.UNCERTAINTY_DTYPE`
    (the stats_arrays / bw_processing layout), one record per triple, describing the
    distribution of the *stored* amount (before the flip).
    """

    rows: IntArray
    cols: IntArray
    amounts: FloatArray
    flip: BoolArray
    uncertainty: NDArray[np.void]

    def __init__(
        self,
        rows: ArrayLike,
        cols: ArrayLike,
        amounts: ArrayLike,
        flip: ArrayLike | None = None,
        uncertainty: NDArray[np.void] | None = None,
        *,
        name: str = "exchanges",
    ) -> None:
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        a = np.asarray(amounts, dtype=np.float64).ravel()
        f = np.zeros(len(a), dtype=bool) if flip is None else np.asarray(flip, dtype=bool).ravel()
        u = no_uncertainty(a) if uncertainty is None else np.asarray(uncertainty)
        if not len(r) == len(c) == len(a) == len(f) == len(u):
            raise InvalidSystemError(
                f"{name}: rows, cols, amounts, flip and uncertainty must have the same length "
                f"(got {len(r)}, {len(c)}, {len(a)}, {len(f)}, {len(u)})"
            )
        bad = ~np.isfinite(a)
        if bad.any():
            where = np.flatnonzero(bad)
            pairs = [f"({r[i]}, {c[i]})" for i in where[:_SHOW]]
            raise NonFiniteValueError(
                f"{name}: {bad.sum()} amount(s) are NaN or infinite, at (row, col) "
                f"{', '.join(pairs)}; every amount must be a finite number"
            )
        u = validate_uncertainty(u, name=name)
        object.__setattr__(self, "rows", r)
        object.__setattr__(self, "cols", c)
        object.__setattr__(self, "amounts", a)
        object.__setattr__(self, "flip", f)
        object.__setattr__(self, "uncertainty", u)

    def __len__(self) -> int:
        return len(self.amounts)

    @property
    def signs(self) -> FloatArray:
        """+1 or -1 per triple: the factor that turns a stored amount into a matrix entry."""
        return np.where(self.flip, -1.0, 1.0)

    @property
    def signed_amounts(self) -> FloatArray:
        """The amounts as they enter the matrix (flipped ones negated)."""
        return np.where(self.flip, -self.amounts, self.amounts)


@dataclass(frozen=True, eq=False)
class MatrixLayout:
    """Where each triple lands in a CSC matrix's ``data`` array (duplicates share a slot)."""

    positions: IntArray
    nnz: int

    def assemble(self, signed_values: FloatArray) -> FloatArray:
        """Sum signed triple values into a CSC ``data`` array (vectorized, duplicates added)."""
        return np.bincount(self.positions, weights=signed_values, minlength=self.nnz)


def _csc_from_triples(
    row_index: IntArray, col_index: IntArray, values: FloatArray, shape: tuple[int, int]
) -> tuple[sp.csc_array, MatrixLayout]:
    """Build a canonical CSC matrix and the map from triples to its data slots.

    Sorting the linear keys col·m + row gives CSC order directly; the rank of each
    triple's key among the distinct keys is its slot, so Monte Carlo can refill ``data``
    without touching the sparsity structure.
    """
    n_rows = shape[0]
    keys = col_index * n_rows + row_index
    unique_keys, inverse = _unique_inverse(keys)
    layout = MatrixLayout(positions=inverse, nnz=len(unique_keys))
    indices = (unique_keys % n_rows).astype(np.int32)
    counts = np.bincount(unique_keys // n_rows, minlength=shape[1])
    indptr = np.zeros(shape[1] + 1, dtype=np.int32)
    np.cumsum(counts, out=indptr[1:])
    matrix = sp.csc_array((layout.assemble(values), indices, indptr), shape=shape)
    return matrix, layout


def sorted_unique(values: IntArray) -> IntArray:
    """Distinct values, sorted.

    Design note: NumPy ≥ 2.3 ``np.unique`` hashes integers, which is several times slower
    than a sort on the id arrays of LCA databases (a million triples); ids in a compact
    range are counted in a table instead (see :func:`_dense_span`), others sorted.
    """
    span = _dense_span(values)
    if span is not None:
        present = np.zeros(span[1], dtype=bool)
        present[values - span[0]] = True
        return np.flatnonzero(present) + span[0]
    ordered = np.sort(values, kind="stable")
    if len(ordered) == 0:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


#: Ids whose range is at most this many times their count (plus a constant) are handled
#: with lookup tables of that range instead of sorts and binary searches.
_TABLE_FACTOR = 4
_TABLE_SLACK = 1 << 16


def _dense_span(*arrays: IntArray) -> tuple[int, int] | None:
    """``(lowest id, range)`` if the ids of ``arrays`` fit a small lookup table, else None.

    Database ids are usually consecutive integers (Brightway's are), so a table indexed
    by id − lowest replaces an O(N log N) sort by two O(N) passes: a bincount-like scatter
    and a gather. On the 880,000 biosphere triples of a 25,000-activity database this is
    ~15× faster than a sort.
    """
    sizes = [len(a) for a in arrays]
    if not sum(sizes):
        return None
    low = min(int(a.min()) for a in arrays if len(a))
    high = max(int(a.max()) for a in arrays if len(a))
    span = high - low + 1
    return (low, span) if span <= _TABLE_FACTOR * sum(sizes) + _TABLE_SLACK else None


def _unique_inverse(values: IntArray) -> tuple[IntArray, IntArray]:
    """Sorted distinct values and, for each value, the index of its distinct value."""
    span = _dense_span(values)
    if span is not None:
        offsets = values - span[0]
        present = np.zeros(span[1], dtype=bool)
        present[offsets] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return np.flatnonzero(present) + span[0], rank[offsets]
    # Triples usually come grouped by column (Brightway writes them so): skip the sort.
    presorted = bool((values[1:] >= values[:-1]).all())
    order = None if presorted else np.argsort(values, kind="stable")
    ordered = values if order is None else values[order]
    new = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    rank = np.cumsum(new, dtype=np.int64) - 1
    if order is None:
        return ordered[new], rank
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = rank
    return ordered[new], inverse


def _index_of(ids: IntArray, universe: IntArray) -> IntArray:
    """Positions of ``ids`` in the sorted array ``universe`` (all ids must be present)."""
    return _index_or_missing(ids, universe)[0]


def _index_or_missing(ids: IntArray, universe: IntArray) -> tuple[IntArray, IntArray]:
    """Positions of ids in the sorted ``universe``, and the distinct ids not in it.

    Positions of missing ids are meaningless (callers raise on any missing id).
    """
    if len(universe) == 0:
        return np.zeros(len(ids), dtype=np.int64), sorted_unique(ids)
    span = _dense_span(universe, ids) if len(ids) else None
    if span is not None:
        table = np.full(span[1], -1, dtype=np.int64)
        table[universe - span[0]] = np.arange(len(universe))
        index = table[ids - span[0]]
        found = index >= 0
        if found.all():
            return index, ids[:0]
        return np.maximum(index, 0), sorted_unique(ids[~found])
    index = np.minimum(np.searchsorted(universe, ids), len(universe) - 1)
    found = universe[index] == ids
    return index.astype(np.int64), sorted_unique(ids[~found])


def _missing(ids: IntArray, universe: IntArray) -> IntArray:
    """The distinct ids not in the sorted array ``universe``."""
    return _index_or_missing(ids, universe)[1]


@dataclass(frozen=True, eq=False)
class LcaSystem:
    """An immutable LCA system: A, B, characterization vectors, ids and tags.

    Build it with :func:`build_system`. ``version`` is a digest of the technosphere's
    content; the engine caches factorizations under it, so a changed amount gives a new
    version and never a stale factorization.
    """

    activity_ids: IntArray
    flow_ids: IntArray
    technosphere: sp.csc_array
    biosphere: sp.csc_array
    methods: Mapping[str, FloatArray]
    tags: Mapping[str, NDArray[np.str_]]
    technosphere_exchanges: Exchanges
    biosphere_exchanges: Exchanges
    technosphere_layout: MatrixLayout
    biosphere_layout: MatrixLayout
    version: str = field(default="")

    @property
    def n_activities(self) -> int:
        return len(self.activity_ids)

    @property
    def n_flows(self) -> int:
        return len(self.flow_ids)

    def activity_index(self, ids: ArrayLike) -> IntArray:
        """Column indices of activity ids; :class:`UnknownIdError` names any unknown id."""
        return self._lookup(np.asarray(ids, dtype=np.int64), self.activity_ids, "activity")

    def flow_index(self, ids: ArrayLike) -> IntArray:
        """Row indices of elementary-flow ids; :class:`UnknownIdError` names any unknown id."""
        return self._lookup(np.asarray(ids, dtype=np.int64), self.flow_ids, "elementary flow")

    def method(self, name: str) -> FloatArray:
        """The characterization vector of an impact method."""
        try:
            return self.methods[name]
        except KeyError:
            known = ", ".join(sorted(self.methods)) or "none"
            raise UnknownIdError(
                f"impact method {name!r} is not in the system (known: {known})"
            ) from None

    def characterized_biosphere(self, method: str) -> FloatArray:
        """cᵀ·B: the direct characterized emissions of one unit of each activity's *run*."""
        result: FloatArray = self.biosphere.T @ self.method(method)
        return result

    @staticmethod
    def _lookup(ids: IntArray, universe: IntArray, kind: str) -> IntArray:
        index = np.searchsorted(universe, ids)
        clipped = np.minimum(index, len(universe) - 1)
        unknown = (index >= len(universe)) | (universe[clipped] != ids)
        if unknown.any():
            raise UnknownIdError(f"unknown {kind} id(s): {quote_ids(ids[unknown])}")
        return index.astype(np.int64)


def build_system(
    technosphere: Exchanges,
    biosphere: Exchanges,
    methods: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    tags: Mapping[str, Mapping[int, str]] | None = None,
) -> LcaSystem:
    """Assemble and validate an :class:`LcaSystem`.

    Parameters
    ----------
    technosphere:
        Triples (product id, activity id, amount). Every activity must have its reference
        product (row id = column id) with a non-zero summed amount (negative for a waste
        treatment), and every product row must be some activity's reference product.
    biosphere:
        Triples (flow id, activity id, amount); activity ids must be technosphere activities.
    methods:
        ``name -> (flow ids, factors)``. Factors for flows the biosphere never mentions are
        kept (real methods cover more flows than any one database); they add nothing.
    tags:
        ``tag name -> {activity id: label}`` (life-cycle stage, supplier, site); activities
        without a label get ``""``. Used by contribution analysis.

    Raises
    ------
    NonSquareSystemError, InvalidProductionError, NonFiniteValueError, UnknownIdError
    """
    # Each id array is searched once: these run over a million triples per database.
    activity_ids, tech_cols = _unique_inverse(technosphere.cols)
    product_ids, tech_rows = _unique_inverse(technosphere.rows)
    _check_square(activity_ids, product_ids)
    n = len(activity_ids)
    tech_rows = _index_of(product_ids, activity_ids)[tech_rows]  # the same ids, checked above

    bio_cols, unknown = _index_or_missing(biosphere.cols, activity_ids)
    if len(unknown):
        raise UnknownIdError(
            f"biosphere exchanges refer to activity id(s) {quote_ids(unknown)} that have no "
            "reference product in the technosphere"
        )
    method_pairs = {
        name: _method_arrays(name, ids, factors) for name, (ids, factors) in (methods or {}).items()
    }
    flow_ids, inverse = _unique_inverse(
        np.concatenate([biosphere.rows, *(ids for ids, _ in method_pairs.values())])
    )
    bio_rows = inverse[: len(biosphere)]

    A, a_layout = _csc_from_triples(tech_rows, tech_cols, technosphere.signed_amounts, (n, n))
    _check_production(A, activity_ids)
    B, b_layout = _csc_from_triples(
        bio_rows, bio_cols, biosphere.signed_amounts, (len(flow_ids), n)
    )
    vectors = {}
    for name, (ids, factors) in method_pairs.items():
        c = np.zeros(len(flow_ids))
        np.add.at(c, _index_of(ids, flow_ids), factors)
        c.flags.writeable = False
        vectors[name] = c

    return LcaSystem(
        activity_ids=activity_ids,
        flow_ids=flow_ids,
        technosphere=A,
        biosphere=B,
        methods=MappingProxyType(vectors),
        tags=MappingProxyType(_tag_arrays(tags or {}, activity_ids)),
        technosphere_exchanges=technosphere,
        biosphere_exchanges=biosphere,
        technosphere_layout=a_layout,
        biosphere_layout=b_layout,
        version=matrix_digest(A),
    )


def matrix_digest(matrix: sp.csc_array | sp.csr_array) -> str:
    """A content digest of a compressed sparse matrix (structure and values)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.asarray(matrix.shape, dtype=np.int64).tobytes())
    for part in (matrix.indptr, matrix.indices, matrix.data):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


def _check_square(activity_ids: IntArray, product_ids: IntArray) -> None:
    without_activity = _missing(product_ids, activity_ids)
    without_product = _missing(activity_ids, product_ids)
    if len(without_activity) or len(without_product):
        parts = []
        if len(without_activity):
            parts.append(f"product id(s) {quote_ids(without_activity)} have no producing activity")
        if len(without_product):
            parts.append(f"activity id(s) {quote_ids(without_product)} have no reference product")
        raise NonSquareSystemError(
            "the technosphere is not square: "
            + "; ".join(parts)
            + ". Each activity needs a production exchange whose row id is its own id."
        )


def _check_production(A: sp.csc_array, activity_ids: IntArray) -> None:
    """Refuse a zero reference production; a negative one is a waste treatment."""
    diagonal = A.diagonal()
    bad = diagonal == 0
    if bad.any():
        raise InvalidProductionError(
            f"activity id(s) {quote_ids(activity_ids[bad])} have a reference production that "
            "is zero (missing, or summing to zero); each activity must produce a non-zero "
            "amount of its reference product (positive for a product, negative for a waste "
            "treatment)"
        )


def _method_arrays(name: str, ids: ArrayLike, factors: ArrayLike) -> tuple[IntArray, FloatArray]:
    flow_ids = np.asarray(ids, dtype=np.int64).ravel()
    values = np.asarray(factors, dtype=np.float64).ravel()
    if len(flow_ids) != len(values):
        raise InvalidSystemError(
            f"method {name!r}: {len(flow_ids)} flow ids but {len(values)} factors"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        raise NonFiniteValueError(
            f"method {name!r}: characterization factor(s) for flow id(s) "
            f"{quote_ids(flow_ids[bad])} are NaN or infinite"
        )
    return flow_ids, values


def _tag_arrays(
    tags: Mapping[str, Mapping[int, str]], activity_ids: IntArray
) -> dict[str, NDArray[np.str_]]:
    result = {}
    for tag, labels in tags.items():
        ids = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
        unknown = _missing(ids, activity_ids)
        if len(unknown):
            raise UnknownIdError(f"tag {tag!r} labels unknown activity id(s) {quote_ids(unknown)}")
        column = np.full(len(activity_ids), "", dtype=object)
        column[_index_of(ids, activity_ids)] = list(labels.values())
        result[tag] = column.astype(str)
    return result
