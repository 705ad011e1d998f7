#pragma once
// What MCTS asks of a position: move priors and a value. The search depends only on this
// interface, so it is tested without LibTorch (uniform and random-rollout evaluators here,
// the network evaluator in network_evaluator.h).
#include <vector>

#include "core/rng.h"
#include "envs/games/game.h"

namespace tp::agents {

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // For each of the `n` non-terminal `states`: priors[i * num_actions + a] (non-negative
  // weights; MCTS masks illegal moves and renormalizes) and values[i] in [-1, 1] from the
  // view of the side to move. One call is one batch.
  virtual void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) = 0;
};

// Uniform priors, value 0: MCTS with it is plain tree search (tests, and UCT with rollouts).
class UniformEvaluator final : public Evaluator {
 public:
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override;
};

// Uniform priors; value = the result of one uniformly random playout to the end.
class RolloutEvaluator final : public Evaluator {
 public:
  explicit RolloutEvaluator(uint64_t seed) : rng_(seed) {}
  void evaluate(const envs::GameState* const* states, int n, float* priors, float* values) override;

 private:
  Rng rng_;
  std::unique_ptr<envs::GameState> scratch_;
  std::vector<envs::Action> legal_;
};

}  // namespace tp::agents
