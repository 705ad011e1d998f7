#pragma once
// CartPole-v1, identical to Gymnasium 0.29.1 (classic_control/cartpole.py): Euler
// integration of the Barto-Sutton-Anderson cart-pole in float64, observation cast to
// float32, reward 1 per step, terminated when |x| > 2.4 or |theta| > 12 degrees, truncated
// at 500 steps (TimeLimit).
#include <array>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

class CartPole final : public Env {
 public:
  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassPole + kMassCart;
  static constexpr double kLength = 0.5;  // half the pole's length
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;
  static constexpr double kThetaThreshold = 12 * 2 * 3.141592653589793 / 360;
  static constexpr double kXThreshold = 2.4;

  explicit CartPole(int max_episode_steps = 500);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {2}; }
  std::vector<std::string> action_names() const override { return {"push left", "push right"}; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  void observe(float* out) const override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_; }
  // {x, x_dot, theta, theta_dot, elapsed_steps, steps_beyond_terminated, rng state (8 x 32 bit)}
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<CartPole>(*this); }

  const std::array<double, 4>& physics() const { return s_; }

 private:
  std::string id_ = "CartPole-v1";
  BoxSpace obs_space_;
  int max_steps_;
  std::array<double, 4> s_{};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
