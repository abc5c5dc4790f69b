"""ILCD (format 1.1) XML in, parsed with lxml: an ILCD zip or a directory of datasets.

:func:`read_ilcd` reads every ``.xml`` file of a zip or a directory tree and sorts the
datasets by their root element (``processDataSet``, ``flowDataSet``,
``flowPropertyDataSet``, ``unitGroupDataSet``; sources, contacts and other files are not
needed and are passed over), so both the ILCD archive layout (``ILCD/processes/``,
``flows/``, ``flowproperties/``, ``unitgroups/`` …) and a flat folder of files side by side
are read. References are resolved by UUID: ``refObjectId`` against each dataset's own
``common:UUID``. Conventions:

* **Activities**: one per process dataset, keyed by its UUID; name = ``baseName``
  (English where several languages are given), location =
  ``locationOfOperationSupplyOrProduction/@location``, category = the classification path.
* **Reference flow**: the exchange named by ``quantitativeReference/
  referenceToReferenceFlow`` (its ``dataSetInternalID``) becomes the PRODUCTION exchange,
  whatever its direction: a waste-treatment process's reference is its waste *input*, the
  service "treat 1 kg". Processes with several reference flows are refused; a process
  without one but with exactly one product output takes that output (reported).
* **Amounts**: ``resultingAmount`` (``meanAmount`` when absent: the two are equal unless a
  variable scales the mean) times the ``meanValue`` of the flow's reference flow property,
  in the reference unit of that property's unit group. ILCD exchanges carry no unit of
  their own: they are expressed in the flow's reference flow property, and "the amount of
  the reference product has to be calculated by multiplying the amount from the exchange
  in the Process dataset with the amount specified for the reference flow property in the
  Flow dataset" (*ILCD Data Format in a nutshell*, brightway2-io ``doc/``, written with
  the ILCD/soda4LCA maintainers; the ILCD SDK's ``ILCD_FlowDataSet.xsd`` describes
  ``referenceToReferenceFlowProperty`` the same way). That factor is almost always 1.
* **Elementary flows** (flow ``typeOfDataSet`` "Elementary flow") become BIOSPHERE
  exchanges with the amount as given: emissions (Output) and resources (Input from nature)
  are both positive, as in ILCD itself; a method's factor for a resource applies to the
  amount taken. Gas ids come from :func:`tanji.domain.gases.gas_for` on the flow's name,
  CAS number and category path; a resource is never an emission (only the uptake of CO2
  maps, to ``CO2-biogenic-uptake``).
* **Product and waste flows**: a product input or a waste output is a TECHNOSPHERE demand
  on the one process in the set whose reference flow is that flow (several: under the
  import policy ``providers="default-provider"`` one is chosen by
  :data:`~tanji.io.policy.PROVIDER_RULE` and reported, otherwise an error listing them).
  A product output or waste input other than the reference is a second function:
  dropped when its amount is 0 or under ``multi_output="reference-only"`` (reported),
  otherwise refused (``own`` does not apply: ILCD allocation factors are not read).
  ``unlinked="error"`` (default) stops at a demand without provider;
  ``unlinked="cut-off"`` drops it and records it in the activity's ``comment`` and the
  import's notes.
* **Uncertainty** (``uncertaintyDistributionType``): for "log-normal",
  ``relativeStandardDeviation95In`` is "the square of the geometric standard deviation
  (SDg^2)": gsd = √value; for "normal" it is "the doubled standard deviation value
  (2*SD)": sd = value / 2 (both quoted from the field's definition in the ILCD SDK's
  ``ILCD_ProcessDataSet.xsd``). "triangular" and "uniform" take ``minimumAmount`` and
  ``maximumAmount``, with the amount as the mode (Tanji's convention; ILCD calls its
  amount a mean). Design note: openLCA's ILCD import reads the field as the gsd itself,
  not its square; Tanji follows the format's definition, so a file written by openLCA
  reads with a narrower spread than openLCA shows. A distribution that cannot hold its
  amount is dropped, the amount kept, and the reason appended to the exchange's comment.
* **EPDs** (``typeOfDataSet`` "EPD", the ILCD+EPD extension) are refused: their amounts
  are per life-cycle module (``epd:amount``) and their results are LCIA indicators, not
  the unit-process inventory a bundle holds.
* **Skipped on purpose**: LCIA results, parameters and their formulas (``resultingAmount``
  holds the evaluated value), allocation factors, LCIA method and life-cycle-model
  datasets.

Problems the import policies (:mod:`tanji.io.policy`) do not allow are collected over the
whole set and raised together as :class:`~tanji.io.errors.ImportProblemsError`; a file
that cannot be read raises :class:`~tanji.io.errors.DataFormatError` naming the file (and
the entry of a zip), the line and the dataset or exchange, and saying what was expected.
"""

from __future__ import annotations

from tanji.io.ilcd._data import FORMAT, Unlinked
from tanji.io.ilcd._read import read_ilcd

__all__ = ["FORMAT", "Unlinked", "read_ilcd"]
