#!/usr/bin/env bash
# Installs the Debian packages torchplay needs (only when missing; apt-get update only
# then), configures a Release build in build/ and builds it. Idempotent, non-interactive.
# Environment: BUILD_DIR (default build), CMAKE_ARGS (extra configure flags, e.g.
# -DTorch_DIR=... or -DTORCHPLAY_WITH_SFML=OFF), JOBS (default: number of cores),
# EXTRA_PACKAGES (more Debian packages, e.g. the sanitizer build's clang).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread
  libsfml-dev libboost-program-options-dev zlib1g-dev libpng-dev nlohmann-json3-dev libx11-dev
  libgtest-dev libbenchmark-dev
  xvfb xauth fonts-dejavu-core clang-format
  dataset-fashion-mnist gnugo ffmpeg
  python3-torch libcairo2-dev libgloo-dev
)
# shellcheck disable=SC2206
PACKAGES+=(${EXTRA_PACKAGES:-})

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  # shellcheck disable=SC2086
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
