#pragma once
// R2D2's loss on a minibatch of stored sequences (Kapturowski et al. 2019):
//  - burn-in: the online network is unrolled without gradient over the first burn_in steps
//    from the stored (or a zero) start state; the loss covers the remaining steps;
//  - n-step double Q-learning with value rescaling: for step t with k = min(n, length - t),
//      y_t = h( sum_{i<k} gamma^i r_{t+i} + gamma^k h^-1( Q_target(s_{t+k}, argmax_a Q_online(s_{t+k}, a)) ) )
//    without the bootstrap term when s_{t+k} is a terminal state;
//  - sequence priority p = eta max_t |delta_t| + (1 - eta) mean_t |delta_t|.
#include <torch/torch.h>

#include "agents/r2d2/r2d2_network.h"
#include "agents/r2d2/sequence_replay.h"

namespace tp::agents::r2d2 {

struct R2d2Options;

struct LossSettings {
  int64_t burn_in = 0;
  int n_step = 5;
  double gamma = 0.997;
  double eta = 0.9;
  double rescale_eps = 1e-3;
  bool stored_state = true;  // false: DRQN's zero start state
};

// The settings `options` give (--burn-in, --n-step, --gamma, --priority-eta, --rescale-eps,
// --recurrent-state).
LossSettings loss_settings(const R2d2Options& options);

struct Targets {
  torch::Tensor values;  // [m, B] rescaled targets (0 where masked)
  torch::Tensor mask;    // [m, B] 1 for the steps the loss covers: burn_in <= t < length
};

// rewards [m, B], lengths [B] int64, terminal [B] 0/1, online_q and target_q [m + 1, B, A]
// (the online values only choose the bootstrap action).
Targets rescaled_double_q_targets(const torch::Tensor& rewards, const torch::Tensor& lengths,
                                  const torch::Tensor& terminal, const torch::Tensor& online_q,
                                  const torch::Tensor& target_q, const LossSettings& s);

// abs_td and mask [m, B] -> [B]: eta * max + (1 - eta) * mean over the masked steps.
torch::Tensor sequence_priorities(const torch::Tensor& abs_td, const torch::Tensor& mask, double eta);

struct LossOutput {
  torch::Tensor loss;        // scalar, with gradient into the online network
  torch::Tensor priorities;  // [B]
  double q_mean = 0.0;       // mean Q of the taken actions over the masked steps
};

// weights [B]: importance-sampling weights.
LossOutput sequence_loss(R2d2Network& online, R2d2Network& target, const SequenceBatch& batch,
                         const torch::Tensor& weights, const LossSettings& s);

// The priorities sequences enter replay with when an actor sends them (R2D2's actors compute
// them, as Ape-X's do): the loss's priorities with `net` as both the online and the target
// network, without gradient.
torch::Tensor initial_priorities(R2d2Network& net, const SequenceBatch& batch, const LossSettings& s);

}  // namespace tp::agents::r2d2
