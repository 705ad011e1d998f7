#!/usr/bin/env bash
# Trains the models shipped in models/ with torchplay's own presets and writes each as a
# play-only checkpoint (torchplay export --out models/NAME.tpck), then measures it with the
# command models/README.md gives. One model after another, each on one core (--threads 1).
# Usage: scripts/train_models.sh [NAME...]   (default: all; `--list` names them)
# A run already in runs/models/NAME is resumed (an interrupted script continues where it
# stopped); a finished one is exported again. Environment: TORCHPLAY (default build/torchplay).
set -euo pipefail
cd "$(dirname "$0")/.."
TP=${TORCHPLAY:-build/torchplay}
RUNS=runs/models

# name | training command (after `torchplay train`) | measuring command (after `torchplay`, MODEL = the
# file) | export options (optional)
MODELS=(
  "tictactoe|alphazero --game tictactoe|eval --game tictactoe --agent MODEL --exhaustive"
  "connect4|alphazero --game connect4 --seed 22 --baseline-games 0|eval --agent MODEL --opponent mcts:1000 --games 100|--simulations 1600"
  "go5x5|alphazero --game go --game-options size=5,komi=0.5,history=2 --iterations 120 --games-per-iteration 48 --simulations 32 --blocks 2 --filters 32 --arena-games 10 --baseline-games 10 --baselines random,mcts:100|eval --agent MODEL --opponent mcts:1000 --games 50"
  "cartpole-dqn|dqn --env CartPole-v1 --seed 1|eval --agent MODEL --episodes 100"
  "cartpole-ppo|ppo --env CartPole-v1 --seed 1|eval --agent MODEL --episodes 100"
  "freeway-ppo|ppo --env MinAtar/Freeway-v1 --seed 1|eval --agent MODEL --episodes 100"
  "ring8-gan|gan --data ring8 --seed 1|eval --model MODEL"
  "fashion-vae|vae --data fashion-mnist --epochs 10|eval --model MODEL"
  "fashion-classifier|classifier --epochs 3|eval --model MODEL"
  "fashion-cgan|cgan --data fashion-mnist --epochs 10 --ngf 32 --ndf 32|eval --model MODEL --classifier models/fashion-classifier.tpck"
)

if [ "${1:-}" = "--list" ]; then
  for m in "${MODELS[@]}"; do echo "${m%%|*}"; done
  exit 0
fi
[ -x "$TP" ] || bash scripts/setup.sh
mkdir -p "$RUNS" models

for m in "${MODELS[@]}"; do
  IFS='|' read -r name train measure export_options <<<"$m"
  if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
  run="$RUNS/$name"
  echo "== $name: torchplay train $train" >&2
  # shellcheck disable=SC2086
  if [ -d "$run/checkpoints" ] && ls "$run/checkpoints"/*.tpck >/dev/null 2>&1; then
    if ! out=$("$TP" train ${train%% *} --resume "$run" --threads 1 2>&1); then
      grep -q "already finished" <<<"$out" || { echo "$out" >&2; exit 1; }
    fi
  else
    "$TP" train $train --threads 1 --run-dir "$run"
  fi
  # shellcheck disable=SC2086
  "$TP" export --model "$run" --out "models/$name.tpck" ${export_options:-}
  echo "== $name: torchplay ${measure//MODEL/models/$name.tpck}" >&2
  # shellcheck disable=SC2086
  "$TP" ${measure//MODEL/models/$name.tpck} --threads 1
done
du -sh models
