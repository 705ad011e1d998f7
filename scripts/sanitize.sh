#!/usr/bin/env bash
# CI's sanitizer and fuzz stage (docs/security.md): a clang build in build-sanitize/ with
# AddressSanitizer and UndefinedBehaviorSanitizer (any report is fatal) and the libFuzzer
# targets, then the fast tests (each fuzz target's seed corpus among them) in that build, then
# each fuzz target for FUZZ_SECONDS (default 30). Installs clang and its runtime when missing.
# Environment: BUILD_DIR (default build-sanitize), FUZZ_SECONDS, JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-sanitize}
export BUILD_DIR
# The same packages as the main build, plus clang with its sanitizer and libFuzzer runtimes and
# llvm-symbolizer (readable stack traces in reports).
EXTRA_PACKAGES="clang libclang-rt-14-dev llvm" \
  CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DTORCHPLAY_SANITIZE=address,undefined -DTORCHPLAY_FUZZ=ON \
    -DTORCHPLAY_BUILD_BENCH=OFF -DTORCHPLAY_WITH_SFML=OFF ${CMAKE_ARGS:-}" \
  bash scripts/setup.sh
# LibTorch is not instrumented; its one-time allocations at exit are not ours to report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$BUILD_DIR" && ctest --output-on-failure -L fast -j "${JOBS:-$(nproc)}")
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
