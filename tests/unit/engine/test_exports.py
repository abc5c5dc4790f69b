"""The engine's public surface: exactly these names, and no heavy imports behind them."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import tanji.engine

EXPECTED_EXPORTS = [
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
    "PEDIGREE_VARIANCES",
    "PairedResult",
    "PathNode",
    "Sampler",
    "SensitivityEntry",
    "SensitivityResult",
    "SingularSystemError",
    "SolverConfig",
    "SolverUnavailableError",
    "Summary",
    "UNCERTAINTY_DTYPE",
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

# Libraries the engine must never pull in: the file formats, data frames, the command line,
# the database and the web live in other layers (see pyproject.toml's import contracts).
FORBIDDEN_AT_IMPORT = ["bw_processing", "pandas", "typer", "sqlalchemy", "fastapi"]


def test_all_is_exactly_the_documented_surface() -> None:
    assert sorted(tanji.engine.__all__) == EXPECTED_EXPORTS
    assert len(set(tanji.engine.__all__)) == len(tanji.engine.__all__)


def test_every_exported_name_is_importable() -> None:
    namespace: dict[str, object] = {}
    exec("from tanji.engine import *", namespace)
    missing = [name for name in EXPECTED_EXPORTS if name not in namespace]
    assert missing == []


def test_nothing_public_is_exported_by_accident() -> None:
    public = {
        name
        for name, value in vars(tanji.engine).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(EXPECTED_EXPORTS)


def test_importing_the_engine_does_not_import_other_layers_libraries() -> None:
    # numpy is the positive control: it proves the probe sees what the import pulled in.
    probe = ["numpy", *FORBIDDEN_AT_IMPORT]
    code = (
        "import json, sys, tanji.engine; "
        f"print(json.dumps({{m: m in sys.modules for m in {probe!r}}}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(completed.stdout)
    assert loaded == {"numpy": True} | dict.fromkeys(FORBIDDEN_AT_IMPORT, False)
