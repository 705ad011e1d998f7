#pragma once
// A `train r2d2` checkpoint's hand-out network (the best evaluated or the online weights, per
// --final-policy) as a greedy Policy for eval/watch/play: it carries the LSTM state from step
// to step and starts each episode from the zero state, as the trainer's evaluation does.
#include <torch/types.h>

#include <memory>
#include <string>

#include "agents/policy.h"
#include "agents/r2d2/r2d2_network.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::r2d2 {

class R2d2Policy final : public Policy {
 public:
  R2d2Policy(R2d2Network net, std::string name);
  std::string name() const override { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  void begin_episode() override;
  int act(const float* obs, const envs::Env& env) override;

 private:
  R2d2Network net_;
  std::string name_;
  torch::Device device_;
  RecurrentState state_;
};

// The network options a checkpoint's architecture string (R2d2NetworkImpl::signature, e.g.
// "r2d2:4:64-lstm64:dueling:2") describes; CheckpointError naming `path` when malformed.
R2d2NetworkOptions r2d2_network_options_from_signature(const std::string& signature, const std::string& path);

// The hand-out network on `device` (CheckpointError when it is not an R2D2 checkpoint or does
// not fit the env's spaces).
R2d2Network load_r2d2_network(CheckpointReader& reader, const envs::Env& env, torch::Device device);

// The network acting greedily, named "r2d2:PATH".
std::unique_ptr<R2d2Policy> load_r2d2_policy(const std::string& path, const envs::Env& env,
                                             torch::Device device = torch::kCPU);

}  // namespace tp::agents::r2d2
