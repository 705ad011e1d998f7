#pragma once
// Stage 3 of AlphaGo (Lee): the RL policy network (Silver et al. 2016, "Reinforcement learning
// of policy networks"), as a run of the one training skeleton. It starts as a copy of an SL
// policy checkpoint and improves by REINFORCE in games against an opponent drawn uniformly
// from a pool of its earlier versions (the SL policy first, then a snapshot every
// --snapshot-every iterations), which stabilises training and prevents overfitting to the
// current policy. One skeleton step is one iteration: --games games played in parallel (the
// learner Black in half of them), every move sampled from the policy's softmax over the
// sensible moves (legal, not filling one of the mover's own eyes; a pass only when there is
// none), then one gradient step on -z * log p(a|s) over the learner's moves (z = +1 for a
// win, -1 for a loss; no baseline, as in the paper's first pass), each position under a
// random board symmetry. Every --eval-every iterations (and at the end): the win rate in
// --eval-games games against the SL policy, both sampling (the paper: 80%).
#include <cstdint>
#include <string>

#include "core/options.h"
#include "core/training_run.h"

namespace tp::agents::alphago {

constexpr const char* kRlPolicyAlgorithm = "alphago-rl";

struct RlPolicyOptions {
  std::string sl;  // the SL policy checkpoint (file or run directory) to start from
  int iterations = 100;
  int games = 64;           // per iteration (the paper's minibatch n = 128)
  double lr = 3e-5;         // Adam (1e-4 and 3e-4 collapsed on 9x9: docs/go.md)
  int snapshot_every = 10;  // iterations between additions to the opponent pool (the paper: 500)
  int eval_every = 10;
  int eval_games = 200;
  double komi = 7.5;

  void bind(OptionSet& set);
  void validate() const;
};

// Trains (or, with settings.resume, continues). Result fields: win_rate_vs_sl (the last
// evaluation), iterations, games, pool.
RunOutcome train_rl_policy(const RlPolicyOptions& options, RunSettings settings, uint64_t seed);

}  // namespace tp::agents::alphago
