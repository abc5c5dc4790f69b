#!/usr/bin/env bash
# The web platform's browser libraries (htmx, ECharts), served from the app itself so it
# runs offline: `npm ci` installs the exact versions of src/tanji/web/assets/package-lock.json,
# then the files the pages load are copied into src/tanji/web/static/vendor/ (not committed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ASSETS=src/tanji/web/assets
VENDOR=src/tanji/web/static/vendor
FILES=(
    "htmx.org/dist/htmx.min.js"
    "echarts/dist/echarts.min.js"
)

if ! command -v npm >/dev/null 2>&1; then
    echo "error: the web assets (htmx, ECharts) need Node.js and npm to install;" \
         "install them (e.g. apt-get install npm) and run scripts/assets.sh" >&2
    exit 1
fi

up_to_date() {
    local file
    for file in "${FILES[@]}"; do
        [ "$VENDOR/$(basename "$file")" -nt "$ASSETS/package-lock.json" ] || return 1
    done
}

if up_to_date; then
    exit 0
fi
npm ci --prefix "$ASSETS" --no-audit --no-fund --loglevel=error
mkdir -p "$VENDOR"
for file in "${FILES[@]}"; do
    cp "$ASSETS/node_modules/$file" "$VENDOR/"
done
echo "web assets installed in $VENDOR"
