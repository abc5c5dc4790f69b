#!/usr/bin/env bash
# Install Tanji and run its main job. Until the web platform exists: the engine demo (a
# small battery supply chain solved exactly), then the worked example of a battery pack
# computed from its product model, with Monte Carlo and a PDF report.
SYNC_ARGS="--no-dev"
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$VENV_BIN/tanji" engine demo "$@"
echo
"$VENV_BIN/tanji" calc examples/battery/lfp-pack.yaml --mc 1000 --seed 1 --report lfp-pack-report.pdf
