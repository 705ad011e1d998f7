#include "agents/pqn/q_lambda.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::agents::pqn {

torch::Tensor q_lambda_targets(const torch::Tensor& rewards, const torch::Tensor& next_max_q,
                               const torch::Tensor& terminated, const torch::Tensor& done, double gamma,
                               double lambda) {
  TP_CHECK(rewards.dim() == 2, "q_lambda_targets: rewards must be [T, N]");
  TP_CHECK(
      next_max_q.sizes() == rewards.sizes() && terminated.sizes() == rewards.sizes() && done.sizes() == rewards.sizes(),
      "q_lambda_targets: every input must be [T, N]");
  const int64_t steps = rewards.size(0);
  torch::Tensor targets = torch::empty_like(rewards);
  torch::Tensor next = next_max_q[steps - 1];  // G_T: the bootstrap at the rollout's end
  for (int64_t t = steps - 1; t >= 0; --t) {
    // Across an episode boundary the return restarts: the continuation is q_t alone.
    const torch::Tensor continuation = torch::where(done[t] > 0.5, next_max_q[t], next);
    const torch::Tensor mixed = lambda * continuation + (1.0 - lambda) * next_max_q[t];
    const torch::Tensor g = rewards[t] + gamma * (1.0 - terminated[t]) * mixed;
    targets[t] = g;
    next = g;
  }
  return targets;
}

}  // namespace tp::agents::pqn
