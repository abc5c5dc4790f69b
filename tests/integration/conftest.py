"""Fixtures for the integration tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def synthetic() -> ModuleType:
    """``benchmarks/synthetic.py``, the synthetic-database generator, as a module.

    ``benchmarks/`` is deliberately not a package, so the file is loaded by path.
    """
    name = "tanji_benchmarks_synthetic"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "benchmarks" / "synthetic.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before executing: dataclasses look up their defining module in sys.modules.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
