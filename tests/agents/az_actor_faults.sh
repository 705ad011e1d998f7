#!/usr/bin/env bash
# One distributed AlphaZero run through its faults (tests/agents/az_distributed_test.cpp):
# kill -9 of an actor mid-run, a new actor joining, kill -9 of the learner, and the learner
# restarted with --resume, which the surviving actors reconnect to. Prints "faults: ok".
# Usage: az_actor_faults.sh TORCHPLAY_BIN DIR PORT
set -u
bin=$1 dir=$2 port=$3
run=$dir/run
# About a third to half a second an iteration. The faults land in the first half or so (a new
# actor under load takes seconds to start, while the learner goes on with the other): the
# iterations leave room for that, so that the learner is still running when it is killed.
tiny="--game tictactoe --games-per-iteration 24 --parallel-games 6 --simulations 16 --blocks 1 --filters 8
      --value-hidden 8 --steps-per-iteration 100 --batch-size 16 --arena-games 4 --arena-simulations 4
      --baseline-games 0 --threads 1 --quiet --seed 3"
iterations=24

fail() {
  echo "faults: FAILED: $*"
  for f in "$dir"/*.log; do echo "== $f"; cat "$f"; done
  kill -9 $(jobs -p) 2>/dev/null
  exit 1
}
checkpoint() { printf "%s/checkpoints/ckpt-%012d.tpck" "$run" "$1"; }
newest() {  # the newest checkpoint's iteration (0: none yet)
  local n=0
  for i in $(seq $iterations); do [ -e "$(checkpoint "$i")" ] && n=$i; done
  echo $n
}
wait_past() {  # N: waits up to 120 s for a checkpoint after iteration N
  for _ in $(seq 1200); do [ "$(newest)" -gt "$1" ] && return 0; sleep 0.1; done
  fail "no checkpoint after iteration $1 within 120 s"
}
wait_joined() {  # ACTOR
  for _ in $(seq 600); do grep -q "joined the learner" "$dir/actor$1.log" && return 0; sleep 0.1; done
  fail "actor $1 did not join"
}
start_actor() {
  "$bin" actor --learner tcp://127.0.0.1:"$port" --threads 1 --games-per-batch 3 --learner-timeout 120 --json \
    --seed "$1" > "$dir/actor$1.log" 2>&1 &
}

# shellcheck disable=SC2086
"$bin" train alphazero $tiny --iterations $iterations --actors-port "$port" --run-dir "$run" > "$dir/learner1.log" 2>&1 &
learner=$!
start_actor 1; a1=$!
start_actor 2; a2=$!
wait_past 0
kill -9 $a1                          # an actor dies mid-run: the learner goes on with the other
wait_past "$(newest)"
start_actor 3; a3=$!                 # a new actor joins at any time
wait_joined 3
wait_past "$(newest)"
[ "$(newest)" -lt $iterations ] || fail "the run ended before the learner could be killed"
kill -9 $learner; wait $learner 2>/dev/null   # the learner dies mid-run
sleep 1
# shellcheck disable=SC2086
timeout 300 "$bin" train alphazero --resume "$run" --quiet > "$dir/learner2.log" 2>&1 ||
  fail "the resumed learner failed or did not finish within 300 s (exit $?)"
wait $a2 || fail "actor 2 exited with $?"
wait $a3 || fail "actor 3 exited with $?"
for a in 2 3; do
  grep -q "lost the learner" "$dir/actor$a.log" || fail "actor $a did not notice the learner die"
  grep -q "the learner ended the run" "$dir/actor$a.log" || fail "actor $a was not released"
  [ "$(grep -c "joined the learner" "$dir/actor$a.log")" -ge 2 ] || fail "actor $a did not rejoin"
done
[ "$(newest)" -eq $iterations ] || fail "the resumed run did not reach iteration $iterations"
echo "faults: ok"
