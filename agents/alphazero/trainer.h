#pragma once
// The AlphaGo Zero training loop: each iteration (1) the best network plays self-play games
// into the window, (2) the learner trains the candidate on window samples, minimizing
// (z - v)^2 - pi . log p + c ||theta||^2, (3) the candidate plays an arena against the best
// and replaces it at >= the gate threshold (or always, without gating, as in AlphaZero),
// (4) the candidate plays the baselines. Metrics go to RUN/metrics.csv, checkpoints (both
// networks, the optimizer, the window, RNGs, counters) to RUN/checkpoints, so --resume
// continues exactly where the last checkpoint left off.
#include <string>

#include "agents/alphazero/options.h"
#include "core/options.h"

namespace tp::agents {

struct AlphaZeroRun {
  std::string run_dir;      // created (or, with resume, existing) run directory
  std::string config_ini;   // the resolved configuration, written to RUN/config.ini
  bool resume = false;
  CommonOptions common;
};

struct AlphaZeroResult {
  std::string run_dir;
  int iterations = 0, best_generation = 0;
  int64_t games = 0;
};

// Returns the process exit code (0, or 130/143 after an interrupt and a final checkpoint).
int train_alphazero(const AlphaZeroOptions& options, const AlphaZeroRun& run, AlphaZeroResult* result = nullptr);

}  // namespace tp::agents
