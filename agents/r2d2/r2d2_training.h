#pragma once
// `torchplay train r2d2` as a run of the one training skeleton (core/training_run.h): each
// skeleton step is one R2d2Trainer step (num_envs env steps and, when due, an update); a
// metrics row per finished episode and per evaluation; the final greedy evaluation (LSTM state
// carried through each episode) on the evaluation seeds of `torchplay eval`.
#include <cstdint>
#include <string>

#include "agents/r2d2/r2d2_options.h"
#include "core/training_run.h"

namespace tp::agents::r2d2 {

// `options` bound from R2d2Options::preset and validated; `seed` seeds the envs and the
// exploration stream (LibTorch's generator is seeded by the caller: init_runtime).
RunOutcome train(const R2d2Options& options, RunSettings settings, uint64_t seed, const std::string& device = "cpu");

}  // namespace tp::agents::r2d2
