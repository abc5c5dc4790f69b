"""The numerical LCA core of Tanji: exact, fast footprints with uncertainty.

NumPy and SciPy only; this package imports nothing else of Tanji (an import-linter
contract in ``pyproject.toml`` enforces it). Typical use::

    from tanji.engine import Engine, Exchanges, build_system

    system = build_system(technosphere, biosphere, methods={"gwp100": (flow_ids, factors)})
    engine = Engine()
    result = engine.lca(system, {battery_id: 1.0}, "gwp100")        # A·s = f, g = B·s, h = c·g
    table = engine.footprints(system, "gwp100")                        # Aᵀ·y = Bᵀ·c, all at once
    mc = MonteCarlo(engine, system, "gwp100").run({battery_id: 1.0}, 1000, seed=42)
"""

from tanji.engine.contribution import (
    Contribution,
    PathNode,
    by_activity,
    by_flow,
    by_tag,
    supply_chain,
)
from tanji.engine.errors import (
    EngineError,
    InvalidProductionError,
    InvalidSystemError,
    InvalidUncertaintyError,
    NonFiniteValueError,
    NonSquareSystemError,
    NumericalWarning,
    SingularSystemError,
    SolverUnavailableError,
    UnknownIdError,
)
from tanji.engine.lca import Engine, FootprintTable, LcaResult, demand_vector
from tanji.engine.montecarlo import (
    AllActivitiesMonteCarlo,
    MonteCarlo,
    MonteCarloResult,
    PairedResult,
    Summary,
    summarize,
)
from tanji.engine.sensitivity import SensitivityEntry, SensitivityResult, sensitivity
from tanji.engine.solvers import Factorization, SolverConfig, factorize
from tanji.engine.system import Exchanges, LcaSystem, build_system
from tanji.engine.uncertainty import (
    PEDIGREE_VARIANCES,
    UNCERTAINTY_DTYPE,
    Distribution,
    Sampler,
    lognormal_from_pedigree,
    uncertainty_records,
)

__all__ = [
    "PEDIGREE_VARIANCES",
    "UNCERTAINTY_DTYPE",
    "AllActivitiesMonteCarlo",
    "Contribution",
    "Distribution",
    "Engine",
    "EngineError",
    "Exchanges",
    "Factorization",
    "FootprintTable",
    "InvalidProductionError",
    "InvalidSystemError",
    "InvalidUncertaintyError",
    "LcaResult",
    "LcaSystem",
    "MonteCarlo",
    "MonteCarloResult",
    "NonFiniteValueError",
    "NonSquareSystemError",
    "NumericalWarning",
    "PairedResult",
    "PathNode",
    "Sampler",
    "SensitivityEntry",
    "SensitivityResult",
    "SingularSystemError",
    "SolverConfig",
    "SolverUnavailableError",
    "Summary",
    "UnknownIdError",
    "build_system",
    "by_activity",
    "by_flow",
    "by_tag",
    "demand_vector",
    "factorize",
    "lognormal_from_pedigree",
    "sensitivity",
    "summarize",
    "supply_chain",
    "uncertainty_records",
]
