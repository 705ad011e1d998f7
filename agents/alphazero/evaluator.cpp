#include "agents/alphazero/evaluator.h"

namespace tp::agents {

void UniformEvaluator::evaluate(const envs::GameState* const* states, int n, float* priors, float* values) {
  if (n == 0) return;
  const int a = states[0]->info().num_actions;
  for (int i = 0; i < n * a; ++i) priors[i] = 1.f;
  for (int i = 0; i < n; ++i) values[i] = 0.f;
}

void RolloutEvaluator::evaluate(const envs::GameState* const* states, int n, float* priors, float* values) {
  if (n == 0) return;
  const int num_actions = states[0]->info().num_actions;
  for (int i = 0; i < n * num_actions; ++i) priors[i] = 1.f;
  for (int i = 0; i < n; ++i) {
    const envs::GameState& s = *states[i];
    if (!scratch_ || !scratch_->assign_from(s)) scratch_ = s.clone();
    while (!scratch_->is_terminal()) {
      scratch_->legal_actions_into(legal_);
      scratch_->apply(legal_[rng_.below(static_cast<uint32_t>(legal_.size()))]);
    }
    values[i] = static_cast<float>(scratch_->returns()[s.current_player()]);
  }
}

}  // namespace tp::agents
