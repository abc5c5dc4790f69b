"""English texts of the problems of an LCI data import (openLCA JSON-LD, ecoSpold2, ILCD,
Brightway), by code: the ones a person who uploads a file meets.

The readers (:mod:`tanji.io.olca_jsonld` and the others) say them as
:class:`~tanji.domain.problems.Problem` rows of an import's problems;
:data:`tanji.domain.problems.TEXTS` holds them with the others, so the job's page says
them in the reader's language. A problem the readers word in a library's terms (or one
without a code yet) is carried as ``import-untold``: its English is the text as it was,
and a page shows it as a detail, marked as not the platform's words.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LCI_IMPORT_TEXTS"]

LCI_IMPORT_TEXTS: Mapping[str, str] = {
    # a problem without a code of its own (a library's words, a rare case)
    "import-untold": "{original}",
    # the upload form, checked before any file is read (tanji.services.imports)
    "import-format-choice": "expected one of {choices}, not '{given}'",
    "import-file-suffix": "{file}: a {format} import expects a {suffixes} file",
    "import-no-file": "no file: a {format} import expects a {suffixes} file",
    "import-database-name": "a database name of 1 to 200 characters, without ':'",
    "import-version-label": "a version label of at most 50 characters (empty: the next number)",
    "import-visibility-choice": "expected one of {choices}, not '{given}'",
    "import-database-kind": "database '{name}' holds {kind} data, not {wanted}",
    "import-version-exists": (
        "database '{name}' already has version '{version}'; published versions never "
        "change: choose a new label"
    ),
    # the file
    "lci-olca-not-zip": "not a zip file: expected an openLCA JSON-LD export",
    "lci-zip-unreadable": "cannot open the zip: {detail}",
    "lci-zip-cannot-read": "cannot read the zip: {detail}",
    "lci-file-unreadable": "cannot read the file: {detail}",
    "lci-xml-malformed": "malformed XML at line {line}: {detail}",
    "lci-json-unreadable": "not readable JSON: {detail}",
    "lci-ecospold1": (
        "this is an ecoSpold1 file (namespace EcoSpold01); ecoSpold1 is not supported: convert "
        "it to ecoSpold2 first (e.g. export it from openLCA or the ecoEditor)"
    ),
    "lci-not-ecospold2": (
        "expected an ecoSpold2 activityDataset (namespace {namespace}), found {found}"
    ),
    "lci-not-ilcd": (
        "expected an ILCD zip or a directory holding the process data sets with their flows, "
        "flow properties and unit groups"
    ),
    "lci-bw-no-json": "not a datapackage: no datapackage.json inside",
    "lci-bw-not-zip": "not a datapackage: expected a directory or a .zip file",
    "lci-bw-unreadable": "cannot read the datapackage: {detail}",
    # storing what was read (tanji.services.lci_import, brightway_import)
    "lci-no-activities": "the file holds no activities (unit processes)",
    "lci-system-reference": (
        "product system '{name}': reference process {provider} is not in the file"
    ),
    "lci-flow-not-in-file": "activity '{name}': its elementary flow '{target}' is not in the file",
    "lci-provider-not-in-file": (
        "activity '{name}': its providing activity '{target}' is not in the file"
    ),
    "bw-no-technosphere": "{file}: no technosphere_matrix resources",
    "bw-rows-unproduced": "technosphere rows {rows} have no producing activity",
    # an XML data set (ecoSpold2, ILCD): where, and a value that is not a number
    "xml-line": "line {line}: {problem}",
    "xml-not-number": "{what}: expected a number, got {text}",
    "xml-not-finite": "{what}: expected a finite number, got {text}",
    # the exchanges of a process
    "lci-flow-missing": "flow {flow} is not in the zip (no flows/{flow}.json)",
    "lci-amount-not-finite": "expected a finite numeric amount, got {text}",
    "lci-reference-not-one": (
        "the quantitative reference must be one product output or waste input"
    ),
    "lci-no-reference": (
        "no quantitative reference, and {count} product outputs or waste inputs to take one from"
    ),
    "lci-reference-not-positive": "the reference amount must be positive",
    "lci-flow-property": ("flow property '{property}' is not a property of flow '{flow}' ({key})"),
    "lci-unit-group": "unit '{unit}' is not in the unit group of '{group}'",
    # the providers of its inputs
    "lci-link-missing": (
        "linked to process {provider}, which is not in the zip or does not provide '{flow}' ({key})"
    ),
    "lci-providers-several": (
        "no process link and no default provider, and {count} processes provide '{flow}': "
        "{listed}; import with --providers default-provider"
    ),
    # ecoSpold2 activities (tanji.io.ecospold2)
    "spold-reference-count": (
        "line {line}: expected exactly one reference product (outputGroup 0, amount not 0), "
        "found {count}"
    ),
    "spold-reference-empty": (
        "line {line}: expected exactly one reference product (outputGroup 0, amount not 0), "
        "found {count}; its flowData is empty (no exchanges at all)"
    ),
    "spold-second-output": (
        "a second output (outputGroup {group}, amount {amount}) and ecoSpold2 keeps no "
        "allocation factors: read an allocated release (cut-off, APOS or consequential), or "
        "import with --multi-output reference-only"
    ),
    "spold-provider-unit": (
        "in '{unit}', but its provider {provider} ({source}) produces it in "
        "'{provider_unit}': {detail}"
    ),
    "spold-elementary-unit": "in '{unit}' here but '{other}' elsewhere: {detail}",
    "spold-providers-several": (
        "no activityLinkId and {count} activities produce it: {listed}; give the input an "
        "activityLinkId, or import with --providers default-provider"
    ),
    "spold-no-linked-provider": (
        "expected activity {link} producing {product} (its activityLinkId) "
        "among the files read, found none; read the providers too, or drop unlinked inputs "
        "with --unlinked cut-off (unlinked='cut-off' from Python)"
    ),
    "spold-no-provider": (
        "expected an activity producing intermediateExchangeId {product} "
        "among the files read, found none; read the providers too, or drop unlinked inputs "
        "with --unlinked cut-off (unlinked='cut-off' from Python)"
    ),
    # ILCD process data sets (tanji.io.ilcd)
    "ilcd-no-reference": (
        "line {line}: no referenceToReferenceFlow in its quantitativeReference, and {count} "
        "product outputs or waste inputs to take one from"
    ),
    "ilcd-references": (
        "line {line}: expected one referenceToReferenceFlow in its quantitativeReference, "
        "found {count}"
    ),
    "ilcd-second-function": (
        "a second function (a product output or waste input besides the reference flow): "
        "allocate it first, or import with --multi-output reference-only"
    ),
    "ilcd-providers-several": (
        "{count} processes have this flow as reference: {listed}; import with --providers "
        "default-provider"
    ),
    "ilcd-no-provider": (
        "expected a process with this flow as its reference flow among the data sets read, "
        "found none; read the providers too, or drop unlinked inputs with --unlinked cut-off "
        "(unlinked='cut-off' from Python)"
    ),
    # a file over one of the caps (tanji.io.limits), whatever its format
    "limit-refused": "{problem} [refused: {kind}]",
    "limit-zip-entries": (
        "the archive holds {count} entries; at most {limit} are read (TANJI_LIMIT_ZIP_ENTRIES)"
    ),
    "limit-unzipped-size": (
        "the archive unpacks to more than {size}; it is refused unread (a zip bomb, or split it)"
    ),
    "limit-zip-ratio": "{entry} expands {ratio}-fold (at most {limit}-fold is read; a zip bomb?)",
    "limit-xml-dtd": "{entry}: declares a DTD (entities); an Excel workbook has none",
    "limit-xlsx-cells": (
        "{entry}: the sheet spans {rows} rows × {columns} columns, more than the {limit} "
        "cells read (TANJI_LIMIT_XLSX_CELLS)"
    ),
    "lci-no-provider": (
        "no process in the zip provides '{flow}' ({key}); import with --unlinked cut-off to "
        "drop such inputs"
    ),
}
