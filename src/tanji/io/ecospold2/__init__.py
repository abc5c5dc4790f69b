"""ecoSpold2 (ecoinvent 3) XML in, parsed with lxml.

:func:`read_ecospold2` turns one ``.spold``/``.xml`` file, or a directory of them (the
``datasets/`` folder of an ecoinvent-style export), into an
:class:`~tanji.domain.lci.LciBundle`. Conventions:

* **Keys.** An activity is keyed ``"<activity id>_<reference product id>"``
  (``activity/@id`` and the reference product's ``intermediateExchangeId``): ecoinvent's
  activity–product pairs. An elementary flow is keyed by its ``elementaryExchangeId``.
* **Reference product**: the intermediate exchange with ``outputGroup`` 0 and a non-zero
  amount. Other outputs (by-products, ``outputGroup`` 2; material for treatment, 3; stock
  additions, 5) with amount 0 are dropped: allocated datasets (ecoinvent's cut-off, APOS,
  consequential releases) carry them so. A non-zero one makes the dataset multi-output:
  under the import policy ``multi_output="reference-only"`` it is dropped and reported
  (the reference product carries every input and emission); otherwise the import stops
  (ecoSpold2 keeps no allocation factors, so ``own`` cannot apply).
* **Treatment activities keep their published sign** (the ecoinvent and Brightway
  convention): a waste treatment's reference amount is negative (−1 kg of waste treated)
  and its consumers' waste is a negative input (−0.2 kg), both stored as given. In the
  matrix the treatment's column has −1 on its diagonal and the consumer's column +0.2 in
  that row, so the treatment runs at +0.2 for the consumer, exactly as Brightway computes
  it (the same numbers as an ecoinvent import through bw2io).
* **Technosphere inputs** (``inputGroup`` 1, 2, 3 or 5) are linked to their provider: with
  an ``activityLinkId``, the activity ``"<activityLinkId>_<intermediateExchangeId>"``;
  without one, the only activity of the read set producing that ``intermediateExchangeId``
  (two or more: ``providers="default-provider"`` chooses by
  :data:`~tanji.io.policy.PROVIDER_RULE` and reports it, otherwise an error listing them).
  An input whose ``unitName`` differs from the provider's reference unit is converted with
  pint when both have the same dimension (the factor is reported), otherwise refused.
* **Unlinked inputs.** A dataset read on its own names providers that are not in the
  file. ``unlinked="error"`` (the default) stops and names them; ``unlinked="cut-off"``
  drops them and records each dropped input (name, id, amount, unit) in the consuming
  activity's ``comment`` and the import's notes, so the cut-off stays visible.
* **Elementary exchanges** become BIOSPHERE exchanges with amounts as given: emissions
  (``outputGroup`` 4) and resources taken from nature (``inputGroup`` 4) are both positive,
  as ecoinvent and Brightway store them; a method's factor for a resource applies to the
  amount taken. The flow's compartment is ``"compartment/subcompartment"``; its gas id
  comes from :func:`tanji.domain.gases.gas_for`, and a resource is never an emission
  (only the uptake of CO2 maps, to ``CO2-biogenic-uptake``).
* **Uncertainty** (of the exchange amount, in its unit):

  - ``lognormal``: ``mu`` is the mean and ``variance`` the variance σ² of ln(x), the
    underlying normal distribution (ecoinvent data quality guideline v3, Weidema et al.
    2013, section 10; the sample's ``mu`` 3.5 ≈ ln 33 of its amount 33 shows the log
    scale). ``varianceWithPedigreeUncertainty`` adds the pedigree variances, so
    gsd = exp(√varianceWithPedigreeUncertainty), as Brightway's ecoSpold2 extractor takes
    σ = √varianceWithPedigreeUncertainty (bw2io ``extractors/ecospold2.py``).
  - ``normal``: sd = √varianceWithPedigreeUncertainty (the variance in the amount's unit).
  - ``triangular`` (mode = the amount) and ``uniform``: ``minValue``, ``maxValue``.
  - ``undefined``, ``beta``, ``gamma``, ``binomial``: no distribution.

  A distribution that cannot hold its amount (a triangular whose amount lies outside
  ``[minValue, maxValue]``, a non-positive variance) is dropped, the amount kept, and the
  reason appended to the exchange's comment — as bw2io's ``abort_exchange`` does; the
  engine's sampler would otherwise refuse the whole system. The ``pedigreeMatrix`` scores
  are already inside ``varianceWithPedigreeUncertainty`` and are not kept separately
  (:class:`~tanji.domain.lci.Exchange` has no pedigree field).
* **Skipped on purpose**: parameters, mathematical relations and properties (the amounts
  are stored evaluated), transfer coefficients, production volumes.
* **ecoSpold1** files (namespace ``EcoSpold01``) are refused with a message saying so.

The import policies (:mod:`tanji.io.policy`) decide unlinked inputs, multi-output datasets
and several providers; every problem they do not allow is collected over all files and
raised together as :class:`~tanji.io.errors.ImportProblemsError`. A file that cannot be
read at all raises :class:`~tanji.io.errors.DataFormatError` naming the file, the line and
the dataset or exchange id, and saying what was expected.
"""

from __future__ import annotations

from tanji.io.ecospold2._read import read_ecospold2
from tanji.io.ecospold2._values import FORMAT, Unlinked

__all__ = ["FORMAT", "Unlinked", "read_ecospold2"]
