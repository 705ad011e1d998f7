#pragma once
// Flickering observations (Hausknecht & Stone 2015, "Deep Recurrent Q-Learning for POMDPs"):
// each observation, at reset and after every step, is blanked (all zeros) with probability p,
// so no single frame can be trusted and an agent must integrate over time. The blanking draws
// come from the wrapper's own generator, seeded by reset(seed), so play stays reproducible.
#include <memory>
#include <string>

#include "core/rng.h"
#include "envs/wrappers/env_wrapper.h"

namespace tp::envs {

class Flicker final : public EnvWrapper {
 public:
  Flicker(std::unique_ptr<Env> inner, double blank_probability, std::string id);

  const std::string& id() const override { return id_; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  StepResult step_continuous(const float* action) override;
  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  // The wrapped env's state, then {blanked, generator (8 values)}.
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Flicker>(*this); }

  bool blanked() const { return blanked_; }

 private:
  void draw() { blanked_ = rng_.uniform() < p_; }

  double p_;
  std::string id_;
  Rng rng_;
  bool blanked_ = false;
};

}  // namespace tp::envs
