#pragma once
// Acting greedily on a Q function, for every agent whose network maps observations
// [B, obs shape...] to Q values [B, A] (DQN's and PQN's): the Policy that eval/watch/play use,
// and the batched evaluation the trainers use (many episodes at once, one forward pass per
// time step instead of one per env, so a 100-episode evaluation of a small network costs
// little more than the env steps). Both give the same returns on the same seeds.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/episode_loop.h"
#include "agents/policy.h"
#include "envs/env.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents {

// Observations [B, obs shape...] on the network's device -> Q values [B, A].
using QFunction = std::function<torch::Tensor(const torch::Tensor&)>;

// A Q network as a QFunction (the function keeps the module alive).
template <class Net>
QFunction q_function_of(Net net) {
  return [net](const torch::Tensor& obs) mutable { return net->forward(obs); };
}

class GreedyQPolicy final : public Policy {
 public:
  GreedyQPolicy(QFunction q, std::vector<int64_t> obs_shape, torch::Device device, std::string name);
  std::string name() const override { return name_; }
  // The name shown in HUDs and reports: make_policy uses the agent spec as the user gave it.
  void set_name(std::string name) { name_ = std::move(name); }
  int act(const float* obs, const envs::Env& env) override;

 private:
  QFunction q_;
  std::vector<int64_t> shape_;  // {1, obs shape...}
  torch::Device device_;
  std::string name_;
};

// A policy acting greedily with `net` (a TORCH_MODULE holder with options().input_shape),
// put in eval mode, on the device its parameters live on.
template <class Net>
std::unique_ptr<GreedyQPolicy> greedy_policy_of(Net net, std::string name) {
  net->eval();
  const torch::Device device = net->parameters().front().device();
  return std::make_unique<GreedyQPolicy>(q_function_of(net), net->options().input_shape, device, std::move(name));
}

// Throws CheckpointError unless a Q network of `input_shape` and `num_actions` fits `env`'s
// spaces and its `signature` is the checkpoint header's architecture (the spec stored in
// the checkpoint rebuilt the network it was saved from).
void check_network_fits(const CheckpointReader& reader, const std::vector<int64_t>& input_shape, int64_t num_actions,
                        const std::string& signature, const envs::Env& env);

// Episode i is reset with seed `seed + i`, like agents::evaluate. `epsilon` > 0 takes a uniform
// random action with that probability (generator seeded by `seed`). The envs and the actions
// stay on the CPU; observations go to `device`.
EvalReport evaluate_greedy_q(const QFunction& q, torch::Device device, const envs::Env& prototype, int episodes,
                             uint64_t seed, double epsilon = 0.0);

// The same for a network (a TORCH_MODULE holder), on the device of its parameters.
template <class Net>
EvalReport evaluate_greedy_q(Net net, const envs::Env& prototype, int episodes, uint64_t seed, double epsilon = 0.0) {
  const torch::Device device = net->parameters().front().device();
  return evaluate_greedy_q(q_function_of(net), device, prototype, episodes, seed, epsilon);
}

}  // namespace tp::agents
