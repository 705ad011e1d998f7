#include "agents/dqn/td_loss.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tp::agents::dqn {

void td_targets(const ReplayBatch& b, const float* next_q_target, const float* next_q_select, int64_t num_actions,
                double gamma, float* y) {
  const int64_t n = b.size();
  const float* rewards = b.rewards.data_ptr<float>();
  const float* terminated = b.terminated.data_ptr<float>();
  const float* n_steps = b.n_steps.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float* select = next_q_select + i * num_actions;
    const int64_t a_star = std::max_element(select, select + num_actions) - select;
    const double bootstrap = std::pow(gamma, static_cast<double>(n_steps[i])) * (1.0 - terminated[i]) *
                             next_q_target[i * num_actions + a_star];
    y[i] = static_cast<float>(rewards[i] + bootstrap);
  }
}

TdLoss huber_td_loss(const ReplayBatch& b, const float* q, int64_t num_actions, const float* y, double delta, float* dq,
                     float* abs_td) {
  const int64_t n = b.size();
  const int64_t* actions = b.actions.data_ptr<int64_t>();
  const float* weights = b.weights.data_ptr<float>();
  std::fill_n(dq, n * num_actions, 0.f);
  double loss = 0.0, q_sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float q_taken = q[i * num_actions + actions[i]];
    const double d = static_cast<double>(q_taken) - y[i];
    const double ad = std::abs(d);
    loss += weights[i] * (ad <= delta ? 0.5 * d * d : delta * (ad - 0.5 * delta));
    dq[i * num_actions + actions[i]] =
        static_cast<float>(weights[i] * std::clamp(d, -delta, delta) / static_cast<double>(n));
    q_sum += q_taken;
    abs_td[i] = static_cast<float>(ad);
  }
  TdLoss r;
  r.loss = loss / static_cast<double>(n);
  r.q_mean = q_sum / static_cast<double>(n);
  return r;
}

}  // namespace tp::agents::dqn
