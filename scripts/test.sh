#!/usr/bin/env bash
# Install Tanji with its locked test dependencies, then run every gate: lint, types,
# import contracts and the whole test suite.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$VENV_BIN/ruff" check .
"$VENV_BIN/ruff" format --check .
"$VENV_BIN/mypy"
"$VENV_BIN/lint-imports"
"$VENV_BIN/pytest" "$@"
