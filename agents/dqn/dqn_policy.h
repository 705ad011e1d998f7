#pragma once
// A trained DQN as a Policy for eval/watch: the checkpoint's hand-out network ("policy":
// the best evaluated or the last weights, per --final-policy), acting greedily on the device
// its parameters live on (observations go there, the action comes back).
#include <torch/types.h>

#include <memory>
#include <string>

#include "agents/policy.h"
#include "nets/q_networks.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::dqn {

class DqnPolicy final : public Policy {
 public:
  explicit DqnPolicy(nets::QNetwork net, std::string name = "dqn");
  std::string name() const override { return name_; }
  // The name shown in HUDs and reports: make_policy uses the agent spec as the user gave it.
  void set_name(std::string name) { name_ = std::move(name); }
  int act(const float* obs, const envs::Env& env) override;
  nets::QNetwork& network() { return net_; }

 private:
  nets::QNetwork net_;
  std::string name_;
  std::vector<int64_t> shape_;
  torch::Device device_ = torch::kCPU;
};

// The algorithm name in the header of every `train dqn` checkpoint.
inline constexpr char kDqnAlgorithm[] = "dqn";

// Loads a `train dqn` checkpoint for `env` onto `device` (CheckpointError when it is not a
// DQN checkpoint or does not fit the env's spaces).
std::unique_ptr<DqnPolicy> load_dqn_policy(const std::string& path, const envs::Env& env,
                                           torch::Device device = torch::kCPU);
// The same from an open checkpoint (torchplay export reads what the load used).
std::unique_ptr<DqnPolicy> load_dqn_policy(CheckpointReader& reader, const envs::Env& env, torch::Device device);

}  // namespace tp::agents::dqn
