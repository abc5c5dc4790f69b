"""Problems with what was typed, in the reader's language.

The services say a :class:`~tanji.domain.problems.Problem` in English and carry its
``code`` and ``values``; :func:`say` gives the catalogue's text for the code, filled
with the values (units, line ids and factor codes stay as typed; kinds of unit are
translated). Any other message is shown as it is. The msgids are the English texts of
:data:`tanji.domain.problems.TEXTS` (tests/web/test_i18n.py checks both catalogues hold
them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup, escape

from tanji.domain.problems import TEXTS


def N_(text: str) -> str:  # noqa: N802 (gettext's marker name, read by pybabel)
    return text


__all__ = [
    "CODES",
    "KINDS",
    "WORKSPACE_CLAUSE",
    "say",
    "say_all",
    "say_cell",
    "say_code",
    "say_html",
]

#: Kinds of unit (:data:`tanji.domain.units.UNIT_KINDS`) as the catalogue has them.
KINDS: Mapping[str, str] = {
    "energy": N_("energy"),
    "mass": N_("mass"),
    "length": N_("length"),
    "volume": N_("volume"),
    "area": N_("area"),
    "pieces": N_("pieces"),
    "normal volume (gas)": N_("normal volume (gas)"),
    "mass × distance": N_("mass × distance"),
    "time": N_("time"),
    "power": N_("power"),
}


#: Codes the platform stores and pages show (a boundary, a grid level, a method, a
#: status), said in words; a value not here is product data and is shown as it is.
CODES: Mapping[str, str] = {
    "cradle-to-gate": N_("cradle to gate"),
    "cradle-to-grave": N_("cradle to grave"),
    "gate-to-gate": N_("gate to gate"),
    "national": N_("national"),
    "regional": N_("regional"),
    "province": N_("provincial"),
    "lifecycle": N_("life-cycle"),
    "location": N_("location-based"),
    "market": N_("market-based"),
    "grid_location": N_("location-based grid factor"),
    # kinds and boundaries of emission factors (tanji.domain.factors)
    "grid_residual": N_("residual-mix grid factor"),
    "grid_lifecycle": N_("life-cycle grid factor (carbon footprint factor)"),
    "grid_fossil": N_("fossil-power CO₂ grid factor"),
    "grid_ets": N_("grid factor of the emissions trading scheme"),
    "electricity_generation": N_("electricity generation"),
    "electricity_transmission": N_("electricity transmission and distribution"),
    "combustion": N_("combustion (direct emissions only)"),
    "transport": N_("transport"),
    "material": N_("material"),
    "process": N_("process"),
    "waste": N_("waste"),
    "other": N_("other"),
    "cbam_default": N_("CBAM default value"),
    "life_cycle": N_("life cycle (upstream included)"),
    "as published": N_("as published"),
    # allocation and end of life (the rules' words)
    "subdivision": N_("subdivision"),
    "system-expansion": N_("system expansion"),
    "cut-off": N_("cut-off"),
    "cff": N_("Circular Footprint Formula"),
    "ipcc-ar6-gwp100": N_("IPCC AR6 GWP100"),
    "ipcc-ar5-gwp100": N_("IPCC AR5 GWP100"),
    "IPCC-AR6-GWP100": N_("IPCC AR6 GWP100"),
    "IPCC-AR5-GWP100": N_("IPCC AR5 GWP100"),
    "IPCC-AR6-GWP20": N_("IPCC AR6 GWP20"),
    "IPCC-AR4-GWP100": N_("IPCC AR4 GWP100"),
    "economic": N_("economic"),
    "physical": N_("physical"),
    "mass": N_("mass"),
    "energy": N_("energy"),
    "draft": N_("draft"),
    "trial": N_("trial"),
    "published": N_("published"),
    "superseded": N_("superseded"),
    "lithium-battery": N_("lithium battery"),
    "pv-module": N_("PV module"),
    "steel": N_("steel"),
    "general": N_("general products"),
    # the other categories of the shipped rules (src/tanji/data/rules)
    "battery": N_("batteries (EU Battery Regulation)"),
    "pv-module-csi": N_("crystalline silicon PV modules"),
    "green-building-material": N_("green building materials"),
    "transmission-equipment": N_("power transmission and transformation equipment"),
    "wind-turbine": N_("wind turbines"),
    # the pilot's product categories and the certification types (domain.certification)
    "photovoltaic": N_("photovoltaic products"),
    "electrolytic-aluminium": N_("electrolytic aluminium"),
    "textile": N_("textiles"),
    "electronics-electrical": N_("electronic and electrical products"),
    "tyre": N_("tyres"),
    "cement": N_("cement"),
    "ammonium-phosphate": N_("ammonium phosphate"),
    "wood-product": N_("wood products"),
    # what an LCI import did with a process or exchange (tanji.io.policy)
    "co-product dropped": N_("co-product dropped"),
    "own allocation": N_("the file's own allocation"),
    "provider chosen": N_("provider chosen"),
    "uncertainty dropped": N_("uncertainty dropped"),
    "unit converted": N_("unit converted"),
    "reference by its only product": N_("reference taken from its only product"),
    "error": N_("error"),
    "footprint": N_("Product carbon footprint"),
    "low-carbon": N_("Low-carbon product"),
    "carbon-neutral": N_("Carbon-neutral product"),
    # transport modes and electricity instruments
    "road": N_("road"),
    "rail": N_("rail"),
    "inland-waterway": N_("inland waterway"),
    "sea-container": N_("sea (container ship)"),
    "sea-bulk": N_("sea (bulk carrier)"),
    "air": N_("air"),
    "green-certificate": N_("Green certificate (GEC)"),
    "green-power": N_("Green power trading"),
    "ppa": N_("Power purchase agreement"),
}

#: The values of a problem that hold such codes (a line id is never translated).
_CODED = frozenset(
    {"boundary", "rule_boundary", "level", "basis", "rule_basis", "method", "rule_method",
     "category"}
)  # fmt: skip

#: The clause of the workspace's own findings (tanji.services.line_checks.WORKSPACE).
WORKSPACE_CLAUSE = "Tanji workspace"


def say_code(value: str, gettext: Callable[[str], str]) -> str:
    """A stored code in words (:data:`CODES`), else the value as it is."""
    if value == WORKSPACE_CLAUSE:
        return gettext(WORKSPACE_CLAUSE)
    return gettext(CODES[value]) if value in CODES else value


#: The fields of a line an applied workbook changes (``template-change``), in words.
FIELDS: Mapping[str, str] = {
    "quantity": N_("quantity"),
    "transport.mass": N_("transport mass"),
    "transport.distance": N_("transport distance"),
    "factor": N_("emission factor"),
    "data": N_("data type"),
    "evidence": N_("evidence"),
    "quality": N_("data quality"),
    "uncertainty": N_("uncertainty"),
}

#: Words the platform writes into a problem's values (a change to or from nothing, a
#: distribution), said in the reader's language.
WORDS: Mapping[str, str] = {
    "(empty)": N_("(empty)"),
    "(inline)": N_("(inline)"),
    "lognormal": N_("lognormal"),
    "normal": N_("normal"),
    "uniform": N_("uniform"),
    "triangular": N_("triangular"),
    "primary": N_("primary"),
    "secondary": N_("secondary"),
}

#: The values of a problem that are product data (names people gave, what was typed in
#: a cell), not words of the platform: on a page they are marked ``translate="no"``.
_DATA = frozenset(
    {"name", "line", "factor", "excluded", "declared", "uscc", "unit", "text", "known",
     "like", "made_for", "product", "current", "column", "file", "first", "activity",
     "supplier", "given", "choices", "old", "new", "plain", "gas", "gases", "published",
     "field", "flow", "key", "listed", "provider", "original",
     "entry", "source", "provider_unit", "other", "link",
     "namespace", "found", "property", "group",
     "what", "target", "rows"}
)  # fmt: skip
_WORDED = frozenset({"old", "new", "distribution"})


def _shown(values: Mapping[str, Any], gettext: Callable[[str], str], html: bool) -> dict[str, Any]:
    """A problem's values as its text shows them: kinds, codes and the platform's words
    translated, a nested problem said in its turn, product data marked on a page."""
    shown: dict[str, Any] = {}
    for key, value in values.items():
        if getattr(value, "code", None) in TEXTS:
            shown[key] = say_html(value, gettext) if html else say(value, gettext)
        elif key.endswith("kind") and value in KINDS:
            shown[key] = gettext(KINDS[value])
        elif key in _CODED and value in CODES:
            shown[key] = gettext(CODES[value])
        elif key == "field" and value in FIELDS:
            shown[key] = gettext(FIELDS[value])
        elif key in _WORDED and value in WORDS:
            shown[key] = gettext(WORDS[value])
        elif html and key in _DATA:
            shown[key] = Markup('<span translate="no">{}</span>').format(value)
        else:
            shown[key] = value
    if "line" in shown and "name" not in shown:
        shown["name"] = shown["line"]  # the catalogue names a line by its name
    return shown


def say(message: str, gettext: Callable[[str], str]) -> str:
    """``message`` in the reader's language when it is a known problem, else as it is."""
    code = getattr(message, "code", None)
    values = getattr(message, "values", None)
    if not isinstance(code, str) or code not in TEXTS or not isinstance(values, dict):
        return message
    return gettext(TEXTS[code]).format(**_shown(values, gettext, html=False))


def say_html(message: str, gettext: Callable[[str], str]) -> Markup:
    """:func:`say` for a page: escaped, with the product data it names marked
    ``translate="no"`` (a line's name is the enterprise's words, not the platform's)."""
    code = getattr(message, "code", None)
    values = getattr(message, "values", None)
    if not isinstance(code, str) or code not in TEXTS or not isinstance(values, dict):
        return escape(message)
    return Markup(escape(gettext(TEXTS[code]))).format(**_shown(values, gettext, html=True))


def say_cell(problem: object, gettext: Callable[[str], str]) -> Markup:
    """A problem of an uploaded workbook (:class:`tanji.io.activity_template.
    TemplateProblem`) for a page: where it is in the reader's language (row, column
    header as written), then what — translated when it is a known problem."""
    row, column = getattr(problem, "row", None), getattr(problem, "column", None)
    header = getattr(problem, "header", "") or ""
    message = getattr(problem, "message", None)
    if message is None:  # a problem of the lines as saved, or of the file
        return say_html(problem if isinstance(problem, str) else str(problem), gettext)
    quoted = Markup('<span translate="no">{}</span>').format(header)
    if row is not None and column is not None:
        where = Markup(escape(gettext("Row %(row)s, column “%(column)s”"))) % {
            "row": row, "column": quoted}  # fmt: skip
    elif row is not None:
        where = escape(gettext("Row %(row)s") % {"row": row})
    elif column is not None:
        where = Markup(escape(gettext("Column “%(column)s”"))) % {"column": quoted}
    else:
        where = escape(gettext("The workbook"))
    return Markup(escape(gettext("%(where)s: %(what)s"))) % {
        "where": where, "what": say_html(message, gettext)}  # fmt: skip


def say_all(messages: Mapping[str, str], gettext: Callable[[str], str]) -> dict[str, str]:
    """Each message of a form's ``field → message`` in the reader's language."""
    return {name: say(text, gettext) for name, text in messages.items()}
