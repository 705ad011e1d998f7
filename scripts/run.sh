#!/usr/bin/env bash
# The main job on built-in defaults: set up and build, list the environments, then
# evaluate a random agent on CartPole-v1 over 100 episodes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR"/torchplay envs
"$BUILD_DIR"/torchplay eval --env CartPole-v1 --agent random --episodes 100
