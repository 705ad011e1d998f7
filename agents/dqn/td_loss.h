#pragma once
// The DQN loss, written once for both of DqnLearner's update paths (the dense kernel and
// autograd): the TD target from the next-state Q values, and the importance-weighted Huber
// loss with its gradient with respect to Q(s, .). On plain [n, actions] arrays, which the
// kernel's buffers and the autograd path's detached outputs both are; the paths differ only
// in how they compute Q and push dL/dQ back into the weights.
#include <cstdint>

#include "agents/dqn/replay_memory.h"

namespace tp::agents::dqn {

// y_i = r_i + gamma^{n_i} Q_target(s'_i, a*_i), and y_i = r_i where s'_i is terminal (a time
// limit is not: truncated transitions bootstrap). a*_i = argmax_a Q_select(s'_i, a): pass
// next_q_target again for DQN's max_a' (Mnih et al. 2015), the online network's values for
// Double DQN (van Hasselt et al. 2016, eq. 4). n_i: the transition's steps (n-step returns).
void td_targets(const ReplayBatch& b, const float* next_q_target, const float* next_q_select, int64_t num_actions,
                double gamma, float* y);

struct TdLoss {
  double loss = 0.0;    // (1/n) sum_i w_i huber(Q(s_i, a_i) - y_i)
  double q_mean = 0.0;  // (1/n) sum_i Q(s_i, a_i)
};
// The Huber loss (delta) on the TD error (the paper's error clipping to [-1, 1] for delta 1),
// weighted by the importance weights (all 1 without prioritized replay) and averaged. Writes
// dq [n, num_actions] = dL/dQ(s_i, .): zero but at the taken action, where it is
// w_i clamp(Q - y, -delta, delta) / n; and abs_td [n] = |y_i - Q(s_i, a_i)| (for prioritized replay).
TdLoss huber_td_loss(const ReplayBatch& b, const float* q, int64_t num_actions, const float* y, double delta, float* dq,
                     float* abs_td);

}  // namespace tp::agents::dqn
