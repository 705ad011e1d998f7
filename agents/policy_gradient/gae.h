#pragma once
// Generalized advantage estimation (Schulman et al. 2016) over a rollout of T steps of N
// envs. An episode that ended at step t (terminated or truncated) does not bootstrap from
// the next observation, which belongs to the next episode; a truncated one had the value of
// its final observation folded into its last reward by the collector (r + gamma V(s_final)),
// so only a terminated episode ends without any bootstrap. lambda = 1 gives the n-step
// returns of A2C/A3C.
#include <ATen/core/Tensor.h>

namespace tp::agents::pg {

struct Advantages {
  torch::Tensor advantages;  // [T, N]
  torch::Tensor returns;     // [T, N]: advantages + values (the value targets)
};

// rewards, values, episode_ends: [T, N] (episode_ends 1 where the episode ended at step t);
// next_values: [N], the values of the observations after the last step.
Advantages compute_gae(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& episode_ends,
                       const torch::Tensor& next_values, double gamma, double lambda);

}  // namespace tp::agents::pg
