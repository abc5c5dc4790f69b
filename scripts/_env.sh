# Shared by scripts/*.sh: find Python 3.12 and uv, then sync the locked environment.
# Sourced, not executed; the caller may set SYNC_ARGS (extra `uv sync` options). Works offline from the PyPI mirror the machine is configured for;
# never downloads an interpreter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON_DOWNLOADS=never
# Compile bytecode at install time: commands start fast even where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE="${UV_COMPILE_BYTECODE:-1}"
# Trust the system certificate store (intranet proxies install their CA there).
export UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"

find_python312() {
    local candidate
    for candidate in "${TANJI_PYTHON:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 \
                     /usr/local/bin/python3.12 /usr/bin/python3.12; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
            command -v "$candidate" || echo "$candidate"
            return 0
        fi
    done
    echo "error: Tanji needs Python 3.12; set TANJI_PYTHON to its path" >&2
    return 1
}

PYTHON312="$(find_python312)"
if ! command -v uv >/dev/null 2>&1 || ! uv --version >/dev/null 2>&1; then
    "$PYTHON312" -m pip install --quiet --user uv
    export PATH="$HOME/.local/bin:$PATH"
    UV=("$PYTHON312" -m uv)
else
    UV=(uv)
fi
# SYNC_ARGS (set by the calling script, e.g. --no-dev) — not "$@", which holds the
# caller's own arguments when this file is sourced without any.
"${UV[@]}" sync --locked --quiet --python "$PYTHON312" ${SYNC_ARGS:-}
VENV_BIN="$PWD/.venv/bin"
# The web pages' browser libraries; without npm everything else still installs and runs.
"$PWD/scripts/assets.sh" || echo "warning: continuing without the web assets" \
    "(pages work, but live search and charts need scripts/assets.sh)" >&2
