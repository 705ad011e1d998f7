#pragma once
// Actor-critic networks for the policy-gradient agents (A2C, A3C, PPO): a torso (MLP for
// vector observations, the MinAtar conv torso for {C,10,10}) shared by both heads or one per
// head, a policy head (categorical logits for discrete actions, the mean of a diagonal
// Gaussian with a state-independent log-std for continuous ones) and a value head.
// With `gsde`, the Gaussian's noise is state-dependent instead (generalized State-Dependent
// Exploration, Raffin et al. 2022): a = mean + z(s)^T E, z(s) the policy torso's features and
// E [features, action_dim] a noise matrix drawn from N(0, exp(log_std)^2) and held for several
// steps, so exploration is smooth in time; the distribution of a given s is then
// N(mean, z(s)^2 . exp(log_std)^2) with z(s) taken as a constant (no gradient through it).
// Orthogonal initialisation as in the papers' code (Mnih et al. 2016; the PPO baselines):
// gain sqrt(2) in the torso, 0.01 on the policy head, 1 on the value head, zero biases.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "nets/action_distribution.h"

namespace tp::nets {

struct ActorCriticOptions {
  std::string torso = "mlp";  // mlp | minatar
  // Observation shape: {n} for mlp, {C, 10, 10} for minatar.
  std::vector<int64_t> input_shape;
  // Exactly one of the two is > 0: a categorical head over num_actions, or a diagonal
  // Gaussian over action_dim dimensions.
  int64_t num_actions = 0;
  int64_t action_dim = 0;
  std::vector<int64_t> hidden = {64, 64};  // mlp hidden widths
  std::string activation = "tanh";         // mlp only (the papers' MLP policies use tanh)
  bool shared_torso = false;               // one torso for both heads (else one each)
  bool orthogonal_init = true;
  double log_std_init = 0.0;  // Gaussian head: initial log standard deviation
  bool gsde = false;          // Gaussian head: state-dependent exploration (see above)

  bool continuous() const { return action_dim > 0; }
};

struct ActorCriticOutput {
  torch::Tensor policy;    // [B, num_actions] logits, or [B, action_dim] Gaussian means
  torch::Tensor value;     // [B]
  torch::Tensor features;  // [B, F] the policy torso's output (gSDE's z(s))
};

class ActorCriticImpl : public torch::nn::Module {
 public:
  explicit ActorCriticImpl(ActorCriticOptions options);
  // [B, ...input_shape] -> policy parameters and state values.
  ActorCriticOutput forward(torch::Tensor obs);
  torch::Tensor value(torch::Tensor obs);  // [B]
  // The action distribution of `out` (on the device of out.policy).
  ActionDistribution distribution(const ActorCriticOutput& out) const;
  // The Gaussian head's log standard deviation: [action_dim], or [F, action_dim] with gsde
  // (undefined for discrete actions).
  const torch::Tensor& log_std() const { return log_std_; }
  // gSDE: n noise matrices [n, F, action_dim] drawn from N(0, exp(log_std)^2), and the action
  // mean + z(s)^T E_i of each row i of `out` (rows and matrices pair up one to one).
  torch::Tensor sample_exploration(int64_t n, const at::Generator& generator = {}) const;
  torch::Tensor explore(const ActorCriticOutput& out, const torch::Tensor& exploration) const;
  const ActorCriticOptions& options() const { return options_; }
  // e.g. "ac:mlp:4:64-64-tanh:separate:categorical2"; checkpoints refuse a mismatch.
  std::string signature() const;

 private:
  ActorCriticOptions options_;
  torch::nn::Sequential policy_torso_{nullptr}, value_torso_{nullptr};  // value_torso_ null when shared
  torch::nn::Linear policy_head_{nullptr}, value_head_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(ActorCritic);

// Options as INI text ("torso = mlp" lines), stored in checkpoints so a loader can rebuild
// the network, and back (tp::Error naming the malformed part).
std::string to_spec(const ActorCriticOptions& options);
ActorCriticOptions actor_critic_options_from_spec(const std::string& spec);

}  // namespace tp::nets
