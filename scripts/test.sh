#!/usr/bin/env bash
# Install Tanji with its locked test dependencies, then run every gate: lint, types,
# import contracts and the whole test suite.
#
# pytest runs in parallel worker processes (pytest-xdist), one per core up to four, or
# TANJI_TEST_WORKERS (0: in this process); a test file stays on one worker, so its
# module fixtures are made once. Each worker makes its own stores.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$VENV_BIN/ruff" check .
"$VENV_BIN/ruff" format --check .
"$VENV_BIN/mypy"
"$VENV_BIN/lint-imports"
CORES="$(nproc 2>/dev/null || echo 1)"
WORKERS="${TANJI_TEST_WORKERS:-$((CORES < 4 ? CORES : 4))}"
if [ "$WORKERS" -gt 1 ]; then
    exec "$VENV_BIN/pytest" -n "$WORKERS" --dist loadfile "$@"
fi
exec "$VENV_BIN/pytest" "$@"
