#include "agents/policy_gradient/losses.h"

#include <torch/torch.h>

#include <limits>

namespace tp::agents::pg {

PolicyLoss ppo_policy_loss(const torch::Tensor& new_log_probs, const torch::Tensor& old_log_probs,
                           const torch::Tensor& advantages, double clip) {
  const torch::Tensor log_ratio = new_log_probs - old_log_probs;
  const torch::Tensor ratio = log_ratio.exp();
  PolicyLoss out;
  out.loss = torch::max(-advantages * ratio, -advantages * torch::clamp(ratio, 1.0 - clip, 1.0 + clip)).mean();
  torch::NoGradGuard no_grad;
  out.approx_kl = ((ratio - 1.0) - log_ratio).mean().item<double>();
  out.clip_fraction = ((ratio - 1.0).abs() > clip).to(torch::kFloat32).mean().item<double>();
  return out;
}

torch::Tensor a2c_policy_loss(const torch::Tensor& log_probs, const torch::Tensor& advantages) {
  return -(advantages.detach() * log_probs).mean();
}

torch::Tensor value_loss(const torch::Tensor& new_values, const torch::Tensor& old_values, const torch::Tensor& returns,
                         double clip) {
  const torch::Tensor unclipped = (new_values - returns).pow(2);
  if (clip <= 0) return 0.5 * unclipped.mean();
  const torch::Tensor clipped_values = old_values + torch::clamp(new_values - old_values, -clip, clip);
  return 0.5 * torch::max(unclipped, (clipped_values - returns).pow(2)).mean();
}

torch::Tensor normalize_advantages(const torch::Tensor& advantages) {
  if (advantages.numel() < 2) return advantages;
  return (advantages - advantages.mean()) / (advantages.std() + 1e-8);
}

double explained_variance(const torch::Tensor& values, const torch::Tensor& returns) {
  torch::NoGradGuard no_grad;
  const double var = returns.var(/*unbiased=*/false).item<double>();
  if (var == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - (returns - values).var(/*unbiased=*/false).item<double>() / var;
}

}  // namespace tp::agents::pg
