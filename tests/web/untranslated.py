"""What a page says in English or as a raw code although the reader asked for Chinese.

:func:`untranslated` reads a page as its reader does — the visible text and the
``title``, ``placeholder``, ``aria-label`` and ``alt`` attributes — and returns the words
in Latin letters that are not allowed. Left out, because they are not the platform's
words to translate:

- product data — what people and published sources wrote (a product's or a line's name,
  a factor's source, an organisation, an email address) — which templates mark with the
  standard HTML attribute ``translate="no"``, and ``<code>``, ``<pre>``, ``<kbd>``,
  ``<script>``, ``<style>`` and ``<svg>``;
- in the page's ``<title>`` (which cannot mark anything), product data the page shows
  marked as such (a product's code or name, a certificate's number);
- :data:`ALLOWED`: units, chemical formulae, brand and standard names that Chinese text
  writes in Latin letters too (PACT, GTIN, ISO, GB/T, IPCC, Excel, PDF, API…).

A word is a run of three or more Latin letters; shorter ones (kg, t, m2, km) are units.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["ALLOWED", "untranslated"]

#: Latin-letter words a Chinese page may show (compared case-sensitively).
ALLOWED = frozenset(
    {
        # units and quantities
        "kWh", "MWh", "GWh", "kWp", "MJ", "GJ", "TJ", "CO2e", "CO₂e", "CO2", "CH4", "N2O",
        "CO₂", "N₂O", "CH₄", "HFC", "PFC", "tkm", "piece", "pieces",
        # file extensions
        "xlsx", "yaml", "json", "csv", "pdf", "png", "svg",
        # standards, methods and bodies written in Latin letters in Chinese text
        "ISO", "GB/T", "IPCC", "AR6", "AR5", "GWP100", "GWP", "DQR", "PEF", "CFF", "CNCA",
        "DESNZ", "LCA", "LCI", "USCC", "TOTP",
        # products, formats and protocols
        "Tanji", "PACT", "GTIN", "Catena", "OpenAPI", "API", "JSON", "YAML", "Excel", "PDF",
        "SVG", "PNG", "CSV", "XLSX", "ECharts", "Apache", "Monte", "Carlo", "Bearer",
        "Authorization", "English", "htmx", "SHA", "ERP", "HTML", "LFP", "GEC", "PPA", "worldsteel",
        "ZIP", "URN", "CPC", "PCF", "CCAA", "Battery", "Pass", "https",
        "openLCA", "ILCD", "TIDAS", "XML",
        # PEF data-quality criteria and the geometric standard deviation
        "TeR", "GeR", "TiR", "GSD",
        # schemes of identifiers in examples of what to type (urn:gtin:…, urn:uuid:…)
        "urn", "gtin", "uuid",
    }
)  # fmt: skip

_SKIPPED = {"script", "style", "code", "pre", "kbd", "svg", "template", "textarea"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
_WORD = re.compile(r"[A-Za-z][A-Za-z₂]{2,}")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.texts: list[str] = []
        self.data: list[str] = []  # what is marked as product data (translate="no", code)
        self.title: list[str] = []
        self.tags: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = tag in _SKIPPED or values.get("translate") == "no"
        if not self.skipping and not skip:
            self.texts.extend(v for k in _ATTRIBUTES if (v := values.get(k)))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append(values.get("value") or "")
        if tag not in _VOID:
            self.stack.append(skip)
            self.tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skipping:
            values = dict(attrs)
            if values.get("translate") != "no":
                self.texts.extend(v for k in _ATTRIBUTES if (v := values.get(k)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        self.stack.pop()
        self.tags.pop()

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        if self.skipping:
            self.data.append(data.strip())
        elif self.tags and self.tags[-1] == "title":
            self.title.append(data.strip())
        else:
            self.texts.append(data.strip())


def untranslated(html: str) -> list[str]:
    """Each text of the page that holds a Latin-letter word not allowed, with the word."""
    reader = _Reader()
    reader.feed(html)
    titles = []
    for title in reader.title:
        for data in sorted(set(reader.data), key=len, reverse=True):
            title = title.replace(data, "")
        titles.append(title)
    found = []
    for text in [*titles, *reader.texts]:
        words = [w for w in _WORD.findall(text) if w not in ALLOWED]
        if words:
            found.append(f"{words[0]!r} in {text[:120]!r}")
    return found
