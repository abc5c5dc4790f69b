#!/usr/bin/env bash
# Install Tanji and start the platform with demo data on the embedded SQLite store:
# the store is set up on first use (schema, reference data, shipped rules), the demo
# accounts, the demo battery maker's products and the examples' footprints are loaded
# once, and the address and the demo logins are printed. Options go to `tanji serve`
# (e.g. --port 8080, --host 0.0.0.0). TANJI_DATA_DIR chooses where the store lives.
SYNC_ARGS="--no-dev"
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec "$VENV_BIN/tanji" serve --demo "$@"
