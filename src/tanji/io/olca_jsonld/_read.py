"""openLCA JSON-LD → LCI bundle (see the package docstring for the conventions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tanji.domain.factors import Source
from tanji.domain.lci import (
    CUT_OFF_NOTE,
    Activity,
    Exchange,
    ExchangeKind,
    ImpactMethod,
    LciBundle,
    ProductSystem,
)
from tanji.domain.problems import Problem
from tanji.io import policy as pol
from tanji.io.errors import DataFormatError
from tanji.io.olca_jsonld._archive import _FOLDERS, _PUBLISHER, FORMAT, _Archive, _open
from tanji.io.olca_jsonld._flows import _elementary_flow, _Flow, _flows, _quantities
from tanji.io.olca_jsonld._identities import method_groups, with_identities
from tanji.io.olca_jsonld._process import _Line, _Process, _Reader
from tanji.io.policy import ImportLog, ImportPolicy

# --------------------------------------------------------------------------------------
# Linking and building activities
# --------------------------------------------------------------------------------------


class _Linker:
    """Finds the activity providing each product input (see the module docstring)."""

    def __init__(
        self, archive: _Archive, processes: Sequence[_Process], policy: ImportPolicy, log: ImportLog
    ) -> None:
        self.archive = archive
        self.policy = policy
        self.log = log
        self.by_process = {p.key: p for p in processes}
        self.keys: dict[tuple[str, str], str] = {}  # (process id, product flow id) → activity
        # flow id → (activity, process name, location) of each process providing it
        self.providers: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for p in processes:
            for product in p.products:
                self.keys[(p.key, product.flow.key)] = p.activity_key(product)
                self.providers[product.flow.key].append(
                    (p.activity_key(product), p.name, p.location)
                )
        self.links: dict[tuple[str, int | str], tuple[str, str]] = {}

    def add_links(self, entry: str, system: Any) -> None:
        for link in system.process_links or []:
            if not (link.process and link.provider and link.flow):
                raise DataFormatError(
                    self.archive.source(entry), "a process link needs process, provider, flow"
                )
            slot = link.exchange.internal_id if link.exchange else None
            key = (link.process.id, slot if slot is not None else link.flow.id)
            if self.links.setdefault(key, (link.provider.id, entry))[0] != link.provider.id:
                raise DataFormatError(
                    self.archive.source(entry),
                    f"process {link.process.id}, flow {link.flow.id}: linked to provider "
                    f"{link.provider.id} here but to {self.links[key][0]} in "
                    f"{self.links[key][1]}",
                )

    def provider(self, process: _Process, line: _Line) -> str | None:
        """The providing activity, or None for an input cut off (or a problem, logged)."""
        flow = line.flow
        where = f"{line.exchange_id} {flow.name!r}"
        link = self.links.get((process.key, flow.key))
        if line.internal_id is not None:
            link = self.links.get((process.key, line.internal_id), link)
        chosen = link[0] if link else line.default_provider
        if chosen is not None:
            key = self.keys.get((chosen, flow.key))
            if key is not None:
                return key
            if link:
                self.log.error(
                    process.label,
                    where,
                    Problem("lci-link-missing", provider=chosen, flow=flow.name, key=flow.key),
                )
                return None
            # A default provider outside the zip: the candidates below decide.
        candidates = self.providers.get(flow.key, [])
        if len(candidates) == 1:
            return candidates[0][0]
        if candidates and self.policy.providers == "default-provider":
            return self.log.provider_chosen(process.label, where, process.location, candidates)
        if candidates:
            listed = "; ".join(f"{c[1]} [{c[2]}] ({c[0]})" for c in candidates)
            self.log.error(
                process.label,
                where,
                Problem(
                    "lci-providers-several", count=len(candidates), flow=flow.name, listed=listed
                ),
            )
            return None
        if self.policy.unlinked == "cut-off":
            self.log.note(
                process.label, where, pol.CUT_OFF, f"{line.amount:g} {flow.unit}: no provider"
            )
            return None
        self.log.error(
            process.label,
            where,
            Problem("lci-no-provider", flow=flow.name, key=flow.key),
        )
        return None


def _activities(process: _Process, linker: _Linker) -> list[Activity]:
    targets = [linker.provider(process, line) for line in process.demands]
    lines = [
        *(
            (ExchangeKind.TECHNOSPHERE, t, line)
            for t, line in zip(targets, process.demands, strict=True)
            if t is not None
        ),
        *((ExchangeKind.BIOSPHERE, line.flow.key, line) for line in process.elementary),
    ]
    cut = [
        f"{line.flow.name} ({line.flow.key}): {line.amount:g} {line.flow.unit}"
        for t, line in zip(targets, process.demands, strict=True)
        if t is None
    ]
    comment = process.comment
    if cut:
        comment = "\n".join(x for x in (comment, CUT_OFF_NOTE + "; ".join(cut)) if x)
    split = len(process.products) > 1
    activities = []
    for product in process.products:
        exchanges = [
            _exchange(ExchangeKind.PRODUCTION, process.activity_key(product), product, 1.0)
        ]
        exchanges += [
            _exchange(kind, target, line, process.share(product, line))
            for kind, target, line in lines
        ]
        activities.append(
            Activity(
                key=process.activity_key(product),
                name=f"{process.name} [{product.flow.name}]" if split else process.name,
                unit=product.flow.unit,
                exchanges=tuple(exchanges),
                location=process.location,
                reference_product=product.flow.name,
                category=process.category,
                name_zh=process.name_zh,
                comment=comment,
            )
        )
    return activities


def _exchange(kind: ExchangeKind, target: str, line: _Line, share: float) -> Exchange:
    return Exchange(
        kind=kind,
        target=target,
        amount=line.amount * share,
        unit=line.flow.unit,
        uncertainty=line.uncertainty.scaled(share),
        comment=line.comment,
    )


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_jsonld(path: Path, *, policy: ImportPolicy | None = None) -> LciBundle:
    """Read an openLCA JSON-LD zip into a bundle (see the module docstring for conventions).

    ``policy`` says what to do with unlinked inputs, unallocated multi-output processes
    and several providers (:mod:`tanji.io.policy`; the default refuses all three). The
    bundle's ``notes`` report what was done. Raises :class:`ImportProblemsError` listing every
    process and exchange that cannot be imported, and :class:`DataFormatError` naming
    the file and entry for anything it cannot read at all.
    """
    path = Path(path)
    policy = policy or ImportPolicy()
    log = ImportLog(str(path))
    with _open(path) as handle:
        archive = _Archive(path, handle)
        if not any(folder in archive.entries for folder in _FOLDERS.values()):
            raise DataFormatError(
                str(path), "no openLCA entities (flows/, processes/, unit_groups/ …) in the zip"
            )
        flows = _flows(archive, _quantities(archive))
        elementary = [_elementary_flow(f) for f in flows.values() if f.kind == "ELEMENTARY_FLOW"]
        reader = _Reader(archive, flows, policy, log)
        processes = [found for found in (reader.process(*x) for x in archive.processes()) if found]
        linker = _Linker(archive, processes, policy, log)
        systems = list(archive.each("ProductSystem"))
        for entry, system in systems:
            linker.add_links(entry, system)
        activities = [a for x in processes for a in _activities(x, linker)]
        notes = log.finish()
        methods = [_method(archive, entry, c, flows) for entry, c in archive.each("ImpactCategory")]
        groups = method_groups(archive)
        product_systems = [_product_system(archive, e, s, linker) for e, s in systems]
    bundle = LciBundle(
        format=FORMAT,
        activities=tuple(activities),
        flows=tuple(elementary),
        methods=tuple(methods),
        product_systems=tuple(product_systems),
        source=Source(publisher=_PUBLISHER, title=path.name),
        notes=notes,
    )
    return with_identities(bundle, processes, flows, groups, systems)


def _method(
    archive: _Archive, entry: str, category: Any, flows: Mapping[str, _Flow]
) -> ImpactMethod:
    source = archive.source(entry)
    factors: dict[str, float] = {}
    for factor in category.impact_factors or []:
        flow_id = factor.flow.id if factor.flow else None
        flow = flows.get(flow_id or "")
        if flow is None:
            raise DataFormatError(source, f"factor for flow {flow_id}, which is not in the zip")
        if flow.kind != "ELEMENTARY_FLOW" or factor.location is not None:
            continue  # see "Skipped on purpose" in the module docstring
        if not isinstance(factor.value, int | float):
            raise DataFormatError(source, f"factor for {flow.name!r}: expected a numeric value")
        if flow.key in factors:
            raise DataFormatError(source, f"two factors for {flow.name!r} ({flow.key})")
        try:
            factors[flow.key] = (
                float(factor.value) / flow.factor(factor.unit, factor.flow_property)[0]
            )
        except ValueError as error:
            raise DataFormatError(source, f"factor for {flow.name!r}: {error}") from None
    return ImpactMethod(
        key=category.id,
        name=str(category.name or ""),
        unit=str(category.ref_unit or ""),
        factors=tuple(factors.items()),
    )


def _product_system(archive: _Archive, entry: str, system: Any, linker: _Linker) -> ProductSystem:
    source = archive.source(entry)
    process = linker.by_process.get(system.ref_process.id if system.ref_process else "")
    if process is None:
        raise DataFormatError(source, "its reference process is missing or not in the zip")
    internal_id = system.ref_exchange.internal_id if system.ref_exchange else None
    product = next(
        (p for p in process.products if p.internal_id == internal_id), process.products[0]
    )
    if not isinstance(system.target_amount, int | float):
        raise DataFormatError(source, "expected a numeric targetAmount")
    try:
        k = product.flow.factor(system.target_unit, system.target_flow_property)[0]
    except ValueError as error:
        raise DataFormatError(source, f"target amount: {error}") from None
    return ProductSystem(
        key=system.id,
        name=str(system.name or ""),
        reference_activity=process.activity_key(product),
        amount=float(system.target_amount) * k,
    )
