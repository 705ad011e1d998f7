#!/usr/bin/env bash
# Distributed AlphaZero's scaling on this machine, and the model built from its measured parts
# (docs/distributed.md, "Scaling model"). Runs a learner in its own process with 1 actor, then
# with 2, each for ITERATIONS iterations of GAME's preset (plus any learner OPTIONS), all on
# 127.0.0.1; then prints the games/s each gave (iterations 2.. : the first includes start-up),
# the parts measured on the 1-actor run, the model's prediction for 2 actors beside the
# measurement, and its predictions for 8, 64 and 512 actors with one core each.
# Usage: scripts/az_actor_scaling.sh GAME ITERATIONS [LEARNER OPTIONS...]   (after scripts/setup.sh;
# TORCHPLAY=BINARY runs another build's torchplay)
set -euo pipefail
cd "$(dirname "$0")/.."
game=$1 iterations=$2
shift 2
bin=${TORCHPLAY:-build/torchplay}
out=$(mktemp -d /tmp/az-scaling-XXXXXX)
col() {  # CSV COLUMN: the column's values from row 3 on (iteration 2 onwards), one per line
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                        NR > 2 { print $c }' "$1"
}
sum() { awk '{ s += $1 } END { printf "%.6g\n", s }'; }
field() { sed -n "s/.*\"$2\":\([0-9.e+-]*\).*/\1/p" "$1"; }  # JSON FILE KEY: a number (any key order)
# `times` FILE: the CPU seconds (user + system) of the subshell's children, its second line.
cpu() { awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } } END { print s + 0 }' "$1"; }
for n in 1 2; do
  port=$((20000 + RANDOM % 20000))
  run=$out/actors$n
  # Each process in a subshell whose `times` records the CPU seconds it used (user + system).
  ("$bin" train alphazero --game "$game" --iterations "$iterations" --threads 1 --quiet --actors-port "$port" \
     --run-dir "$run" "$@"
   times > "$out/learner$n.times") &
  learner=$!
  pids=()
  for a in $(seq "$n"); do
    ("$bin" actor --learner "tcp://127.0.0.1:$port" --threads 1 --quiet --json --seed "$a" > "$out/actor$n-$a.json"
     times > "$out/actor$n-$a.times") &
    pids+=($!)
  done
  wait $learner
  for p in "${pids[@]}"; do wait "$p"; done
  games=$(col "$run/metrics.csv" selfplay_games | sum)
  seconds=$(col "$run/metrics.csv" seconds | sum)
  # What the actors produced: their games over their wall time (--json summaries), and over
  # their playing time. Unlike the learner's rate these do not depend on where iteration
  # boundaries fall between batches (an iteration of one batch takes one actor's games).
  produced=$(for f in "$out/actor$n"-*.json; do echo "$(field "$f" games) $(field "$f" wall_seconds) $(field "$f" games_per_s)"; done |
             awk '{ g += $1; p += $3; if ($2 > w) w = $2 } END { printf "%.17g %.17g", g / w, p }')
  measured[n]=${produced% *}  # the 2-actor rate is what the model below is checked against
  echo "$n actor(s): produced $(printf "%.3f" "${produced% *}") games/s ($(printf "%.3f" "${produced#* }") while playing); the learner took $(awk -v g="$games" -v s="$seconds" 'BEGIN { printf "%.3f", g / s }') games/s over iterations 2-$iterations"
done
m=$out/actors1/metrics.csv
games=$(col "$m" selfplay_games | sum)
seconds=$(col "$m" seconds | sum)
busy=$(paste -d' ' <(col "$m" seconds) <(col "$m" wait_seconds) <(col "$m" ingest_seconds) | awk '{ s += $1 - $2 - $3 } END { print s }')
ingest=$(col "$m" ingest_seconds | sum)
actor_rate=$(field "$out/actor1-1.json" games_per_s)
iters=$(col "$m" seconds | wc -l)
fetch="$(field "$out/actor1-1.json" bytes_fetched) $(field "$out/actor1-1.json" networks) $(field "$out/actor1-1.json" fetch_seconds)"
bytes_in=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bytes_in") c = i; next } { v = $c } END { print v }' "$m")
cores=$(nproc)
total_games=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "selfplay_games") c = i; next } { s += $c } END { print s }' "$m")  # all iterations
# CPU seconds per game, from the 1-actor run: the actor's over the games it produced, the
# learner's (training, ingest, the store, start-up) over the games it took.
actor_cpu=$(awk -v c="$(cpu "$out/actor1-1.times")" -v g="$(field "$out/actor1-1.json" games)" 'BEGIN { print c / g }')
learner_cpu=$(awk -v c="$(cpu "$out/learner1.times")" -v g="$total_games" 'BEGIN { print c / g }')
awk -v r="$actor_rate" -v G="$(awk -v g="$games" -v i="$iters" 'BEGIN { print g / i }')" \
    -v B="$(awk -v b="$busy" -v i="$iters" 'BEGIN { print b / i }')" -v ci="$(awk -v t="$ingest" -v g="$games" 'BEGIN { print t / g }')" \
    -v C="$cores" -v m2="${measured[2]}" -v a="$actor_cpu" -v l="$learner_cpu" -v fetch="$fetch" -v bytes_in="$bytes_in" -v total_games="$total_games" '
function min(a, b) { return a < b ? a : b }
BEGIN {
  split(fetch, f, " ");
  S = f[2] > 0 ? f[1] / f[2] : 0;             # bytes of one network image
  W = f[3] > 0 ? f[1] / f[3] : 0;             # store bytes/s one actor fetched at
  per_game = bytes_in / (total_games + 1e-9);  # bytes one game sends to the learner
  learner = G / (B + G * ci);                  # games/s the learner keeps up with
  printf "parts (1-actor run): actor %.3f games/s while playing; learner busy %.2f s per iteration of %.1f games;\n", r, B, G;
  printf "  ingest %.3g s/game; %.0f bytes/game in; network image %.0f bytes, fetched at %.3g MB/s; %d cores\n", ci, per_game, S, W / 1e6, C;
  printf "  CPU per game: actor %.4f s, learner %.4f s\n", a, l;
  share = C / (a + l);                         # this machine: actors and learner share C cores, CPU second for CPU second
  p2 = min(min(2 * r, share), learner);
  printf "2 actors on this machine: predicted %.3f games/s (%s), the actors produced %.3f (%+.1f%%)\n", p2,
         p2 == learner ? "the learner saturates: compare the rate it took" : "actor-bound", m2, 100 * (m2 - p2) / p2;
  for (k = 1; k <= 3; k++) {
    N = k == 1 ? 8 : k == 2 ? 64 : 512;
    net = W > 0 ? G * W / (N * S + G * per_game) : 1e30;  # one store thread serves images and games
    p = min(min(N * r, learner), net);
    what = p == N * r ? "actors (no saturation)" : p == learner ? "the learner (busy time per game)" : "the store (bytes per iteration)";
    printf "%d actors, one core each: predicted %.2f games/s; the limit: %s\n", N, p, what;
  }
}'
echo "runs kept in $out"
