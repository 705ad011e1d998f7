#!/usr/bin/env bash
# Runs every libFuzzer target of a TORCHPLAY_FUZZ build (scripts/sanitize.sh makes one) for
# SECONDS each (default 60), starting from its committed seed corpus (tests/fuzz/corpus/NAME,
# never modified: new inputs go to BUILD_DIR/fuzz/NAME). A crash, sanitizer report, hang
# (over 10 s on one input) or escaped exception fails the run and leaves the reproducer in
# BUILD_DIR/fuzz/artifacts; replay it with `BUILD_DIR/tests/fuzz/fuzz_NAME FILE`.
# Memory: resident memory and any single allocation are capped at 4 GiB.
# Usage: scripts/fuzz.sh [SECONDS] [NAME...]   Environment: BUILD_DIR (default build-sanitize),
# JOBS (targets run at once; default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-sanitize}
seconds=${1:-60}
shift || true
names=("$@")
if ((${#names[@]} == 0)); then
  for corpus in tests/fuzz/corpus/*/; do names+=("$(basename "$corpus")"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work="$BUILD_DIR/fuzz"
mkdir -p "$work/artifacts"
for name in "${names[@]}"; do
  if [ ! -x "$BUILD_DIR/tests/fuzz/fuzz_$name" ]; then
    echo "fuzz: no target $BUILD_DIR/tests/fuzz/fuzz_$name (configure with -DTORCHPLAY_FUZZ=ON, e.g. scripts/sanitize.sh)" >&2
    exit 1
  fi
done

# One target: its log and, on a finding, NAME.failed (a background job's exit status is not
# kept once another job is waited for).
fuzz_one() {
  local name=$1
  mkdir -p "$work/$name"
  rm -f "$work/$name.failed"
  if ! "$BUILD_DIR/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "$work/$name" "tests/fuzz/corpus/$name" \
      > "$work/$name.log" 2>&1; then
    touch "$work/$name.failed"
  fi
}

# The targets run JOBS at a time (default: one per core); each is single-threaded.
at_once=${JOBS:-$(nproc)}
for name in "${names[@]}"; do
  while (($(jobs -rp | wc -l) >= at_once)); do wait -n || true; done
  echo "fuzz: $name for ${seconds}s"
  fuzz_one "$name" &
done
wait
failed=()
for name in "${names[@]}"; do
  echo -n "fuzz: $name: "
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)" "$work/$name.log" | tr '\n' ' ' || true
  echo
  if [ -e "$work/$name.failed" ]; then
    failed+=("$name")
    tail -n 40 "$work/$name.log" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (reproducers in $work/artifacts)" >&2
  exit 1
fi
echo "fuzz: ${#names[@]} targets, ${seconds}s each, ${at_once} at a time, no findings"
