"""Peer and national exchange of a background database version: ILCD and TIDAS.

A version's emission factors are written as ILCD 1.1 datasets — one *process* per factor
(1 unit of its product out, its gases or its CO2e in kg out), its *flows* with their
*flow properties* and *unit groups*, one *source* per distinct source and one *contact*
for the database owner — in an ILCD zip (:func:`write_ilcd`), or as TIDAS, the TianGong
mapping of the same datasets to JSON (:func:`write_tidas`). Both read back
(:func:`read_ilcd_factors`, :func:`read_tidas_factors`) to the same factors with the same
sources: the source comes from the source dataset the process refers to, the rest of the
record from the process. Fields ILCD has no place for (Tanji's kind, boundary, GWP set,
uncertainty, data-quality ratings, industry and product codes) travel in the process's
``common:other`` extension as ``tanji:factor`` JSON, so nothing is lost between two Tanji
installations while any ILCD reader still sees a readable process with its exchanges
(``tanji.io.ilcd.read_ilcd`` reads the zip as an LCI bundle).
"""

from __future__ import annotations

from tanji.io.exchange._ilcd import (
    ILCD_FORMAT,
    ExchangeVersion,
    GasInfo,
    write_ilcd,
)
from tanji.io.exchange._ilcd_read import read_ilcd_factors
from tanji.io.exchange._tidas import (
    TIDAS_FORMAT,
    TIDAS_LCI_FORMAT,
    read_tidas_bundle,
    read_tidas_factors,
    tidas_documents,
    write_tidas,
)

__all__ = [
    "ILCD_FORMAT",
    "TIDAS_FORMAT",
    "TIDAS_LCI_FORMAT",
    "ExchangeVersion",
    "GasInfo",
    "read_ilcd_factors",
    "read_tidas_bundle",
    "read_tidas_factors",
    "tidas_documents",
    "write_ilcd",
    "write_tidas",
]
