#pragma once
// Env wrappers (Gymnasium's ObservationWrapper idea): an env that owns another and forwards
// everything it does not change. A wrapper's own state goes after the wrapped env's in
// get_state/set_state, as a fixed number of trailing values, so a state vector of the wrong
// length is still refused by the wrapped env.
#include <memory>
#include <string>
#include <vector>

#include "envs/env.h"

namespace tp::envs {

class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(std::unique_ptr<Env> inner);
  EnvWrapper(const EnvWrapper& other);
  EnvWrapper& operator=(const EnvWrapper&) = delete;

  const std::string& id() const override { return inner_->id(); }
  const BoxSpace& observation_space() const override { return inner_->observation_space(); }
  DiscreteSpace action_space() const override { return inner_->action_space(); }
  std::vector<std::string> action_names() const override { return inner_->action_names(); }
  const BoxSpace* continuous_action_space() const override { return inner_->continuous_action_space(); }
  void reset(uint64_t seed) override { inner_->reset(seed); }
  void reset() override { inner_->reset(); }
  StepResult step(int action) override { return inner_->step(action); }
  StepResult step_continuous(const float* action) override { return inner_->step_continuous(action); }
  void observe(float* out) const override { inner_->observe(out); }
  void observe_bytes(uint8_t* out) const override { inner_->observe_bytes(out); }
  int elapsed_steps() const override { return inner_->elapsed_steps(); }
  int max_episode_steps() const override { return inner_->max_episode_steps(); }
  std::vector<double> get_state() const override { return inner_->get_state(); }
  void set_state(const std::vector<double>& state) override { inner_->set_state(state); }

  const Env& inner() const { return *inner_; }

 protected:
  Env& wrapped() { return *inner_; }
  const Env& wrapped() const { return *inner_; }
  // The wrapper's `own` trailing values of `state` (Error when there are not more values than
  // that), to check before set_inner_state hands the rest to the wrapped env.
  std::vector<double> own_state(const std::vector<double>& state, size_t own) const;
  void set_inner_state(const std::vector<double>& state, size_t own);

 private:
  std::unique_ptr<Env> inner_;
};

}  // namespace tp::envs
