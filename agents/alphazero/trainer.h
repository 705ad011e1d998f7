#pragma once
// The AlphaGo Zero training loop: each iteration (1) the best network plays self-play games
// into the window, (2) the learner trains the candidate on window samples, minimizing
// (z - v)^2 - pi . log p + c ||theta||^2, (3) the candidate plays an arena against the best
// and replaces it at >= the gate threshold (or always, without gating, as in AlphaZero),
// (4) the candidate plays the baselines. Metrics go to RUN/metrics.csv, checkpoints (both
// networks, the optimizer, the window, RNGs, counters) to RUN/checkpoints, so --resume
// continues exactly where the last checkpoint left off.
#include <cstdint>
#include <string>

#include "agents/alphazero/options.h"
#include "core/training_run.h"

namespace tp::agents {

// Trains (or, with settings.resume, continues) on options.game as a run of the training
// skeleton: one skeleton step per iteration, a checkpoint after each. `seed` seeds the
// self-play stream; LibTorch's generator is seeded by the caller (init_runtime).
RunOutcome train_alphazero(const AlphaZeroOptions& options, RunSettings settings, uint64_t seed,
                           const std::string& device);

}  // namespace tp::agents
