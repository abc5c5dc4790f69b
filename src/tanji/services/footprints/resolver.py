"""Links resolved against the store: factors, grid factors, LCI activities, suppliers'
footprints, rules and stored models (:class:`StoreResolver`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tanji.db.models import (
    ActivityRow,
    DatabaseRow,
    DatabaseVersionRow,
    FactorRecordRow,
    FactorVersionRow,
    FootprintResultRow,
    GasFactorRow,
    MembershipRow,
    MethodRow,
    ProductModelRow,
    RuleRow,
    SupplierFootprintRow,
)
from tanji.domain.burdens import Burden, Pin, category_of, factor_burden, gas_burden
from tanji.domain.factors import GWP_BASES, DomainError, EmissionFactor, PefQuality, Uncertainty
from tanji.domain.geography import fallback_chain
from tanji.domain.grid import grid_choice, grid_label
from tanji.domain.products import DEFAULT_GRID_BASIS, GRID_KINDS, Link, LinkKind, ProductModel
from tanji.domain.rules import Rule
from tanji.domain.suppliers import SupplierFootprint, split_supplier_ref
from tanji.io.pact import read_pact
from tanji.io.product_model import ModelDocument, load_document, model_from_document
from tanji.io.rule_file import rule_from_text
from tanji.services.background import Background, BackgroundStore
from tanji.services.catalog import Readers, get_lci_version, readable, readable_databases
from tanji.services.errors import NotFoundError, ServiceError
from tanji.services.factors import factor_detail, resolve_factors
from tanji.services.lci import _resolve_activity, footprint_warnings

GWP_SOURCE = "IPCC AR6 WG1 (2021) Ch. 7 Table 7.15 / 7.SM.7; AR5 WG1 (2013) Ch. 8 Table 8.A.1"


def _basis(method: str) -> str:
    basis = method.upper()
    if basis not in GWP_BASES:
        raise ServiceError(
            f"method {method!r}: a product model is characterized with a GWP set "
            "(ipcc-ar6-gwp100, ipcc-ar6-gwp20, ipcc-ar5-gwp100)"
        )
    return basis


class StoreResolver:
    """Resolves a model's links against the store (and files beside the model).

    With ``pins`` (from a stored result), every link resolves to the version pinned then;
    with ``models`` (stored documents by id), sub-models come from the store, not files;
    with ``readers`` (an organisation's workspace), only databases they may read resolve
    — another organisation's private factors and LCI data answer as missing.
    """

    def __init__(
        self,
        session: Session,
        backgrounds: BackgroundStore,
        method: str,
        *,
        pins: Mapping[str, Pin] | None = None,
        models: Mapping[str, ProductModel] | None = None,
        readers: Readers | None = None,
    ) -> None:
        self.session = session
        self.readers = readers
        self.backgrounds = backgrounds
        self.method = method
        self.basis = _basis(method)
        row = session.scalar(select(MethodRow).where(MethodRow.key == method))
        if row is None:
            raise NotFoundError(
                f"no GWP set {method!r} in the store; run 'tanji db upgrade' to load it"
            )
        self.gwp: Mapping[str, float] = dict(
            session.execute(
                select(GasFactorRow.gas_id, GasFactorRow.factor).where(
                    GasFactorRow.method_id == row.id
                )
            ).all()
        )
        self.pins = dict(pins or {})
        self.models = dict(models or {})
        self.used_pact: list[SupplierFootprint] = []
        self._factors: dict[str, tuple[str, EmissionFactor]] = {}
        self._versions: dict[tuple[str, str | None], DatabaseVersionRow] = {}
        self._activity_rows: dict[tuple[int, str], _Activity] = {}
        #: Burden parts of prefetched activities, filled for all of a version at once.
        self._activity_parts: dict[tuple[int, str], dict[tuple[str, str], float]] = {}
        self._unparted: dict[int, list[_Activity]] = {}
        self._sample_keys: dict[str, tuple[str, int]] = {}
        self._database_warnings: dict[int, tuple[str, ...]] = {}

    # --- LinkResolver ------------------------------------------------------------------

    def prefetch(self, links: Sequence[Link]) -> None:
        """Load the factors and LCI activities of many links in a few queries."""
        refs = []
        activities: dict[tuple[str, str | None], set[str]] = {}
        for link in links:
            pinned = self.pins.get(f"{link.kind.value}:{link.ref}")
            ref = pinned.ref if pinned else link.ref
            if link.kind is LinkKind.FACTOR and ref not in self._factors:
                refs.append(ref)
            elif link.kind is LinkKind.ACTIVITY:
                try:
                    database, key, version = _split_activity(ref)
                except ServiceError:
                    continue  # reported with its line when the link is resolved
                activities.setdefault((database, version), set()).add(key)
        if refs:
            self._factors.update(resolve_factors(self.session, refs, self.readers))
        for (database, version), keys in activities.items():
            try:
                dbv = self._lci_version(database, version)
            except ServiceError:
                continue
            for found in self.session.execute(
                select(ActivityRow.id, ActivityRow.key, ActivityRow.name, ActivityRow.unit).where(
                    ActivityRow.database_version_id == dbv.id, ActivityRow.key.in_(keys)
                )
            ):
                row = _Activity(*found)
                if (dbv.id, row.key) not in self._activity_rows:
                    self._activity_rows[(dbv.id, row.key)] = row
                    self._unparted.setdefault(dbv.id, []).append(row)

    def _lci_version(self, database: str, version: str | None) -> DatabaseVersionRow:
        key = (database, version)
        if key not in self._versions:
            found = get_lci_version(self.session, database, version)
            if not readable(self.session, found.database_id, self.readers):
                raise NotFoundError(f"no database named {database!r} that you may read")
            self._versions[key] = found
        return self._versions[key]

    def burden(self, link: Link, where: str) -> Burden:
        try:
            return self._burden(link, where)
        except (ServiceError, DomainError) as exc:
            raise DomainError(f"{where}: {exc}") from None

    def _burden(self, link: Link, where: str) -> Burden:
        if link.kind is LinkKind.INLINE:
            assert link.inline is not None
            return factor_burden(link.inline, self.gwp, self.basis, None)
        if link.kind is LinkKind.GAS:
            if link.ref not in self.gwp:
                known = ", ".join(sorted(self.gwp))
                raise DomainError(f"gas {link.ref!r}: not in {self.basis} (known: {known})")
            return gas_burden(link.ref, self.gwp, self.basis, GWP_SOURCE)
        if link.kind is LinkKind.FACTOR:
            return self._factor(link.ref, f"factor:{link.ref}")
        if link.kind is LinkKind.GRID:
            return self._grid(link)
        if link.kind is LinkKind.ACTIVITY:
            return self._activity(link.ref)
        if link.kind is LinkKind.SUPPLIER:
            return self._supplier(link.ref, where)
        raise DomainError(f"a {link.kind.value} link has no burden of its own")

    def _factor(self, ref: str, link_key: str, label: str = "") -> Burden:
        pinned = self.pins.get(link_key)
        wanted = pinned.ref if pinned else ref
        if wanted not in self._factors:
            detail = factor_detail(self.session, wanted, self.readers)  # clear error if none
            self._factors[wanted] = (detail.ref, detail.factor)
        full_ref, factor = self._factors[wanted]
        burden = factor_burden(factor, self.gwp, self.basis, Pin("factor", full_ref, link=link_key))
        return replace(burden, label=label) if label else burden

    def _grid(self, link: Link) -> Burden:
        basis = link.basis or DEFAULT_GRID_BASIS
        link_key = f"grid:{link.ref}:{link.year or ''}:{basis}"
        pinned = self.pins.get(link_key)
        legacy = f"grid:{link.ref}:{link.year or ''}:location"
        if pinned is None and not link.basis and legacy in self.pins:
            # A result saved when an unstated basis meant the CO2-only location factor.
            basis, link_key, pinned = "location", legacy, self.pins[legacy]
        kind = GRID_KINDS[basis]
        if pinned:
            factor = factor_detail(self.session, pinned.ref, self.readers).factor
            year = factor.valid_from.year if factor.valid_from else 0
            choice = grid_choice(link, basis, [(pinned.ref, factor.geography, year)])
            assert choice is not None
            taken = pinned.ref
        else:
            choice = grid_choice(link, basis, self._grid_factors(kind))
            if choice is None:
                chain = fallback_chain(link.ref)
                raise DomainError(
                    f"no {kind.replace('_', '-')} electricity factor for {link.ref} (nor "
                    f"{', '.join(chain[1:]) or 'a parent region'}); import one or give a factor"
                )
            taken = choice[0]
        burden = self._factor(taken, link_key, grid_label(choice[1]))
        full_ref, factor = self._factors[taken]
        named = replace(choice[1], factor=full_ref, name_zh=factor.name_zh, name_en=factor.name_en)
        return replace(burden, grid=named)

    def _grid_factors(self, kind: str) -> list[tuple[str, str, int]]:
        """(ref, geography, year) of grid factors in the latest version of each database."""
        latest = (
            select(DatabaseVersionRow.database_id, func.max(DatabaseVersionRow.id).label("v"))
            .group_by(DatabaseVersionRow.database_id)
            .subquery()
        )
        rows = self.session.execute(
            select(DatabaseRow.name, FactorRecordRow.code, FactorVersionRow)
            .join(MembershipRow, MembershipRow.factor_version_id == FactorVersionRow.id)
            .join(latest, latest.c.v == MembershipRow.database_version_id)
            .join(FactorRecordRow, FactorRecordRow.id == FactorVersionRow.record_id)
            .join(DatabaseRow, DatabaseRow.id == FactorRecordRow.database_id)
            .where(FactorVersionRow.kind == kind)
            .where(readable_databases(self.readers))
            .order_by(DatabaseRow.name, FactorRecordRow.code)
        ).all()
        found = []
        for name, code, version in rows:
            year = version.valid_from.year if version.valid_from else 0
            found.append((f"{name}:{code}@{version.version}", version.geography, year))
        return found

    def _activity(self, ref: str) -> Burden:
        link_key = f"activity:{ref}"
        pinned = self.pins.get(link_key)
        database, key, version = _split_activity(pinned.ref if pinned else ref)
        dbv = self._lci_version(database, version)
        dbv_id, dbv_version = dbv.id, dbv.version  # mapped attributes: read once
        cached = self._activity_rows.get((dbv_id, key))
        row, amount = (cached, 1.0) if cached else _resolve_activity(self.session, dbv_id, key)
        background = self.backgrounds.get(self.session, dbv_id, self.method)
        if pinned and pinned.digest and pinned.digest != background.digest:
            raise DomainError(
                f"activity {ref}: the database version's content changed since it was pinned"
            )
        parts = self._prefetched_parts(background, dbv_id, key) if cached else None
        if parts is None:
            parts = _activity_parts(background, background.index_of(row.id), amount)
        self._sample_keys[background.key] = (background.key, 0)
        return Burden(
            unit=row.unit,
            parts=parts,
            label=row.name,
            source=f"LCI database {database} version {dbv_version}, activity {row.key}",
            pins=(
                Pin("activity", f"{database}:{row.key}@{dbv_version}", background.digest, link_key),
            ),
            quality=_NO_QUALITY,
            uncertainty=_NO_UNCERTAINTY,
            sample_key=(background.key, row.id),
            warnings=self._warnings_of(dbv_id, f"{database} version {dbv_version}"),
        )

    def _warnings_of(self, dbv_id: int, database: str) -> tuple[str, ...]:
        """The LCI database version's warnings under this method, read once per resolver."""
        if dbv_id not in self._database_warnings:
            self._database_warnings[dbv_id] = tuple(
                f"LCI database {database}: {warning}"
                for warning in footprint_warnings(self.session, dbv_id, self.method)
            )
        return self._database_warnings[dbv_id]

    def _prefetched_parts(
        self, background: Background, dbv_id: int, key: str
    ) -> dict[tuple[str, str], float] | None:
        """The parts of a prefetched activity; those of every prefetched one at the first call.

        Design note: one gather per gas over all the model's activities, instead of a
        loop over the gases per line (300 lines × 40 gases of Python indexing).
        """
        rows = self._unparted.pop(dbv_id, None)
        if rows:
            ids = np.array([r.id for r in rows], dtype=np.int64)
            index = np.searchsorted(background.ids, ids)
            found = index < len(background.ids)
            found[found] = background.ids[index[found]] == ids[found]
            index = index[found]
            names = [(gas, category_of(gas)) for gas in background.by_gas]
            columns = [values[index].tolist() for values in background.by_gas.values()]
            totals = background.totals[index].tolist()
            kept = [r for r, ok in zip(rows, found.tolist(), strict=True) if ok]
            for j, r in enumerate(kept):
                # What _activity_parts gives for amount 1 (x·1·1 is x): the nonzero gases.
                parts = {name: c[j] for name, c in zip(names, columns, strict=True) if c[j]}
                self._activity_parts[(dbv_id, r.key)] = parts or {("CO2e", "fossil"): totals[j]}
        return self._activity_parts.get((dbv_id, key))

    def _supplier(self, ref: str, where: str) -> Burden:
        link_key = f"supplier:{ref}"
        pinned = self.pins.get(link_key)
        if ref.startswith("pact:") and not pinned:
            base = Path(where.split(": ", 1)[0]).parent
            path = Path(ref.removeprefix("pact:"))
            path = path if path.is_absolute() else base / path
            supplier = read_pact(path).received("local")  # the file's assurance: a claim
            self.used_pact.append(supplier)
        else:
            supplier = supplier_of(resolve_supplier(self.session, ref, pinned))
        burden = supplier.burden()
        return replace(
            burden, pins=(Pin("supplier", f"{supplier.ref}@{supplier.version}", link=link_key),)
        )

    def submodel(self, ref: str, parent: ProductModel, where: str) -> ProductModel:
        if ref in self.models:
            return self.models[ref]
        if ref.endswith((".yaml", ".yml", ".json")):
            path = Path(ref)
            if not path.is_absolute() and parent.source:
                path = Path(parent.source).parent / path
            return model_from_document(load_document(path))
        row = self.session.scalars(
            select(ProductModelRow)
            .where(ProductModelRow.code == ref)
            .order_by(ProductModelRow.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise DomainError(
                f"{where}: no product model {ref!r} (give a file path or a stored model id)"
            )
        return stored_model(row)

    def samples(self, keys: list[tuple[str, int]], iterations: int) -> np.ndarray:
        out = np.empty((iterations, len(keys)))
        by_background: dict[str, list[int]] = {}
        for j, (background_key, _) in enumerate(keys):
            by_background.setdefault(background_key, []).append(j)
        for background_key, columns in by_background.items():
            dbv_id, method = background_key.split("-", 1)
            background = self.backgrounds.get(self.session, int(dbv_id), method)
            values = self.backgrounds.samples(self.session, background, iterations)
            index = [background.index_of(keys[j][1]) for j in columns]
            out[:, columns] = np.asarray(values[:, index])
        return out


#: An activity's burden states no quality or uncertainty of its own (frozen, so shared).
_NO_QUALITY = PefQuality()
_NO_UNCERTAINTY = Uncertainty()


class _Activity(NamedTuple):
    """The columns of an activity a burden needs (a row, not a mapped object: faster)."""

    id: int
    key: str
    name: str
    unit: str


def _activity_parts(background: Background, i: int, amount: float) -> dict[tuple[str, str], float]:
    """kg CO2e by (gas, category) per unit of activity ``i`` (of a system of ``amount``)."""
    per = 1.0 / amount  # a product system's reference amount: per one unit
    parts: dict[tuple[str, str], float] = {}
    for gas, values in background.by_gas.items():
        value = float(values[i]) * amount * per
        if value:
            name = "other" if gas == "other" else gas
            parts[(name, category_of(gas))] = parts.get((name, category_of(gas)), 0.0) + value
    if not parts:
        parts[("CO2e", "fossil")] = float(background.totals[i])
    return parts


def _split_activity(ref: str) -> tuple[str, str, str | None]:
    database, sep, rest = ref.partition(":")
    if not sep or not database or not rest:
        raise ServiceError(f"{ref!r}: expected DATABASE:ACTIVITY or DATABASE:ACTIVITY@VERSION")
    key, at, version = rest.rpartition("@") if "@" in rest else (rest, "", "")
    return database, key, version if at else None


def resolve_supplier(session: Session, ref: str, pinned: Pin | None = None) -> SupplierFootprintRow:
    """The supplier footprint a supplier line's ``ref`` (``publisher|product id``) uses.

    A pinned line uses its pinned record. Otherwise the footprint is one publisher's:
    the one the line names; for a line naming a product id only (written before
    publishers were recorded), a publication on the platform (from a result) first, else
    the publisher that supplied that product id first — so a later file carrying the
    same product id, from someone else, can neither replace nor shadow it. Within the
    publisher, a verified footprint first, else the newest.
    """
    query = select(SupplierFootprintRow)
    publisher, product = split_supplier_ref(ref)
    same = query.where(SupplierFootprintRow.product_id == product)
    if pinned is not None:
        # The pinned PACT id and version, from the line's publisher (the same id and
        # version may come from several publishers); an older pin: the first stored.
        if not publisher:
            publisher = _legacy_publisher(session, same)
        sref, _, version = pinned.ref.rpartition("@")
        row = session.scalars(
            query.where(SupplierFootprintRow.ref == sref, SupplierFootprintRow.version == version)
            .order_by((SupplierFootprintRow.publisher == publisher).desc(), SupplierFootprintRow.id)
            .limit(1)
        ).first()
        if row is None:
            raise NotFoundError(f"supplier footprint {pinned.ref!r} (pinned) is not stored")
        return row
    if not publisher:
        first = session.scalars(
            same.order_by(
                (SupplierFootprintRow.origin == "platform").desc(), SupplierFootprintRow.id
            ).limit(1)
        ).first()
        publisher = first.publisher if first is not None else ""
        if first is not None and first.origin == "platform":
            same = same.where(SupplierFootprintRow.origin == "platform")
    row = session.scalars(
        same.where(SupplierFootprintRow.publisher == publisher)
        .order_by(SupplierFootprintRow.verified.desc(), SupplierFootprintRow.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(
            f"no verified footprint of supplier product {product!r}"
            + (f" from {publisher}" if publisher else "")
            + " on the platform (nor a self-declared one); import the supplier's PACT "
            "file ('tanji supplier import') or link a factor"
        )
    return row


def _legacy_publisher(session: Session, same: Select[SupplierFootprintRow]) -> str:
    """For a line naming a product id only: the publisher resolve_supplier takes."""
    first = session.scalars(
        same.order_by(
            (SupplierFootprintRow.origin == "platform").desc(), SupplierFootprintRow.id
        ).limit(1)
    ).first()
    return first.publisher if first is not None else ""


def supplier_of(row: SupplierFootprintRow) -> SupplierFootprint:
    """A stored supplier's footprint as the domain has it."""
    pef = [int(v) if v else None for v in row.pef.split(",")] if row.pef else [None] * 4
    return SupplierFootprint(
        ref=row.ref,
        version=row.version,
        product_id=row.product_id,
        product_name=row.product_name,
        company=row.company,
        declared_amount=row.declared_amount,
        declared_unit=row.declared_unit,
        total=row.total,
        biogenic=row.biogenic,
        dluc=row.dluc,
        aircraft=row.aircraft,
        primary_data_share=row.primary_data_share,
        quality=PefQuality(*pef),
        uncertainty=Uncertainty("lognormal", gsd=row.gsd) if row.gsd else Uncertainty(),
        period_start=row.period_start,
        period_end=row.period_end,
        geography=row.geography,
        verified=row.verified,
        verifier=row.verifier,
        source=row.source,
        publisher=row.publisher,
        claimed_verifier=row.claimed_verifier,
    )


def stored_rule(session: Session, ref: str) -> Rule:
    """The rule version a result pinned, as stored in the rules library."""
    rule_id, _, version = ref.rpartition("@")
    row = session.scalar(
        select(RuleRow).where(RuleRow.rule_id == rule_id, RuleRow.version == version)
    )
    if row is None:
        raise NotFoundError(f"rule {ref} (pinned by the result) is not in the rules library")
    return rule_from_text(row.document, f"rules library {ref}")


def stored_model(row: ProductModelRow) -> ProductModel:
    """A stored product model read back from its document."""
    document = ModelDocument(json.loads(row.document), {}, row.source or f"stored model {row.code}")
    return model_from_document(document)


def stored_result(session: Session, result_id: int) -> FootprintResultRow:
    """A saved footprint result by id (:class:`NotFoundError` when there is none)."""
    row = session.get(FootprintResultRow, result_id)
    if row is None:
        raise NotFoundError(f"no footprint result #{result_id}")
    return row
