#pragma once
// The action distribution an actor-critic network's policy output defines, over a batch:
// categorical over logits, or a diagonal Gaussian N(mean, exp(log_std)^2), its log_std one
// [d] for every row or one [B, d] per row (state-dependent exploration). Actions are
// float tensors [B, d] in both cases (categorical: d = 1, the action index), so rollouts
// store one layout. The Gaussian's log-probability is that of the sample itself: envs clip
// actions to their bounds, the distribution never sees the clipped value.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace tp::nets {

class ActionDistribution {
 public:
  static ActionDistribution categorical(torch::Tensor logits);
  static ActionDistribution gaussian(torch::Tensor mean, torch::Tensor log_std);

  // [B, d] actions drawn with `generator` (undefined: LibTorch's default generator).
  torch::Tensor sample(const at::Generator& generator = {}) const;
  // The most likely action [B, d]: argmax, or the mean.
  torch::Tensor mode() const;
  torch::Tensor log_prob(const torch::Tensor& actions) const;  // [B]
  torch::Tensor entropy() const;                               // [B]
  bool continuous() const { return !logits_.defined(); }

 private:
  torch::Tensor logits_;          // categorical: normalized log-probabilities [B, n]
  torch::Tensor mean_, log_std_;  // gaussian: [B, d] and [d] or [B, d]
};

}  // namespace tp::nets
