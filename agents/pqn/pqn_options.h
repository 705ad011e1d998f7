#pragma once
// Every hyperparameter of `torchplay train pqn` in one struct (docs/pqn.md). preset(env)
// gives purejaxql's settings for the env's family: pqn_cartpole.yaml for classic control
// (vector observations), pqn_minatar.yaml for MinAtar's {C, 10, 10} grids. The options
// convention (docs/architecture.md): preset for the env, bind, parse, validate.
#include <cstdint>
#include <string>

#include "agents/pqn/pqn_network.h"
#include "envs/env.h"

namespace tp {
class OptionSet;
}

namespace tp::agents::pqn {

// The algorithm name, also the `algorithm` of its checkpoints.
inline constexpr char kPqnAlgorithm[] = "pqn";

struct PqnOptions {
  std::string env = "CartPole-v1";
  std::string env_options;
  int64_t steps = 500'000;  // env steps (frames), all envs together

  // Network.
  std::string net = "auto";  // auto | mlp | minatar
  std::string hidden = "256,256";
  std::string activation = "relu";
  bool layer_norm = true;

  // Rollouts and targets.
  int num_envs = 32;
  int num_steps = 64;
  double gamma = 0.99;
  double lambda = 0.95;
  double reward_scale = 0.1;  // rewards are multiplied by this for learning (not for returns)

  // Exploration: epsilon linear from eps_start to eps_finish over eps_decay x steps.
  double eps_start = 1.0;
  double eps_finish = 0.2;
  double eps_decay = 0.2;

  // Updates: update_epochs passes over each rollout in num_minibatches minibatches.
  int update_epochs = 4;
  int num_minibatches = 16;
  double lr = 1e-4;
  bool anneal_lr = true;  // linear to 0 over the run
  double max_grad_norm = 10.0;
  double optim_eps = 1e-8;

  // Evaluation and checkpoints.
  int64_t eval_every = 25'000;
  int eval_episodes = 10;
  int final_eval_episodes = 100;
  std::string final_policy = "last";  // last | best
  int64_t checkpoint_every = 100'000;
  int keep_checkpoints = 3;

  static PqnOptions preset(const std::string& env_id);
  void bind(OptionSet& set);
  void validate() const;

  PqnNetworkOptions network_options(const envs::Env& env) const;
  int64_t batch_size() const { return static_cast<int64_t>(num_envs) * num_steps; }
  int64_t total_updates() const { return (steps + batch_size() - 1) / batch_size(); }
  // Epsilon after `done` env steps.
  double epsilon(int64_t done) const;
};

}  // namespace tp::agents::pqn
