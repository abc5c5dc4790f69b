"""The concrete request of a row of the permission matrix
(:mod:`tests.web.test_permissions_matrix`), shared with the modules that make its rows'
requests (``*_matrix.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    """The concrete request of a row: its URL and, for writes, its JSON body or its
    multipart ``files`` (``{field: (file name, content, media type)}``) with their form
    fields (``data``)."""

    url: str
    json: Any = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    data: dict[str, str] | None = None
