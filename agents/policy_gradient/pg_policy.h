#pragma once
// A trained actor-critic (PPO, A2C, A3C) as a Policy for eval/watch: the checkpoint's
// hand-out network ("policy"), its observation statistics when it was trained with
// --norm-obs, acting with the most likely action or, with `sample`, drawing from its
// distribution (a generator seeded by the caller).
#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>

#include "agents/policy.h"
#include "agents/policy_gradient/normalizers.h"
#include "nets/actor_critic.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents::pg {

class ActorCriticPolicy final : public Policy {
 public:
  struct Settings {
    std::optional<RunningMeanStd> obs_stats;  // normalise observations with these
    double obs_clip = 10.0;
    bool sample = false;  // draw actions instead of taking the mode
    uint64_t seed = 1;    // the sampling generator's seed
    std::string name = "actor-critic";
  };
  ActorCriticPolicy(nets::ActorCritic net, Settings settings);
  std::string name() const override { return s_.name; }
  // The name shown in HUDs and reports: make_policy uses the agent spec as the user gave it.
  void set_name(std::string name) { s_.name = std::move(name); }
  int act(const float* obs, const envs::Env& env) override;
  void act_continuous(const float* obs, const envs::Env& env, float* action) override;
  nets::ActorCritic& network() { return net_; }
  const Settings& settings() const { return s_; }

 private:
  torch::Tensor action_for(const float* obs);  // [1, d] on the CPU

  nets::ActorCritic net_;
  Settings s_;
  std::vector<int64_t> shape_;
  torch::Device device_ = torch::kCPU;
  at::Generator generator_;
};

// Loads a `train ppo|a2c|a3c` checkpoint for `env` onto `device` (CheckpointError when it is
// not one or does not fit the env's spaces).
std::unique_ptr<ActorCriticPolicy> load_pg_policy(const std::string& path, const envs::Env& env,
                                                  torch::Device device = torch::kCPU, bool sample = false,
                                                  uint64_t seed = 1);
// The same from an open checkpoint (torchplay export reads what the load used).
std::unique_ptr<ActorCriticPolicy> load_pg_policy(CheckpointReader& reader, const envs::Env& env, torch::Device device,
                                                  bool sample, uint64_t seed);

}  // namespace tp::agents::pg
