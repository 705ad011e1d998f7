#pragma once
// Keeps some elements of a vector observation and drops the rest, making a fully observed
// env partially observed (e.g. CartPole with position and angle only: the velocities must be
// inferred from history, the test bed of recurrent agents such as R2D2 and DRQN).
#include <memory>
#include <string>
#include <vector>

#include "envs/wrappers/env_wrapper.h"

namespace tp::envs {

class ObservationMask final : public EnvWrapper {
 public:
  // `kept`: indices into the wrapped env's flat observation, in the order they are observed.
  // `id`: the id the masked env goes by (e.g. MaskedCartPole-v1).
  ObservationMask(std::unique_ptr<Env> inner, std::vector<int> kept, std::string id);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return space_; }
  void observe(float* out) const override;
  void observe_bytes(uint8_t* out) const override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<ObservationMask>(*this); }

  const std::vector<int>& kept() const { return kept_; }

 private:
  std::vector<int> kept_;
  std::string id_;
  BoxSpace space_;
  mutable std::vector<float> full_;  // the wrapped env's observation (observe is const)
};

}  // namespace tp::envs
