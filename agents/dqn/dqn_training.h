#pragma once
// `torchplay train dqn` as a run of the one training skeleton (core/training_run.h): each
// skeleton step is one DqnTrainer step (an env step and, when due, a training round); a
// metrics row per finished episode and per periodic evaluation; the final greedy evaluation
// uses the evaluation seeds of `torchplay eval`, so that command reproduces the figure.
#include <cstdint>
#include <string>

#include "agents/dqn/dqn_options.h"
#include "core/training_run.h"

namespace tp::agents::dqn {

// Trains (or, with settings.resume, continues) DQN on options.env. `options` must be bound
// from the preset of its env (DqnOptions::preset) and validated; `seed` seeds the env and the
// exploration stream (LibTorch's generator is seeded by the caller: init_runtime).
// `device` ("cpu", "cuda", "cuda:N") is where the networks run (init_runtime validated it).
RunOutcome train(const DqnOptions& options, RunSettings settings, uint64_t seed, const std::string& device = "cpu");

}  // namespace tp::agents::dqn
