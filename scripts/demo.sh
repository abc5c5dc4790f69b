#!/usr/bin/env bash
# Install Tanji and run its main job. Until the web platform exists, that is the engine
# demo: a small battery supply chain solved exactly, with contributions and Monte Carlo.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" --no-dev
"$VENV_BIN/tanji" engine demo "$@"
