#include "agents/policy_gradient/gae.h"

#include <torch/torch.h>

namespace tp::agents::pg {

Advantages compute_gae(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& episode_ends,
                       const torch::Tensor& next_values, double gamma, double lambda) {
  torch::NoGradGuard no_grad;
  const int64_t steps = rewards.size(0);
  torch::Tensor advantages = torch::zeros_like(rewards);
  torch::Tensor last = torch::zeros_like(next_values);
  for (int64_t t = steps - 1; t >= 0; --t) {
    const torch::Tensor next_value = t + 1 < steps ? values[t + 1] : next_values;
    const torch::Tensor continues = 1.0 - episode_ends[t];
    const torch::Tensor delta = rewards[t] + gamma * next_value * continues - values[t];
    last = delta + gamma * lambda * continues * last;
    advantages[t] = last;
  }
  return {advantages, advantages + values};
}

}  // namespace tp::agents::pg
