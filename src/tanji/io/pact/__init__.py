"""WBCSD PACT ProductFootprint JSON: suppliers' footprints in, our footprints out.

PACT (the WBCSD Partnership for Carbon Transparency) defines the ProductFootprint data
model in its "Technical Specifications for PCF Data Exchange". This module reads the
data model of versions 2.0 to 2.3 (called v2 here; the 2.3.x field names, which 2.0 to
2.2 share for every field read) and of version 3.0 (v3), and writes 2.3 and 3.0.

Reading (:func:`read_pact`, :func:`read_pact_all`) gives :class:`SupplierFootprint`:

==================== ================================== ===================================
SupplierFootprint    PACT v2.x                          PACT v3.0
==================== ================================== ===================================
ref                  ``id``                             ``id``
version              ``version`` (integer, as text)     ``updated`` if given, else
                                                        ``created`` (v3 has no version; a
                                                        changed PCF gets a new ``id``)
product_id           first of ``productIds``            first of ``productIds``
product_name         ``productNameCompany``             ``productNameCompany``
company              ``companyName``                    ``companyName``
declared_unit        ``pcf.declaredUnit``               ``pcf.declaredUnitOfMeasurement``
declared_amount      1 (v2 values are per one declared  ``pcf.declaredUnitAmount``
                     unit; ``unitaryProductAmount`` is
                     the size of a product, not used)
total                ``pCfIncludingBiogenic`` if given, ``pcfIncludingBiogenicUptake``
                     else ``pCfExcludingBiogenic``
biogenic             total − ``pCfExcludingBiogenic``   total − ``pcfExcludingBiogenicUptake``
                     (0 without ``pCfIncludingBio…``)
dluc                 ``dLucGhgEmissions``               ``landUseChangeGhgEmissions``
aircraft             ``aircraftGhgEmissions``           ``aircraftGhgEmissions``
primary_data_share   ``primaryDataShare`` / 100         ``primaryDataShare`` / 100
quality (PEF 1..5)   ``dqi``: technological → TeR,      ``dqi``: technological → TeR,
                     geographical → GeR, temporal →     geographical → GeR, temporal → TiR
                     TiR, reliability → P               (v3 has no reliability: P unset)
period_start / _end  ``referencePeriodStart`` / ``…End`` (PACT's end is exclusive: an end at
                     midnight gives the day before as our inclusive end date)
geography            ``geographyCountrySubdivision``, ``geographyCountry`` or
                     ``geographyRegionOrSubregion`` ("" when none: a global footprint)
verified / verifier  ``assurance.assurance`` is true;   ``verification`` present;
                     ``assurance.providerName``         ``verification.providerName``
source               "PACT <specVersion> file <file name>"
==================== ================================== ===================================

Declared units map to units :func:`tanji.domain.units.convert` accepts: liter → ``L``,
kilogram → ``kg``, cubic meter → ``m**3``, kilowatt hour → ``kWh``, megajoule → ``MJ``,
ton kilometer → ``t*km``, square meter → ``m**2``, and in v3 piece → ``piece`` and hour →
``h``. v3's "megabit second" is refused: the unit registry counts bits as dimensionless,
so megabit-seconds would silently convert to hours. PACT writes quantities as decimal
strings ("1.23"; v2 writes ``primaryDataShare`` and the DQRs as JSON numbers); they are
parsed as :class:`~decimal.Decimal`, subtracted exactly, then stored as floats. DQRs
(1..3 in v2, 1..5 in v3) are rounded half up and clamped to 1..5, not rescaled.

A file may hold one ProductFootprint, a list response ``{"data": [...]}``, a single
response ``{"data": {...}}`` or a RequestFulfilled event (``data.pfs``). Every footprint
is checked against a small JSON Schema of our own (:data:`TANJI_SCHEMA_V2`,
:data:`TANJI_SCHEMA_V3`: the fields read, their types, decimal-string, UUID, URN and
date-time patterns, at most one geography field) and, when ``schema_dir`` names the
folder of the official schemas (``pact-v2.2``, ``pact-v2.3``, ``pact-v3.0.schema.json``:
the OpenAPI ``components.schemas`` of the specification as JSON Schema 2020-12), against
the official one as well, with checkers for PACT's custom ``decimal`` and ``urn`` formats.
Every problem is a :class:`DataFormatError` naming the file, the JSON path of the field
(``pcf.pCfExcludingBiogenic``, ``data[1].productIds[0]``) and what was expected.

Writing (:func:`pact_document`, :func:`write_pact`) builds a 2.3 or 3.0 ProductFootprint
from a :class:`PactExport`, whose amounts are per one ``declared_unit`` of ours. v3 keeps
them and states the declared unit as ``declaredUnitAmount`` of the matching PACT unit (1 t
→ 1000 kilogram); v2, whose values are per one PACT unit, divides them by that factor.
PACT v2 has no declared unit for pieces or hours: exporting those to 2.3 is refused.
Fields PACT requires but a calculation does not know (carbon contents, exempted
emissions, packaging, product mass) must be given; a missing one is a DataFormatError
naming both our field and PACT's. Data quality indicators are not written (PACT v2 DQRs
need coverage and completeness too, on a 1..3 scale).
"""

from __future__ import annotations

from tanji.io.pact._read import read_pact, read_pact_all, read_pact_object
from tanji.io.pact._schema import TANJI_SCHEMA_V2, TANJI_SCHEMA_V3, pact_format_checker
from tanji.io.pact._vocab import OFFICIAL_SCHEMA_FILES, PactSpec
from tanji.io.pact._write import PactExport, pact_document, write_pact

__all__ = [
    "OFFICIAL_SCHEMA_FILES",
    "TANJI_SCHEMA_V2",
    "TANJI_SCHEMA_V3",
    "PactExport",
    "PactSpec",
    "pact_document",
    "pact_format_checker",
    "read_pact",
    "read_pact_all",
    "read_pact_object",
    "write_pact",
]
