#!/usr/bin/env bash
# Install Tanji and run its main job. Until the web platform exists, that is the engine
# demo: a small battery supply chain solved exactly, with contributions and Monte Carlo.
SYNC_ARGS="--no-dev"
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$VENV_BIN/tanji" engine demo "$@"
