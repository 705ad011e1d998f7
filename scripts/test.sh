#!/usr/bin/env bash
# Set up, build and run the whole test suite (window tests need a display: the suite runs
# under xvfb-run, so no real display is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
exec xvfb-run -a -s "-screen 0 1280x1024x24" ctest --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
