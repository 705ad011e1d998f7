#pragma once
// A trained PQN as a Policy for eval/watch: the checkpoint's hand-out network ("policy": the
// best evaluated or the last weights, per --final-policy), acting greedily.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "agents/policy.h"
#include "agents/pqn/pqn_network.h"

namespace tp::agents::pqn {

class PqnPolicy final : public Policy {
 public:
  explicit PqnPolicy(PqnNetwork net, std::string name = "pqn");
  std::string name() const override { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  int act(const float* obs, const envs::Env& env) override;

 private:
  PqnNetwork net_;
  std::string name_;
  std::vector<int64_t> shape_;
  torch::Device device_ = torch::kCPU;
};

// Loads a `train pqn` checkpoint for `env` onto `device` (CheckpointError when it is not a
// PQN checkpoint or does not fit the env's spaces).
std::unique_ptr<PqnPolicy> load_pqn_policy(const std::string& path, const envs::Env& env,
                                           torch::Device device = torch::kCPU);

}  // namespace tp::agents::pqn
