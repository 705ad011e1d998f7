#pragma once
// What eval/watch/play need from a single-agent player: an action for an observation.
// Built by `make_policy` from a spec ("random", a checkpoint path, ...), so every command
// works with every agent kind.
#include <cstdint>
#include <memory>
#include <string>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::agents {

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  // `obs` holds env.observation_space().size() floats; env gives read access (e.g. spaces).
  // Discrete envs: the action for `obs`.
  virtual int act(const float* obs, const envs::Env& env) = 0;
  // Continuous-action envs: writes env.continuous_action_space()->size() floats to `action`
  // (the env clips them). The default throws tp::Error: the policy acts discretely.
  virtual void act_continuous(const float* obs, const envs::Env& env, float* action);
  // A new episode begins (recurrent or stateful policies reset here).
  virtual void begin_episode() {}
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "random"; }
  int act(const float* obs, const envs::Env& env) override;
  // Uniform in the env's action box.
  void act_continuous(const float* obs, const envs::Env& env, float* action) override;

 private:
  Rng rng_;
};

struct PolicyContext {
  uint64_t seed = 1;
  std::string device = "cpu";
  bool sample_actions = false;  // stochastic policies: draw actions instead of the most likely one
};

// "random" or a checkpoint path (the checkpoint's algorithm picks the loader). Throws
// UsageError for an unknown spec and CheckpointError for a bad or mismatched file.
std::unique_ptr<Policy> make_policy(const std::string& spec, const envs::Env& env, const PolicyContext& ctx);

}  // namespace tp::agents
