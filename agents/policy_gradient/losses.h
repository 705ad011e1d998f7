#pragma once
// The policy-gradient losses, each a function of batched tensors (tested against closed
// forms and autograd in tests/agents/pg_losses_test.cpp).
#include <ATen/core/Tensor.h>

namespace tp::agents::pg {

struct PolicyLoss {
  torch::Tensor loss;      // scalar, differentiable
  double approx_kl = 0.0;  // (ratio - 1) - log ratio, averaged (Schulman's low-variance estimator)
  double clip_fraction = 0.0;
};

// PPO's clipped surrogate (Schulman et al. 2017, eq. 7), as a loss to minimise:
// mean(max(-A r, -A clip(r, 1 - c, 1 + c))) with r = exp(new_log_probs - old_log_probs).
PolicyLoss ppo_policy_loss(const torch::Tensor& new_log_probs, const torch::Tensor& old_log_probs,
                           const torch::Tensor& advantages, double clip);

// The vanilla policy gradient of A2C/A3C (Mnih et al. 2016): -mean(A log pi(a|s)).
torch::Tensor a2c_policy_loss(const torch::Tensor& log_probs, const torch::Tensor& advantages);

// 0.5 * mean((V - R)^2); with clip > 0, PPO's clipped variant: the larger of that and the
// same with V kept within +-clip of the rollout's value.
torch::Tensor value_loss(const torch::Tensor& new_values, const torch::Tensor& old_values, const torch::Tensor& returns,
                         double clip = 0.0);

// Per-minibatch advantage normalisation: (A - mean) / (std + 1e-8).
torch::Tensor normalize_advantages(const torch::Tensor& advantages);

// 1 - Var(returns - values) / Var(returns): how much of the returns' variance the value
// function explains (NaN when the returns do not vary).
double explained_variance(const torch::Tensor& values, const torch::Tensor& returns);

}  // namespace tp::agents::pg
