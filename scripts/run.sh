#!/usr/bin/env bash
# The main job on built-in defaults: set up and build, list the environments, then train
# DQN on CartPole-v1 with its default (classic-control) settings -- 80,000 env steps, a
# greedy evaluation over 100 episodes at the end -- and evaluate the saved agent again
# through `torchplay eval`, which reproduces the training's final figure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR"/torchplay envs
RUN_DIR=${RUN_DIR:-runs/dqn-CartPole-v1-main}
rm -rf "$RUN_DIR"
"$BUILD_DIR"/torchplay train dqn --env CartPole-v1 --seed 1 --run-dir "$RUN_DIR" --json
CKPT=$(ls "$RUN_DIR"/checkpoints/*.tpck | tail -n 1)
"$BUILD_DIR"/torchplay eval --env CartPole-v1 --agent "$CKPT" --episodes 100 --seed 1
