#pragma once
// Seed rules shared by every command, so a figure printed by one command can be reproduced
// by another (docs/architecture.md, "Seeds").
#include <cstdint>

namespace tp {

// The base seed of an evaluation with run seed `seed`: episode (or game) i of the evaluation
// is reset with evaluation_seed(seed) + i. `torchplay eval`, `watch` and a training run's final
// evaluation all use it, so `torchplay eval --agent CKPT --seed S` reproduces the training's
// final figure.
constexpr uint64_t evaluation_seed(uint64_t seed) { return seed * 1000003ULL; }

// The base seed of a training run's periodic evaluations (model selection): different from
// evaluation_seed, so the final figure is not one that selection looked at.
constexpr uint64_t selection_seed(uint64_t seed) { return 0x7e57ULL * 1000003ULL + seed * 7919ULL; }

}  // namespace tp
