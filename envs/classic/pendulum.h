#pragma once
// Pendulum-v1, identical to Gymnasium 0.29.1 (classic_control/pendulum.py, NumPy 1.x
// arithmetic): float64 physics, theta = 0 upright and counter-clockwise positive, torque
// clipped to [-2, 2] by the env, theta_dot clipped to +-8, dt 0.05;
// reward -(normalize(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2) with the clipped torque u;
// never terminates, truncated at 200 steps (TimeLimit). Reset: theta ~ U(-pi, pi),
// theta_dot ~ U(-1, 1). Observation {cos theta, sin theta, theta_dot} as float32.
// Continuous actions only: step(int) throws, NaN torque throws.
#include <array>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

class Pendulum final : public Env {
 public:
  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kMaxTorque = 2.0;
  static constexpr double kDt = 0.05;
  static constexpr double kMass = 1.0;
  static constexpr double kLength = 1.0;
  static constexpr double kDefaultGravity = 10.0;

  // `gravity`: Gymnasium's `g` argument (gym.make("Pendulum-v1", g=9.81)).
  explicit Pendulum(double gravity = kDefaultGravity, int max_episode_steps = 200);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {0}; }
  std::vector<std::string> action_names() const override { return {}; }
  const BoxSpace* continuous_action_space() const override { return &action_space_; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  StepResult step_continuous(const float* action) override;
  void observe(float* out) const override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_; }
  // {theta, theta_dot, elapsed_steps, done, rng state (8 x 32 bit)}; {theta, theta_dot}
  // alone starts a fresh episode from that state (golden trajectories).
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Pendulum>(*this); }

  // {theta, theta_dot}; theta is not wrapped (Gymnasium's state).
  const std::array<double, 2>& physics() const { return s_; }
  // Gymnasium's angle_normalize: x wrapped into [-pi, pi).
  static double normalize_angle(double x);

 private:
  std::string id_ = "Pendulum-v1";
  BoxSpace obs_space_, action_space_;
  double gravity_;
  int max_steps_;
  std::array<double, 2> s_{};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
