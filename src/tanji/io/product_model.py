"""Product model files (YAML or JSON, ``tanji: product-model/1``).

The format is described by the JSON Schema ``tanji/io/schemas/product-model.schema.json``
(copied to ``docs/schemas/``; a test keeps them equal) and in docs/product-models.md.
Reading validates the document against the schema first, then builds the domain
objects; every error names the file, the line (YAML or JSON) and the field, e.g.
``battery.yaml:42: lines[3].quantity: expected a number and a unit such as '12.5 MWh'``.

Design note: YAML is composed into nodes (not loaded straight to Python objects) so
each value keeps the line it was written on; JSON is read through the same YAML
composer (JSON is YAML 1.2 flow syntax), which keeps one code path for both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import yaml

from tanji.domain.bounds import amount_problem, factor_problem
from tanji.domain.factors import (
    AS_PUBLISHED,
    DomainError,
    EmissionFactor,
    FactorKind,
    GasAmount,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.domain.products import (
    DEFAULT_STAGES,
    Allocation,
    AllocationMethod,
    Cff,
    Coproduct,
    Electricity,
    EndOfLife,
    Exclusion,
    Line,
    Link,
    LinkKind,
    LocalText,
    MarketInstrument,
    Product,
    ProductModel,
    Scrap,
    Stage,
    TransportLeg,
)
from tanji.domain.suppliers import supplier_ref
from tanji.domain.units import UnitError, convert, parse_quantity
from tanji.io.errors import DataFormatError
from tanji.io.limits import calm_gc, check_yaml

__all__ = [
    "FORMAT",
    "ModelDocument",
    "document_text",
    "load_document",
    "model_from_document",
    "read_model",
    "schema",
    "write_document",
]

FORMAT = "product-model/1"
Path_ = tuple[str | int, ...]


@lru_cache(maxsize=4)
def schema(name: str = "product-model") -> dict[str, Any]:
    """A JSON Schema shipped in ``tanji/io/schemas`` (product-model, rule)."""
    text = resources.files("tanji.io").joinpath("schemas", f"{name}.schema.json")
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


class ModelDocument:
    """A parsed model document: plain data plus the line each value was written on.

    ``lines`` maps a value's path to its line. A document parsed from text keeps its
    YAML node tree instead and looks a path's line up in it when asked (a model needs
    a few hundred lines for its messages, not the thousands of its values).
    """

    def __init__(
        self,
        data: Any,
        lines: dict[Path_, int] | None,
        source: str,
        *,
        node: yaml.Node | None = None,
    ) -> None:
        self.data = data
        self._lines = lines
        self._node = node
        self._keys: dict[int, dict[str, yaml.Node]] = {}  # a mapping node's values by key
        self.source = source

    @property
    def lines(self) -> dict[Path_, int]:
        """Every value's path and line (built from the node tree on first use)."""
        if self._lines is None:
            lines: dict[Path_, int] = {}
            if self._node is not None:
                _plain(self._node, (), lines, self.source)
            self._lines = lines
        return self._lines

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at ``path`` (or of its nearest parent)."""
        if self._lines is None and self._node is not None:
            return self._node_at(self._node, path)[0].start_mark.line + 1
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def line_at(self, path: Path_) -> int | None:
        """The line of the value at ``path`` exactly; None where there is no such value."""
        if self._lines is None and self._node is not None:
            node, found = self._node_at(self._node, path)
            return node.start_mark.line + 1 if found else None
        return self.lines.get(path)

    def _node_at(self, node: yaml.Node, path: Path_) -> tuple[yaml.Node, bool]:
        """The node at ``path`` (True), or the deepest one on the way there (False)."""
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                keys = self._keys.get(id(node))
                if keys is None:
                    keys = self._keys[id(node)] = {str(_scalar(k)): v for k, v in node.value}
                child = keys.get(part) if isinstance(part, str) else None
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                child = node.value[part] if 0 <= part < len(node.value) else None
            if child is None:
                return node, False
            node = child
        return node, True

    def where(self, path: Path_) -> str:
        line = self.line_of(path)
        return f"{self.source}:{line}" if line else self.source

    def digest(self) -> str:
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _pointer(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _plain(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> Any:
    """The node's data, recording every value's line (and naming a repeated key's path)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            if key in out:
                raise DataFormatError(
                    f"{source}:{key_node.start_mark.line + 1}",
                    f"{_pointer(path)}: key {key!r} repeated",
                )
            out[key] = _plain(value_node, (*path, key), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), lines, source) for i, item in enumerate(node.value)]
    value = _scalar(node)
    return value.isoformat() if isinstance(value, date) else value


class _RepeatedKeyError(Exception):
    """A mapping repeats a key: :func:`_plain` walks the document again to say where."""


def _data(node: yaml.Node) -> Any:
    """The node's data as :func:`_plain` builds it, without recording lines (the fast path)."""
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if _is_text(key_node) else str(_scalar(key_node))
            if key in out:
                raise _RepeatedKeyError
            out[key] = value_node.value if _is_text(value_node) else _data(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [item.value if _is_text(item) else _data(item) for item in node.value]
    value = _scalar(node)
    return value.isoformat() if isinstance(value, date) else value


def _is_text(node: yaml.Node) -> bool:
    """A plain string value (most of a document): its data is the node's own text."""
    return node.tag == _STR and isinstance(node, yaml.ScalarNode)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: The safe loader's implicit resolvers (tag, pattern) by a value's first character.
_WILDCARD = tuple(_BASE_LOADER.yaml_implicit_resolvers.get(None, []))
_IMPLICIT = {
    first: tuple(resolvers) + _WILDCARD
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
    if first is not None
}


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader (libyaml's composer where PyYAML was built with it, 10× faster).

    Design note: libyaml composes the nodes, but asks PyYAML's Python resolver for every
    value's tag (a sixth of the composing time). The resolver below gives the same
    tags with less work: the implicit resolvers indexed once by first character, and no
    path resolvers (the safe loader has none), so descending and ascending are no-ops.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


#: One constructor for every scalar (building one per value costs more than the value).
_CONSTRUCTOR = yaml.SafeLoader("")


def _scalar(node: yaml.Node) -> Any:
    """A scalar node's value as the safe loader reads it (an empty value is null)."""
    if isinstance(node, yaml.ScalarNode):
        tag, value = node.tag, node.value
        if tag == _STR:
            return value  # most values: no constructor needed
        # Plain decimal numbers read as the constructor reads them, without its detour
        # (it strips "_" and a sign, then calls int()/float(); "010" is octal, so not here).
        if tag == _FLOAT:
            try:
                return float(value)
            except ValueError:
                pass  # .inf, .nan, sexagesimal: the constructor's own cases
        elif tag == _INT and value.isascii() and value.isdigit() and value[:1] != "0":
            return int(value)
        return _CONSTRUCTOR.construct_object(node)
    return _CONSTRUCTOR.construct_object(node, deep=True)


def load_document(path: Path) -> ModelDocument:
    """Read a YAML or JSON file into a :class:`ModelDocument` (no schema check yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFormatError(str(path), "no such file") from None
    except UnicodeDecodeError:
        raise DataFormatError(str(path), "not UTF-8 text (save the file as UTF-8)") from None
    return parse_document(text, str(path))


def parse_document(text: str, source: str) -> ModelDocument:
    """The document in ``text`` (YAML or JSON), within the caps of
    :mod:`tanji.io.limits` (an alias bomb is refused before it is expanded)."""
    with calm_gc():
        return _parse(text, source)


def _parse(text: str, source: str) -> ModelDocument:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise DataFormatError(f"{source}{line}", f"not valid YAML/JSON: {exc.problem}") from None
    if node is None:
        raise DataFormatError(source, "the file is empty")
    check_yaml(node, source)  # an alias bomb stops here, before any value is built
    try:
        data = _data(node)
    except _RepeatedKeyError:
        _plain(node, (), {}, source)  # raises, naming the key's line and path
        raise
    return ModelDocument(data, None, source, node=node)


@lru_cache(maxsize=4)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


@lru_cache(maxsize=4)
def _fast_check(name: str) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: ~10× faster on valid documents.

    Design note: fastjsonschema stops at the first problem and words it tersely, so it
    only answers "valid?"; an invalid document is checked again by jsonschema, which
    lists every problem with its path. (The schema uses only keywords both read alike;
    fastjsonschema is given it as draft-07, whose ``$ref`` resolves ``#/$defs/…`` too.)
    """
    document = dict(schema(name))
    document["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(document)


def validate(
    document: ModelDocument, name: str = "product-model", what: str = "the product model format"
) -> None:
    """Check the document against a JSON Schema; all problems in one error."""
    try:
        _fast_check(name)(document.data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(
        _validator(name).iter_errors(document.data), key=lambda e: list(map(str, e.path))
    )
    if not errors:
        return
    messages = []
    for error in errors[:20]:
        path = tuple(error.absolute_path)
        messages.append(f"{document.where(path)}: {_pointer(path)}: {_explain(error)}")
    more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
    raise DataFormatError(
        document.source,
        f"does not follow {what}:\n  " + "\n  ".join(messages) + more,
    )


def _explain(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        allowed = (
            sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        )
        extra = (
            sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        )
        return (
            f"unknown field(s) {', '.join(repr(e) for e in extra)}; "
            f"expected some of: {', '.join(allowed)}"
        )
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"{len(error.instance)} characters; at most {error.validator_value}"
    if error.validator in ("oneOf", "anyOf"):
        hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        shown = repr(error.instance)
        shown = shown if len(shown) <= 80 else f"{shown[:60]}… ({len(shown)} characters)"
        return f"{shown} is not valid here{': ' + hint if hint else ''}"
    return error.message


def read_model(path: Path) -> ProductModel:
    """Read, validate and build a product model from a YAML or JSON file."""
    document = load_document(path)
    return model_from_document(document)


def model_from_document(document: ModelDocument) -> ProductModel:
    with calm_gc():  # see tanji.io.limits.calm_gc
        validate(document)
        return _Builder(document).model()


#: The values of a line that states no quality or uncertainty (frozen, so shared).
_NO_QUALITY = PefQuality()
_NO_UNCERTAINTY = Uncertainty()


class _Builder:
    def __init__(self, document: ModelDocument) -> None:
        self.doc = document

    def fail(self, path: Path_, problem: str) -> DataFormatError:
        return DataFormatError(self.doc.where(path), f"{_pointer(path)}: {problem}")

    def guarded(self, path: Path_, build: Callable[[], Any]) -> Any:
        try:
            return build()
        except (DomainError, UnitError) as exc:
            raise self.fail(path, str(exc)) from None

    def quantity(self, value: Any, path: Path_) -> tuple[float, str]:
        if isinstance(value, Mapping):
            amount, unit = float(value["amount"]), str(value["unit"])
        else:
            amount, unit = self.guarded(path, lambda: parse_quantity(str(value)))
        problem = amount_problem(amount)
        if problem is not None:
            raise self.fail(path, problem)
        return amount, unit

    def factor_value(self, value: Any, path: Path_) -> None:
        problem = factor_problem(float(value))
        if problem is not None:
            raise self.fail(path, problem)

    def text(self, value: Any) -> LocalText:
        if isinstance(value, str):
            return LocalText(zh=value)
        return LocalText(zh=value.get("zh", ""), en=value.get("en", ""))

    def model(self) -> ProductModel:
        data = self.doc.data
        product = self.product(data["product"])
        if "output" in data:
            output = self.quantity(data["output"], ("output",))
            self.guarded(("output",), lambda: convert(output[0], output[1], product.declared_unit))
        else:
            output = (product.declared_amount, product.declared_unit)
        stages = (
            tuple(Stage(s["id"], self.text(s["name"])) for s in data["stages"])
            if "stages" in data
            else DEFAULT_STAGES
        )
        lines = tuple(self.line(line, ("lines", i)) for i, line in enumerate(data["lines"]))
        allocation = (
            self.allocation(data["allocation"], ("allocation",)) if "allocation" in data else None
        )
        return self.guarded(  # type: ignore[no-any-return]
            (),
            lambda: ProductModel(
                id=data["id"],
                version=str(data.get("version", "")),
                product=product,
                output_amount=output[0],
                output_unit=output[1],
                lines=lines,
                stages=stages,
                method=data.get("method", "ipcc-ar6-gwp100"),
                end_of_life=EndOfLife(data.get("end_of_life", "cut-off")),
                allocation=allocation,
                exclusions=tuple(
                    Exclusion(e["name"], e["share"], e.get("reason", ""))
                    for e in data.get("exclusions", [])
                ),
                rule=data.get("rule", ""),
                illustrative=bool(data.get("illustrative", False)),
                notes=data.get("notes", ""),
                digest=self.doc.digest(),
                source=self.doc.source,
                field_lines=self.field_lines(),
            ),
        )

    def field_lines(self) -> tuple[tuple[str, int], ...]:
        found = []
        for path in (
            ("product",), ("product", "category"), ("product", "declared_unit"),
            ("product", "boundary"), ("lines",), ("allocation",), ("exclusions",),
            ("method",), ("end_of_life",), ("stages",),
        ):  # fmt: skip
            line = self.doc.line_at(path)
            if line:
                found.append((".".join(str(p) for p in path), line))
        return tuple(found)

    def product(self, p: Mapping[str, Any]) -> Product:
        path: Path_ = ("product",)
        amount, unit = self.quantity(p["declared_unit"], (*path, "declared_unit"))
        fu = p.get("functional_unit")
        period = p.get("reference_period")
        identifiers = tuple(sorted((p.get("identifiers") or {}).items()))
        return self.guarded(  # type: ignore[no-any-return]
            path,
            lambda: Product(
                name=self.text(p["name"]),
                category=p["category"],
                declared_amount=amount,
                declared_unit=unit,
                functional_unit=self.text(fu["description"]) if fu else None,
                declared_units_per_functional_unit=fu["declared_units"] if fu else None,
                company=p.get("company", ""),
                site=p.get("site", ""),
                identifiers=identifiers,
                boundary=p.get("boundary", "cradle-to-gate"),
                period_start=date.fromisoformat(period["start"]) if period else None,
                period_end=date.fromisoformat(period["end"]) if period else None,
            ),
        )

    def inline_factor(self, f: Mapping[str, Any], path: Path_, code: str) -> EmissionFactor:
        if f.get("co2e_kg") is not None:
            self.factor_value(f["co2e_kg"], (*path, "co2e_kg"))
        for gas, kg in (f.get("gases") or {}).items():
            self.factor_value(kg, (*path, "gases", gas))

        def build() -> EmissionFactor:
            s = f["source"]
            gases = tuple(GasAmount(g, float(kg)) for g, kg in (f.get("gases") or {}).items())
            co2e = f.get("co2e_kg")
            return EmissionFactor(
                code=code,
                name_zh=f.get("name", code),
                name_en=f.get("name", code),
                kind=FactorKind.OTHER,
                unit=f["unit"],
                geography="unspecified",
                source=Source(
                    publisher=s["publisher"],
                    title=s["title"],
                    year=s.get("year"),
                    document=s.get("document"),
                    table=s.get("table"),
                    url=s.get("url"),
                ),
                gases=gases,
                co2e=float(co2e) if co2e is not None else None,
                gwp_basis=f.get("gwp_basis", AS_PUBLISHED) if co2e is not None else None,
                uncertainty=self.uncertainty(f.get("uncertainty"), (*path, "uncertainty")),
                pef=PefQuality(**(f.get("quality") or {})),
                illustrative=bool(f.get("illustrative", False)),
            )

        return self.guarded(path, build)  # type: ignore[no-any-return]

    @staticmethod
    def quality(q: Mapping[str, Any] | None) -> PefQuality:
        return PefQuality(**q) if q else _NO_QUALITY

    def uncertainty(self, u: Mapping[str, Any] | None, path: Path_) -> Uncertainty:
        if not u:
            return _NO_UNCERTAINTY
        return self.guarded(path, lambda: Uncertainty(**u))  # type: ignore[no-any-return]

    def factor_link(self, value: Any, path: Path_, code: str) -> Link:
        if isinstance(value, str):
            return Link(LinkKind.FACTOR, value)
        return Link(LinkKind.INLINE, inline=self.inline_factor(value, path, code))

    def link(self, spec: Mapping[str, Any], path: Path_, code: str) -> Link | None:
        if "factor" in spec:
            return self.factor_link(spec["factor"], (*path, "factor"), code)
        if "activity" in spec:
            return Link(LinkKind.ACTIVITY, spec["activity"])
        if "supplier" in spec:
            supplier = spec["supplier"]
            if "pact" in supplier:
                return Link(LinkKind.SUPPLIER, "pact:" + supplier["pact"])
            return Link(
                LinkKind.SUPPLIER,
                supplier_ref(str(supplier.get("publisher", "")), supplier["product"]),
            )
        if "model" in spec:
            return Link(LinkKind.MODEL, spec["model"])
        if "gas" in spec:
            return Link(LinkKind.GAS, spec["gas"])
        return None

    def electricity(self, e: Mapping[str, Any], path: Path_, code: str) -> Electricity:
        if "factor" in e:
            grid = self.factor_link(e["factor"], (*path, "factor"), code)
        elif "grid" in e:
            g = e["grid"]
            grid = Link(LinkKind.GRID, g["geography"], year=g.get("year"), basis=g.get("basis", ""))
        else:
            raise self.fail(path, "give the grid (geography and year) or a factor")
        market = []
        for i, m in enumerate(e.get("market", [])):
            mpath = (*path, "market", i)
            if "quantity" in m:
                amount, unit = self.quantity(m["quantity"], (*mpath, "quantity"))
                kwh = self.guarded((*mpath, "quantity"), partial(convert, amount, unit, "kWh"))
            elif m["instrument"] == "green-certificate":
                kwh = 1000.0 * len(m["ids"])  # one GEC (绿证) certifies 1 MWh
            else:
                raise self.fail(
                    mpath, f"a {m['instrument']} needs its quantity (the energy it covers)"
                )
            link = (
                self.factor_link(m["factor"], (*mpath, "factor"), f"{code}-market-{i}")
                if "factor" in m
                else None
            )
            market.append(
                self.guarded(
                    mpath,
                    partial(
                        MarketInstrument, m["instrument"], tuple(m["ids"]), kwh, m["evidence"], link
                    ),
                )
            )
        return Electricity(grid, tuple(market))

    def cff(self, c: Mapping[str, Any], path: Path_, code: str) -> Cff:
        names = {
            "Ev": "ev",
            "Erecycled": "erecycled",
            "ErecyclingEoL": "erecycling_eol",
            "E*v": "ev_star",
            "ED": "ed",
            "EER": "eer",
            "ESE": "ese",
        }
        links: dict[str, Any] = {
            attr: self.link(c[key], (*path, key), f"{code}-{attr}")
            for key, attr in names.items()
            if key in c
        }
        numbers = {"A": "a", "R1": "r1", "R2": "r2", "R3": "r3", "Qsin/Qp": "qsin_qp",
                   "Qsout/Qp": "qsout_qp", "B": "b"}  # fmt: skip
        values: dict[str, Any] = {attr: c[key] for key, attr in numbers.items() if key in c}
        return self.guarded(  # type: ignore[no-any-return]
            path,
            lambda: Cff(
                material=c.get("material", ""),
                given=frozenset(values),
                **values,
                **links,
            ),
        )

    def scrap(self, c: Mapping[str, Any], path: Path_, code: str) -> Scrap:
        xpr = self.link(c["Xpr"], (*path, "Xpr"), f"{code}-xpr")
        xre = self.link(c["Xre"], (*path, "Xre"), f"{code}-xre")
        if xpr is None or xre is None:
            raise self.fail(path, "Xpr and Xre: give a factor, activity or supplier link each")
        return self.guarded(  # type: ignore[no-any-return]
            path, lambda: Scrap(rr=c["RR"], s=c["S"], y=c["Y"], xpr=xpr, xre=xre)
        )

    def line(self, spec: Mapping[str, Any], path: Path_) -> Line:
        code = spec["id"]
        kinds = [
            k
            for k in (
                "factor",
                "activity",
                "supplier",
                "model",
                "gas",
                "electricity",
                "cff",
                "scrap",
            )
            if k in spec
        ]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            raise self.fail(
                path,
                "a line links to exactly one of factor, activity, supplier, model, gas, "
                f"electricity, cff or scrap (found: {found})",
            )
        transport = None
        if "transport" in spec:
            t = spec["transport"]
            mass = self.quantity(t["mass"], (*path, "transport", "mass"))
            distance = self.quantity(t["distance"], (*path, "transport", "distance"))
            transport = TransportLeg(mass[0], mass[1], distance[0], distance[1], t.get("mode", ""))
            amount, unit = mass[0] * distance[0], "t*km"
            if "quantity" in spec:
                raise self.fail(path, "a transport line takes mass and distance, not a quantity")
        elif "quantity" in spec:
            amount, unit = self.quantity(spec["quantity"], (*path, "quantity"))
        else:
            raise self.fail(path, "quantity: required (a number and a unit such as '12.5 MWh')")
        link = self.link(spec, path, code)
        electricity = (
            self.electricity(spec["electricity"], (*path, "electricity"), code)
            if "electricity" in spec
            else None
        )
        cff = self.cff(spec["cff"], (*path, "cff"), code) if "cff" in spec else None
        scrap = self.scrap(spec["scrap"], (*path, "scrap"), code) if "scrap" in spec else None
        if link is not None and link.kind is LinkKind.GAS:
            self.guarded((*path, "quantity"), lambda: convert(amount, unit, "kg"))
        return self.guarded(  # type: ignore[no-any-return]
            path,
            lambda: Line(
                id=code,
                stage=spec["stage"],
                name=spec.get("name", code),
                amount=amount,
                unit=unit,
                link=link,
                electricity=electricity,
                transport=transport,
                cff=cff,
                scrap=scrap,
                process=spec.get("process", ""),
                primary=spec.get("data", "secondary") == "primary",
                evidence=spec.get("evidence", ""),
                quality=self.quality(spec.get("quality")),
                uncertainty=self.uncertainty(spec.get("uncertainty"), (*path, "uncertainty")),
                reporting=spec.get("reporting", ""),
                allocate=spec.get("allocate"),
                where=f"line {self.doc.line_of(path) or '?'} ({_pointer(path)}, id {code})",
            ),
        )

    def allocation(self, a: Mapping[str, Any], path: Path_) -> Allocation:
        coproducts = []
        for i, co in enumerate(a["coproducts"]):
            amount, unit = self.quantity(co["quantity"], (*path, "coproducts", i, "quantity"))
            substitutes = (
                self.link(
                    co["substitutes"], (*path, "coproducts", i, "substitutes"), f"coproduct-{i}"
                )
                if "substitutes" in co
                else None
            )
            coproducts.append(Coproduct(co["name"], amount, unit, co.get("value"), substitutes))
        return self.guarded(  # type: ignore[no-any-return]
            path,
            lambda: Allocation(
                method=AllocationMethod(a["method"]),
                main_value=a.get("main_value"),
                coproducts=tuple(coproducts),
                stages=tuple(a.get("stages", ("raw_materials", "production"))),
                property=a.get("property", ""),
            ),
        )


def write_document(data: Mapping[str, Any], path: Path) -> None:
    """Write a model document as YAML (``.yaml``/``.yml``) or JSON, keeping key order."""
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    path.write_text(document_text(data), encoding="utf-8")


def document_text(data: Mapping[str, Any]) -> str:
    """A model document as YAML text, keeping key order (what ``write_document`` writes)."""
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


def lines_of(document: ModelDocument) -> Sequence[Mapping[str, Any]]:
    lines: Sequence[Mapping[str, Any]] = document.data.get("lines", [])
    return lines
