"""Caps on what a file may make the readers do: every upload and import is read within
them, so a hostile file is refused in bounded time and memory (issue 19's bombs).

Each cap is a field of :class:`Limits` with its default, set from the environment by
:class:`tanji.settings.Settings` (``TANJI_LIMIT_<FIELD>``, e.g.
``TANJI_LIMIT_XLSX_CELLS=5000000``) and made current by the composition root
(:func:`configure`); docs/web.md lists them. A file over a cap raises
:class:`LimitError` (a :class:`~tanji.io.errors.DataFormatError`, so a 422 with the
file named), whose ``kind`` names the cap.

The readers call these only where they open a file — a zip, an XML parser, a workbook,
a YAML stream — so the checks sit in one place and the readers keep their own logic.

- zip archives (openLCA JSON-LD, ILCD, Brightway, ecoSpold2 zips, and XLSX, which is a
  zip): entry count, the unpacked size of all entries (as the central directory
  declares it: :mod:`zipfile` stops reading an entry at its declared size, so a lie
  truncates the entry rather than growing it), and the compression ratio of big entries;
- XML (ecoSpold2, ILCD): lxml with entities not resolved, no DTD loaded, no network,
  and libxml2's own depth and size limits (``huge_tree`` off: 256 levels, 10 MB text
  nodes);
- XLSX (activity template, factor tables): no DTD in any part (Office never writes one;
  a DTD is how entity bombs and external entities arrive), the sheet's unpacked size,
  and the area its cells span — streamed from the sheet's XML before openpyxl reads it;
- YAML/JSON (product models): the node count once aliases are expanded and the nesting
  depth, measured on the composed graph before any value is built.
"""

from __future__ import annotations

import gc
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from tanji.domain.problems import Problem
from tanji.io.errors import DataFormatError

__all__ = [
    "LimitError",
    "Limits",
    "check_xlsx",
    "check_yaml",
    "check_zip",
    "configure",
    "current",
    "limited",
    "open_zip",
    "xml_parser_options",
]

MIB = 1 << 20
GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """The caps, with their defaults (see the module docstring)."""

    #: A data archive's entries, unpacked, together (bytes).
    unzipped_bytes: int = 8 * GIB
    #: Entries in a data archive.
    zip_entries: int = 500_000
    #: How much an entry over 1 MiB may expand (unpacked ÷ packed size).
    zip_ratio: int = 200
    #: An XLSX workbook's parts, unpacked, together (bytes).
    xlsx_bytes: int = 256 * MIB
    #: The cells a sheet may span (rows × columns of its used range).
    xlsx_cells: int = 2_000_000
    #: Values in a YAML/JSON document, counting each alias as the values it repeats.
    yaml_nodes: int = 200_000
    #: Nesting depth of a YAML/JSON document.
    yaml_depth: int = 100

    @classmethod
    def from_env(cls, env: dict[str, str] | Any) -> Limits:
        """The defaults, each overridden by ``TANJI_LIMIT_<FIELD>`` where set."""
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(f"TANJI_LIMIT_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(
                        f"TANJI_LIMIT_{f.name.upper()}: expected a whole number, got {raw!r}"
                    ) from None
        return cls(**values)


class LimitError(DataFormatError):
    """A file goes past one of the caps (``kind``: zip-entries, unzipped-size,
    zip-ratio, xlsx-size, xlsx-cells, xml-dtd, yaml-expansion, yaml-depth)."""

    def __init__(self, source: str, kind: str, problem: str) -> None:
        said = (
            Problem("limit-refused", problem=problem, kind=kind)
            if isinstance(problem, Problem)
            else f"{problem} [refused: {kind}]"
        )
        super().__init__(source, said)
        self.kind = kind


_current = Limits()


def current() -> Limits:
    """The caps in force."""
    return _current


def configure(limits: Limits) -> None:
    """Make ``limits`` the caps in force (the composition root does, from settings)."""
    global _current
    _current = limits


@contextmanager
def limited(**caps: int) -> Iterator[Limits]:
    """The caps in force changed for a block (tests)."""
    before = current()
    configure(replace(before, **caps))
    try:
        yield current()
    finally:
        configure(before)


def _size(n: int) -> str:
    return f"{n / GIB:.1f} GiB" if n >= GIB else f"{n / MIB:.0f} MiB"


def check_zip(archive: zipfile.ZipFile, source: str, *, max_bytes: int | None = None) -> None:
    """Refuse an archive over the entry count, unpacked size or ratio caps (from its
    central directory: nothing is unpacked)."""
    limits = current()
    entries = archive.infolist()
    if len(entries) > limits.zip_entries:
        raise LimitError(
            source, "zip-entries",
            Problem("limit-zip-entries", count=len(entries), limit=limits.zip_entries),
        )  # fmt: skip
    cap = limits.unzipped_bytes if max_bytes is None else max_bytes
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > cap:
            raise LimitError(
                source, "unzipped-size",
                Problem("limit-unzipped-size", size=_size(cap)),
            )  # fmt: skip
        if entry.file_size > MIB and entry.file_size > limits.zip_ratio * max(
            entry.compress_size, 1
        ):
            raise LimitError(
                source, "zip-ratio",
                Problem(
                    "limit-zip-ratio", entry=entry.filename, limit=limits.zip_ratio,
                    ratio=entry.file_size // max(entry.compress_size, 1),
                ),
            )  # fmt: skip


def open_zip(path: Path, source: str | None = None) -> zipfile.ZipFile:
    """A zip archive, checked against the caps (:func:`check_zip`)."""
    archive = zipfile.ZipFile(path)
    try:
        check_zip(archive, source or str(path))
    except BaseException:
        archive.close()
        raise
    return archive


def xml_parser_options() -> dict[str, bool]:
    """lxml ``XMLParser`` options for data from anywhere: no entity expansion, no DTD,
    no network, libxml2's default depth and text-size limits (no ``huge_tree``)."""
    return {
        "resolve_entities": False,
        "load_dtd": False,
        "no_network": True,
        "huge_tree": False,
    }


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+)\d+\"")
_CHUNK = 1 << 20


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_xlsx(path: Path, source: str | None = None) -> None:
    """Refuse a workbook over the XLSX caps, streaming its parts (see the module
    docstring); a file that is no zip is left for openpyxl to report."""
    source = source or str(path)
    limits = current()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        check_zip(archive, source, max_bytes=limits.xlsx_bytes)
        for entry in archive.infolist():
            name = entry.filename
            if not name.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(entry) as part:
                _check_part(part, name, source, limits, sheet=name.startswith("xl/worksheets/"))


def _check_part(part: Any, name: str, source: str, limits: Limits, *, sheet: bool) -> None:
    prolog = True
    tail = b""
    rows = columns = 0
    while chunk := part.read(_CHUNK):
        data = tail + chunk
        if prolog:
            root = _ROOT.search(data)
            head = data if root is None else data[: root.start()]
            if _DTD.search(head):
                raise LimitError(
                    source, "xml-dtd",
                    Problem("limit-xml-dtd", entry=name),
                )  # fmt: skip
            prolog = root is None
        if not sheet:
            if not prolog:
                return
            tail = data[-16:]
            continue
        for found in _ROW.finditer(data):
            rows = max(rows, int(found.group(1)))
        for found in _CELL.finditer(data):
            columns = max(columns, _column(found.group(1)))
        if rows * columns > limits.xlsx_cells:
            raise LimitError(
                source, "xlsx-cells",
                Problem(
                    "limit-xlsx-cells", entry=name, rows=rows, columns=columns,
                    limit=limits.xlsx_cells,
                ),
            )  # fmt: skip
        tail = data[-256:]


def check_yaml(node: Any, source: str) -> None:
    """Refuse a composed YAML document whose values, with aliases expanded, exceed the
    node cap, or that nests deeper than the depth cap. Each distinct node is visited
    once (its expanded size is remembered), so an alias bomb costs its own size."""
    limits = current()
    sizes: dict[int, int] = {}
    # Iterative post-order walk: (node, depth, children done?)
    stack: list[tuple[Any, int, bool]] = [(node, 1, False)]
    while stack:
        current_node, depth, done = stack.pop()
        key = id(current_node)
        if key in sizes and not done:
            continue
        if depth > limits.yaml_depth:
            raise LimitError(
                source, "yaml-depth",
                f"nests deeper than {limits.yaml_depth} levels (TANJI_LIMIT_YAML_DEPTH)",
            )  # fmt: skip
        if isinstance(current_node, yaml.MappingNode):
            children = [n for pair in current_node.value for n in pair]
        elif isinstance(current_node, yaml.SequenceNode):
            children = list(current_node.value)
        else:
            sizes[key] = 1
            continue
        if not done:
            sizes.setdefault(key, 0)  # on the path: a cycle counts once
            stack.append((current_node, depth, True))
            stack.extend((child, depth + 1, False) for child in children)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        sizes[key] = total
        if total > limits.yaml_nodes:
            raise LimitError(
                source, "yaml-expansion",
                f"holds more than {limits.yaml_nodes} values, counting each alias (*name) as "
                "the values it repeats (TANJI_LIMIT_YAML_NODES); split the model into "
                "sub-models, or write out what an alias bomb would repeat",
            )  # fmt: skip


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = True


@contextmanager
def calm_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large file is turned into objects.

    Parsing allocates hundreds of thousands of objects; every so many, CPython runs a
    full collection that walks all of them while holding the GIL — 1.3 s for a 3 MB
    model file on this project's test machine, during which no other thread (the event
    loop, other requests) runs. Parsed data holds no reference cycles, so reference
    counting frees it; the collector is back on when the last parse ends. Design note:
    the caps bound how much a parse can allocate, so pausing the collector cannot let
    memory run away; a worker process per parse was rejected (the parsed document
    would have to be pickled back, costing as much again).
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()
