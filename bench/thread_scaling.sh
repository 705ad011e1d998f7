#!/usr/bin/env bash
# Thread scaling of each trainer: the same fixed amount of work at --threads 1 and 2, on an
# otherwise idle machine and beside one CPU-bound process (a shell busy loop), timed by the
# wall clock. Prints seconds (whole runs) or milliseconds per training step (the generative
# models, from bench_generative), and the ratio of 2-thread to 1-thread throughput (t1 / t2):
# above 1 means the second thread helped. Run it on an otherwise idle machine; it takes about
# 10 minutes on 2 cores. The default layout (no --threads) is the 1-thread one for DQN and
# PPO; train alphazero's --threads are self-play workers and the generative models' are
# data-parallel batch shards, one per core by default (the t2 column). For AlphaZero the
# self-play part of the iteration is printed as well.
#
# The last column, measured idle, is the machine's own ceiling for that work: two copies of
# the 1-thread run side by side, 2 x t1 over their mean time. No 2-thread layout of the work
# can beat it; it is 2 on two free cores and less where the cores share a host's time,
# caches or memory bandwidth (docs/performance.md: a morning when it was 1.3-1.6).
#   bash bench/thread_scaling.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-1}
bin=$build/torchplay
gen=$build/bench/bench_generative
[[ -x $bin && -x $gen ]] || { echo "thread_scaling: build $build first (torchplay and bench/bench_generative)" >&2; exit 2; }
work=$(mktemp -d)
busy_pid=
cleanup() {
  if [[ -n $busy_pid ]]; then kill "$busy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# name | torchplay arguments (fixed work; --threads is appended)
workloads=(
  "dqn MinAtar/Breakout|train dqn --env MinAtar/Breakout-v1 --steps 30000 --eval-every 0 --checkpoint-every 0"
  "alphazero connect4, 1 iteration|train alphazero --game connect4 --iterations 1 --baseline-games 0 --arena-games 0"
  "ppo CartPole-v1|train ppo --env CartPole-v1 --steps 65536 --eval-every 0"
)
# name | bench_generative filter (training steps on random data of the real shapes)
steps=(
  "vae step, ms (MLP, batch 128)|vae_mlp/128/0/"
  "dcgan step, ms (ngf 32, b. 128)|dcgan/128/32/"
  "dcgan step, ms (ngf 64, b. 128)|dcgan/128/64/"
)

seconds_cli() {  # args threads [name] -> wall seconds of the whole run (its run directory stays for selfplay_seconds)
  local start end name=${3:-run}
  rm -rf "${work:?}/$name"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$bin" $1 --threads "$2" --quiet --run-dir "$work/$name" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
selfplay_seconds() {  # the last run's self-play time: games / selfplay_games_per_s from metrics.csv
  awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) { if ($i == "selfplay_games") g = i; if ($i == "selfplay_games_per_s") r = i } }
           NR > 1 { s += $g / $r } END { printf "%.3f\n", s }' "$work/run/metrics.csv"
}
ms_per_step() {  # filter threads -> wall milliseconds per training step (median of 3)
  TORCHPLAY_BENCH_THREADS=$2 "$gen" --benchmark_filter="$1" --benchmark_min_time=1 --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null |
    awk -F, '/_median/ {printf "%.2f\n", $3}'
}

# Two 1-thread copies side by side: their mean time (a function's name and its arguments).
pair_mean() {
  "$@" a >"$work/pair_time_a" &
  local first=$!
  "$@" b >"$work/pair_time_b"
  wait "$first"
  echo "($(cat "$work/pair_time_a") + $(cat "$work/pair_time_b")) / 2" | bc -l
}
cli_pair() { seconds_cli "$1" 1 "pair_$2"; }  # args copy
steps_pair() { ms_per_step "$1" 1; }         # filter copy

row() {  # load name t1 t2 [ceiling]
  local ceiling=
  if [[ -n ${5:-} ]]; then ceiling=$(printf "%8.2f" "$5"); fi
  printf "%-6s %-32s %9.3f %9.3f %7.2f %s\n" "$1" "$2" "$3" "$4" "$(echo "$3 / $4" | bc -l)" "$ceiling"
}
ceiling() { echo "2 * $1 / $2" | bc -l; }  # t1 pair-mean

printf "%-6s %-32s %9s %9s %7s %8s\n" load workload t1 t2 "t1/t2" ceiling
for _ in $(seq "$rounds"); do
  for load in idle busy; do
    if [[ $load == busy ]]; then
      bash -c 'while :; do :; done' &
      busy_pid=$!
    fi
    for w in "${workloads[@]}"; do
      t1=$(seconds_cli "${w#*|}" 1)
      s1=
      if [[ $w == alphazero* ]]; then s1=$(selfplay_seconds); fi
      t2=$(seconds_cli "${w#*|}" 2)
      c=
      if [[ $load == idle ]]; then c=$(ceiling "$t1" "$(pair_mean cli_pair "${w#*|}")"); fi
      row "$load" "${w%%|*}" "$t1" "$t2" "$c"
      if [[ -n $s1 ]]; then row "$load" "  of which self-play" "$s1" "$(selfplay_seconds)"; fi
    done
    for s in "${steps[@]}"; do
      t1=$(ms_per_step "${s#*|}" 1)
      t2=$(ms_per_step "${s#*|}" 2)
      c=
      if [[ $load == idle ]]; then c=$(ceiling "$t1" "$(pair_mean steps_pair "${s#*|}")"); fi
      row "$load" "${s%%|*}" "$t1" "$t2" "$c"
    done
    if [[ -n $busy_pid ]]; then
      kill "$busy_pid"
      wait "$busy_pid" 2>/dev/null || true
      busy_pid=
    fi
  done
done
