"""What the XML readers (ecoSpold2, ILCD) share: a safe parser and language-aware text."""

from __future__ import annotations

import math
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from tanji.domain.problems import Problem
from tanji.io.errors import DataFormatError
from tanji.io.limits import xml_parser_options

#: An lxml element (untyped, see the import).
Element = Any

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_xml(source: str, data: bytes) -> Element:
    """The root element of XML bytes; malformed XML is reported with its line.

    Entity expansion, DTDs and network access are off and libxml2's depth and size
    limits on (:func:`tanji.io.limits.xml_parser_options`): data sets may come from
    anywhere.
    """
    parser = etree.XMLParser(remove_comments=True, **xml_parser_options())
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise DataFormatError(
            source, Problem("lci-xml-malformed", line=error.lineno, detail=error.msg)
        ) from error


def at_line(line: object, problem: str) -> Problem:
    """``line N: problem`` (a problem without a code of its own carried as
    ``import-untold``), for a page to say in the reader's language."""
    said = problem if isinstance(problem, Problem) else Problem("import-untold", original=problem)
    return Problem("xml-line", line=line, problem=said)


def english_text(found: list[Element]) -> str:
    """Whitespace-normalized text of the English variant among matches (else the first)."""
    english = [e for e in found if e.get(XML_LANG) == "en"]
    chosen = (english or found)[:1]
    return " ".join((chosen[0].text or "").split()) if chosen else ""


def finite_number(raw: str, what: str) -> float:
    """``raw`` as a finite float; ``ValueError`` with a message naming ``what`` otherwise.

    The XML readers turn that message into an error at the element's line.
    """
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(Problem("xml-not-number", what=what, text=repr(raw))) from None
    if not math.isfinite(value):
        raise ValueError(Problem("xml-not-finite", what=what, text=repr(raw)))
    return value
