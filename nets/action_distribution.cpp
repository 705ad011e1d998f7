#include "nets/action_distribution.h"

#include <torch/torch.h>

#include <cmath>

namespace tp::nets {

ActionDistribution ActionDistribution::categorical(torch::Tensor logits) {
  ActionDistribution d;
  d.logits_ = torch::log_softmax(logits, -1);
  return d;
}

ActionDistribution ActionDistribution::gaussian(torch::Tensor mean, torch::Tensor log_std) {
  ActionDistribution d;
  d.mean_ = std::move(mean);
  d.log_std_ = std::move(log_std);
  return d;
}

torch::Tensor ActionDistribution::sample(const at::Generator& generator) const {
  torch::NoGradGuard no_grad;
  if (!continuous()) {
    const auto gen = generator.defined() ? c10::optional<at::Generator>(generator) : c10::nullopt;
    return torch::multinomial(logits_.exp(), 1, /*replacement=*/true, gen).to(torch::kFloat32);
  }
  const auto gen = generator.defined() ? c10::optional<at::Generator>(generator) : c10::nullopt;
  const torch::Tensor noise = at::normal(0.0, 1.0, mean_.sizes(), gen, mean_.options());
  return mean_ + noise * log_std_.exp();  // broadcasts a [d] log_std over the rows
}

torch::Tensor ActionDistribution::mode() const {
  if (!continuous()) return logits_.argmax(-1, /*keepdim=*/true).to(torch::kFloat32);
  return mean_;
}

torch::Tensor ActionDistribution::log_prob(const torch::Tensor& actions) const {
  if (!continuous()) return logits_.gather(1, actions.to(torch::kLong).view({-1, 1})).squeeze(1);
  // log N(a; mu, sigma^2) summed over the independent dimensions.
  const torch::Tensor z = (actions - mean_) * torch::exp(-log_std_);
  return (-0.5 * z.pow(2) - log_std_ - 0.5 * std::log(2.0 * M_PI)).sum(-1);
}

torch::Tensor ActionDistribution::entropy() const {
  if (!continuous()) return -(logits_.exp() * logits_).sum(-1);
  // Each dimension: 0.5 * log(2 pi e sigma^2), summed; one value for all rows when log_std is [d].
  const torch::Tensor per_row = (log_std_ + 0.5 * std::log(2.0 * M_PI * M_E)).sum(-1);
  return per_row.expand({mean_.size(0)});
}

}  // namespace tp::nets
