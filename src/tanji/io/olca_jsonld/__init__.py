"""openLCA JSON-LD zips in and out, through GreenDelta's ``olca-schema`` library.

:func:`read_jsonld` turns an openLCA JSON-LD zip, or its unpacked folder (openLCA 2 /
olca-schema 2.x; older 1.x exports are upgraded on the fly) into an
:class:`~tanji.domain.lci.LciBundle`; :func:`write_jsonld` writes a bundle back as a zip
openLCA 2 imports. Conventions:

* **Keys** are the openLCA ``@id`` s: an activity is keyed by its process id, an
  elementary flow by its flow id, an impact method by its impact *category* id (each
  openLCA impact category becomes one Tanji method; the impact method grouping it is kept
  as the method's ``group_key`` / ``group_name``). Kept too, for the export: each
  activity's reference flow id, its flow property and whether it is a waste
  (``Activity.product_key``, ``product_property``, ``waste``), and the flow property, unit
  group and reference unit ids each flow is measured in (``LciBundle.flow_properties``).
* **Units**: every amount is converted to the reference unit of the unit group of the
  flow's reference flow property (``amount · unit factor / flow property factor``), and
  characterization factors the opposite way (``factor · flow property factor / unit
  factor``).
* **Products and wastes**: an activity provides the product it outputs, or the treatment
  of the waste it takes in (openLCA counts wastes as negative products). A waste-treatment
  process's reference is its waste *input*; it becomes a positive PRODUCTION exchange (the
  service "treat 1 kg"). A waste *output* is a TECHNOSPHERE exchange demanding that
  service from the treatment process. Avoided products (inputs flagged
  ``isAvoidedProduct``) and avoided wastes (outputs so flagged) become TECHNOSPHERE
  exchanges with negated amounts: the credit openLCA computes.
* **Multi-output processes** (more than one product output or waste input) are split
  into one activity per product with the process's default allocation method and its
  allocation factors (physical, economic: one factor per product; causal: one per product
  and exchange). The activity of the reference product keeps the process id; the others
  are keyed ``"<process id>:<product flow id>"``. A factor missing is a problem. Without a
  default method, the import policy ``multi_output`` decides (:mod:`tanji.io.policy`):
  ``error``, ``reference-only`` (co-products dropped) or ``own`` (the process's own
  factors of one method). A process with one product output and no reference flag takes
  that output as its reference.
* **Elementary flows**: a flow's natural direction is *input* when its category names a
  resource ("Elementary flows/Resource/in air"), else *output*. Amounts are positive in
  that direction, so the uptake of CO2 from air is a positive input of a flow whose gas id
  is ``CO2-biogenic-uptake`` and is characterized by the method's factor (e.g. -1), as
  openLCA does; an exchange against the flow's direction keeps its magnitude with a
  negative sign. A flow without a category takes the direction of its first use.
* **Providers** of a product input, in this order: the process links of the zip's
  product systems, the exchange's ``defaultProvider``, the one activity providing the
  flow; several: the policy ``providers`` (``error`` listing them, or ``default-provider``
  with the stated rule); none: the policy ``unlinked`` (``error`` or ``cut-off``).
* **Units**: an exchange in a unit outside its flow property's unit group but of the same
  dimension is converted with pint (the factor noted).
* **Skipped on purpose**: parameters and formulas (openLCA stores the evaluated amounts
  next to them), regionalized characterization factors (those with a location), and
  factors on product or waste flows (Tanji links every product input, so they never
  apply). A triangular distribution takes the amount as its mode; an invalid uncertainty
  record (``geomSd`` 0, a triangle not holding its amount, non-finite values) is dropped
  with a note, the amount kept.

**The export** (:func:`write_jsonld`) writes olca-schema 2 (checked with olca-schema and
bw2io's importer in the tests):
every entity at ``<folder>/<@id>.json`` (impact categories at ``lcia_categories/``, each
in the impact method that grouped it, or in one of its own), flow references with
``flowType`` and ``refUnit``, the ids the source had (processes, product, waste and
elementary flows, flow properties, unit groups, impact categories and methods, product
systems; locations are keyed by their code). Units without stored ids take openLCA's
reference data ids (olca-schema's ``units.csv``) when they are the reference unit of
their group there (kg → Mass / Units of mass), else a group of their own. A waste
treatment's reference is its waste *input*, and a consumer's waste a waste *output*
naming the treatment as default provider; a treatment with a negative reference (the
ecoinvent convention) is written as the treatment of the positive amount and flagged
``otherProperties.tanji.negative_reference``, from which the reader restores the sign.
Keys that are not UUIDs get UUIDv5 ids and ``otherProperties.tanji.key``, from which the
reader restores them, so export then import gives the same keys and footprints.

Problems of processes and exchanges are collected over the whole file and raised together
as :class:`~tanji.io.errors.ImportProblemsError` (each row naming the process and its
entry, ``processes/<id>.json``); what the policies did is in the bundle's ``notes``. An
entry that cannot be read at all raises :class:`~tanji.io.errors.DataFormatError` naming
the file and the entry and saying what was expected.

Design note: entries are read with :mod:`zipfile` and parsed with olca-schema's
``from_dict`` (what ``zipio.ZipReader.read`` does), not through ``ZipReader`` itself:
its ``read`` lists every name of the zip for each entity, which is quadratic over a
25,000-entry database, and 1.x field names must be upgraded before parsing.
"""

from __future__ import annotations

from tanji.io.olca_jsonld._archive import FORMAT
from tanji.io.olca_jsonld._read import read_jsonld
from tanji.io.olca_jsonld._write import write_jsonld

__all__ = ["FORMAT", "read_jsonld", "write_jsonld"]
