"""Product footprints against the store: resolve links, compute, pin, save, recompute.

One function per intention:

- :func:`calculate` — a model file (and the sub-models and PACT files it names) →
  footprint (+ Monte Carlo), resolved against the store's factors, LCI databases and
  suppliers' footprints;
- :func:`save_result` — store the models and the result with its pins, and claim its
  electricity certificates (a certificate counts for one product only);
- :func:`recompute` — recompute a stored result from its pins: the same number to the
  last digit, whatever has been published since;
- :func:`import_pact` and :func:`publish_result` — suppliers' footprints, from a PACT file
  or from a result on the platform (the latest verified one is what a supplier link uses).
"""

from tanji.services.footprints.calculation import (
    Calculation,
    calculate,
    recompute,
    run_model,
    save_result,
)
from tanji.services.footprints.resolver import StoreResolver, resolve_supplier, stored_result
from tanji.services.footprints.suppliers import (
    import_pact,
    publish_result,
    store_supplier,
    supplier_footprints,
)

__all__ = [
    "Calculation",
    "StoreResolver",
    "calculate",
    "import_pact",
    "publish_result",
    "recompute",
    "resolve_supplier",
    "run_model",
    "save_result",
    "store_supplier",
    "stored_result",
    "supplier_footprints",
]
