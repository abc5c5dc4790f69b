"""openLCA JSON-LD processes: exchanges in reference units, reference, allocation.

Problems of one process or exchange go to the import's :class:`~tanji.io.policy.ImportLog`
(the reader goes on with the next one), so one pass reports every problem of a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tanji.domain.factors import DomainError, Uncertainty
from tanji.domain.problems import Problem, problem_of
from tanji.io import policy as pol
from tanji.io.olca_jsonld._archive import _NO_UNCERTAINTY, _Archive
from tanji.io.olca_jsonld._flows import _Flow, _id_name
from tanji.io.policy import ImportLog, ImportPolicy

# Allocation methods the "own" policy tries, in this order.
_OWN_METHODS = ("PHYSICAL_ALLOCATION", "ECONOMIC_ALLOCATION", "CAUSAL_ALLOCATION")


# --------------------------------------------------------------------------------------
# Uncertainty
# --------------------------------------------------------------------------------------


def _uncertainty(u: Any, amount: float) -> tuple[Uncertainty, str]:
    """Tanji's distribution of an openLCA Uncertainty (JSON), in the exchange's own unit,
    and why it was dropped when it cannot be kept ("" when it was)."""
    if not isinstance(u, dict):
        return _NO_UNCERTAINTY, ""
    kind = u.get("distributionType")
    values = {k: u.get(k) for k in ("geomSd", "sd", "minimum", "maximum") if k in u}
    bad = [k for k, v in values.items() if not isinstance(v, int | float) or not math.isfinite(v)]
    try:
        if kind == "LOG_NORMAL_DISTRIBUTION":
            # A geometric sd of exactly 1 is no spread at all; Tanji's lognormal needs gsd > 1.
            gsd = u.get("geomSd")
            if not isinstance(gsd, int | float) or "geomSd" in bad or gsd < 1:
                return _NO_UNCERTAINTY, f"lognormal with geomSd {gsd!r} (expected more than 1)"
            return (_NO_UNCERTAINTY, "") if gsd == 1 else (Uncertainty("lognormal", gsd=gsd), "")
        if kind == "NORMAL_DISTRIBUTION":
            if "sd" in bad:
                return _NO_UNCERTAINTY, f"normal with sd {u.get('sd')!r}"
            return Uncertainty("normal", sd=u.get("sd")), ""
        if kind in ("UNIFORM_DISTRIBUTION", "TRIANGLE_DISTRIBUTION"):
            name = "uniform" if kind == "UNIFORM_DISTRIBUTION" else "triangular"
            low, high = u.get("minimum"), u.get("maximum")
            if bad or not (isinstance(low, int | float) and isinstance(high, int | float)):
                return _NO_UNCERTAINTY, f"{name} with minimum {low!r}, maximum {high!r}"
            if not low <= amount <= high:
                return _NO_UNCERTAINTY, (
                    f"{name}: the amount {amount:g} is not within [{low:g}, {high:g}]"
                )
            return Uncertainty(name, minimum=low, maximum=high), ""
    except DomainError as error:
        return _NO_UNCERTAINTY, f"{kind}: {error}"
    return _NO_UNCERTAINTY, ""


# --------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------


class _Line(NamedTuple):
    """One exchange of a process, converted to the flow's reference unit.

    A named tuple: a million of these are made for a large database, and a frozen
    dataclass's ``__init__`` costs four times as much.
    """

    internal_id: int | None
    flow: _Flow
    amount: float
    uncertainty: Uncertainty
    comment: str | None
    default_provider: str | None
    exchange_id: str  # internalId, else the 1.x exchange @id (for causal factors)


@dataclass(frozen=True)
class _Process:
    entry: str
    key: str
    name: str
    location: str
    category: str
    comment: str | None
    name_zh: str
    products: tuple[_Line, ...]  # what the process provides; the reference first
    demands: tuple[_Line, ...]  # product inputs, waste outputs, avoided flows
    elementary: tuple[_Line, ...]
    # (product flow id, exchange slot or None) → allocation factor; empty if single
    allocation: Mapping[tuple[str, int | str | None], float]
    tanji: Mapping[str, Any] = field(default_factory=dict)  # otherProperties.tanji

    @property
    def label(self) -> str:
        return f"{self.name} ({self.entry})"

    def activity_key(self, product: _Line) -> str:
        return self.key if product is self.products[0] else f"{self.key}:{product.flow.key}"

    def share(self, product: _Line, line: _Line) -> float:
        if not self.allocation:
            return 1.0
        for slot in (line.internal_id, line.exchange_id):
            factor = self.allocation.get((product.flow.key, slot))
            if factor is not None:
                return factor
        return self.allocation[(product.flow.key, None)]


def _exchange_label(exchange: Mapping[str, Any]) -> str:
    slot = exchange.get("internalId", exchange.get("@id", ""))
    return f"{slot} {_id_name(exchange.get('flow'))[1]!r}".strip()


class _Reader:
    """Turns one archive's processes into :class:`_Process` es under an import policy."""

    def __init__(
        self, archive: _Archive, flows: Mapping[str, _Flow], policy: ImportPolicy, log: ImportLog
    ) -> None:
        self.archive = archive
        self.flows = flows
        self.policy = policy
        self.log = log
        self.locations = {
            loc.id: str(loc.code or loc.name or "") for _, loc in archive.each("Location")
        }
        self.direction: dict[str, bool] = {}  # elementary flow id → is an input by nature
        for flow in flows.values():
            if flow.kind == "ELEMENTARY_FLOW" and flow.compartment:
                self.direction[flow.key] = "resource" in flow.compartment.lower()

    def process(self, entry: str, process: Any, exchanges: list[dict[str, Any]]) -> _Process | None:
        """The process, or None when it has problems (each logged)."""
        label = f"{process.name or ''} ({entry})"
        problems = len(self.log.problems)
        products: list[_Line] = []
        demands: list[_Line] = []
        elementary: list[_Line] = []
        reference: int | None = None  # its index in products
        for exchange in exchanges:
            read = self._line(label, exchange)
            if read is None:
                continue
            line, role = read
            if exchange.get("isQuantitativeReference"):
                if role != "product" or reference is not None:
                    self.log.error(
                        label,
                        _exchange_label(exchange),
                        Problem("lci-reference-not-one"),
                    )
                    continue
                reference = len(products)
            {"product": products, "demand": demands, "elementary": elementary}[role].append(line)
        if reference is None and len(products) == 1:
            reference = 0
            self.log.note(
                label,
                f"{products[0].exchange_id} {products[0].flow.name!r}",
                pol.IMPLICIT_REFERENCE,
                "no exchange is flagged as the quantitative reference; the one product "
                "output is taken as the reference",
            )
        if reference is None:
            self.log.error(
                label,
                "",
                Problem("lci-no-reference", count=len(products)),
            )
            return None
        products.insert(0, products.pop(reference))
        if products[0].amount <= 0:
            self.log.error(label, "", Problem("lci-reference-not-positive"))
            return None
        products, allocation = self._allocation(label, process, products, [*demands, *elementary])
        if len(self.log.problems) > problems:
            return None
        other = process.other_properties if isinstance(process.other_properties, dict) else {}
        return _Process(
            entry=entry,
            key=process.id,
            name=str(process.name or ""),
            location=self.locations.get(process.location.id, process.location.name or "")
            if process.location
            else "",
            category=str(process.category or ""),
            comment=process.description or None,
            name_zh=str(other.get("tanji", {}).get("name_zh", "")),
            tanji=tanji if isinstance(tanji := other.get("tanji"), dict) else {},
            products=tuple(products),
            demands=tuple(demands),
            elementary=tuple(elementary),
            allocation=allocation,
        )

    def _line(self, label: str, exchange: dict[str, Any]) -> tuple[_Line, str] | None:
        where = _exchange_label(exchange)
        internal_id = exchange.get("internalId")
        flow_id, _ = _id_name(exchange.get("flow"))
        flow = self.flows.get(flow_id)
        amount = exchange.get("amount")
        if flow is None:
            self.log.error(label, where, Problem("lci-flow-missing", flow=flow_id))
            return None
        if not isinstance(amount, int | float) or not math.isfinite(amount):
            self.log.error(label, where, Problem("lci-amount-not-finite", text=repr(amount)))
            return None
        try:
            k, converted = flow.factor(exchange.get("unit"), exchange.get("flowProperty"))
        except ValueError as error:
            self.log.error(label, where, problem_of(error))
            return None
        if converted:
            self.log.note(label, where, pol.UNIT_CONVERTED, converted)
        is_input = bool(exchange.get("isInput"))
        if flow.kind == "ELEMENTARY_FLOW":
            natural = self.direction.setdefault(flow.key, is_input)
            k, role = (k if is_input == natural else -k), "elementary"
        elif exchange.get("isAvoidedProduct"):
            k, role = -k, "demand"
        else:
            provides = is_input == (flow.kind == "WASTE_FLOW")
            role = "product" if provides else "demand"
        uncertainty = _NO_UNCERTAINTY
        if "uncertainty" in exchange:
            found, dropped = _uncertainty(exchange["uncertainty"], float(amount))
            if dropped:
                self.log.note(label, where, pol.UNCERTAINTY_DROPPED, f"{dropped}; amount kept")
            uncertainty = found.scaled(k)
        provider = exchange.get("defaultProvider")
        line = _Line(
            internal_id=internal_id if isinstance(internal_id, int) else None,
            flow=flow,
            amount=float(amount) * k,
            uncertainty=uncertainty,
            comment=exchange.get("description") or None,
            default_provider=_id_name(provider)[0] or None if provider else None,
            exchange_id=str(internal_id if internal_id is not None else exchange.get("@id", "")),
        )
        return line, role

    def _allocation(
        self, label: str, process: Any, products: list[_Line], others: Sequence[_Line]
    ) -> tuple[list[_Line], dict[tuple[str, int | str | None], float]]:
        """The products kept and their allocation factors (empty for one product)."""
        if len(products) == 1:
            return products, {}
        names = ", ".join(repr(x.flow.name) for x in products)
        if len({x.flow.key for x in products}) < len(products):
            self.log.error(label, "", f"a product twice ({names})")
            return products, {}
        method = process.default_allocation_method
        if method is not None and method.value not in ("NO_ALLOCATION", "USE_DEFAULT_ALLOCATION"):
            factors, missing = _factors(process, method.value, products, others)
            if missing:
                self.log.error(label, "", missing)
            return products, factors
        policy = self.policy.multi_output
        if policy == "own":
            for name in _OWN_METHODS:
                factors, missing = _factors(process, name, products, others)
                if not missing:
                    self.log.note(
                        label, "", pol.OWN_ALLOCATION,
                        f"{len(products)} products ({names}), no default allocation method: "
                        f"the process's own {name} factors are used",
                    )  # fmt: skip
                    return products, factors
        if policy == "reference-only":
            for co in products[1:]:
                self.log.note(
                    label,
                    f"{co.exchange_id} {co.flow.name!r}",
                    pol.CO_PRODUCT_DROPPED,
                    f"{co.amount:g} {co.flow.unit} dropped: the reference product "
                    f"{products[0].flow.name!r} carries every input and emission",
                )
            return products[:1], {}
        self.log.error(
            label,
            "",
            f"{len(products)} products ({names}) and no default allocation method"
            + (
                " nor complete allocation factors of its own"
                if policy == "own"
                else "; import with --multi-output reference-only or own, or allocate it in openLCA"
            ),
        )
        return products, {}


def _factors(
    process: Any, method: str, products: Sequence[_Line], others: Sequence[_Line]
) -> tuple[dict[tuple[str, int | str | None], float], str]:
    """The process's factors of one allocation method, and what is missing ("" if none)."""
    causal = method == "CAUSAL_ALLOCATION"
    factors: dict[tuple[str, int | str | None], float] = {}
    for af in process.allocation_factors or []:
        if af.allocation_type is None or af.allocation_type.value != method:
            continue
        if not af.product or not isinstance(af.value, int | float):
            continue
        # Physical and economic factors are per product; causal ones per exchange too.
        slot: int | str | None = None
        if causal and af.exchange is not None:
            slot = af.exchange.internal_id
            if slot is None:
                slot = getattr(af.exchange, "id", None)
        factors[(af.product.id, slot)] = float(af.value)
    slots: list[int | str | None] = (
        [x.internal_id if x.internal_id is not None else x.exchange_id for x in others]
        if causal
        else [None]
    )
    for product in products:
        missing = [i for i in slots if (product.flow.key, i) not in factors]
        if missing:
            where = f" and exchange(s) {missing[:5]}" if causal else ""
            return factors, (f"no {method} factor for product {product.flow.name!r}{where}")
    if not causal and sum(factors.get((x.flow.key, None), 0.0) for x in products) <= 0:
        return factors, f"the {method} factors sum to 0"
    return factors, ""
