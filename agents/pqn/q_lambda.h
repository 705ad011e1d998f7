#pragma once
// Q(lambda) targets over one PQN rollout (Gallici et al. 2024, eq. 6; purejaxql's
// _get_target), computed backwards over T steps of N envs:
//   G_t = r_t + gamma (1 - term_t) [lambda G_{t+1} + (1 - lambda) q_t]
// where q_t = max_a Q(s'_t, a) of the observation that followed step t. Where an episode
// ended at step t (terminated or truncated), G_{t+1} belongs to the next episode and is
// replaced by q_t (so a truncated step bootstraps from max Q of its final observation and a
// terminal one from nothing); the last step of the rollout bootstraps the same way. lambda 0
// gives one-step Q-learning targets, lambda 1 discounted returns up to the episode's end or
// the rollout's end, bootstrapped there.
#include <ATen/core/Tensor.h>

namespace tp::agents::pqn {

// All [T, N] float tensors: rewards r_t; next_max_q q_t = max_a Q(s'_t, a) (ignored where
// terminated); terminated and done (terminated or truncated) as 0/1. Returns G, [T, N].
torch::Tensor q_lambda_targets(const torch::Tensor& rewards, const torch::Tensor& next_max_q,
                               const torch::Tensor& terminated, const torch::Tensor& done, double gamma, double lambda);

}  // namespace tp::agents::pqn
