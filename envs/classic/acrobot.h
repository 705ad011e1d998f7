#pragma once
// Acrobot-v1, identical to Gymnasium 0.29.1 (classic_control/acrobot.py): the "book"
// dynamics of Sutton & Barto integrated with one RK4 step of dt = 0.2 in float64, joint
// angles wrapped to [-pi, pi], velocities clipped to 4 pi and 9 pi, observation
// [cos t1, sin t1, cos t2, sin t2, dt1, dt2] (float32), reward -1 per step (0 on the
// terminal step), terminated when -cos(t1) - cos(t1 + t2) > 1, truncated at 500 steps.
// Reset: all four state values ~ U(-0.1, 0.1), rounded to float32 as Gymnasium does.
#include <array>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

class Acrobot final : public Env {
 public:
  static constexpr double kPi = 3.141592653589793;
  static constexpr double kDt = 0.2;
  static constexpr double kLinkLength1 = 1.0;
  static constexpr double kLinkMass1 = 1.0;
  static constexpr double kLinkMass2 = 1.0;
  static constexpr double kLinkComPos1 = 0.5;
  static constexpr double kLinkComPos2 = 0.5;
  static constexpr double kLinkMoi = 1.0;
  static constexpr double kMaxVel1 = 4 * kPi;
  static constexpr double kMaxVel2 = 9 * kPi;

  explicit Acrobot(int max_episode_steps = 500);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {3}; }
  std::vector<std::string> action_names() const override { return {"torque -1", "torque 0", "torque +1"}; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  void observe(float* out) const override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_; }
  // {theta1, theta2, dtheta1, dtheta2, elapsed_steps, done, rng state (8 x 32 bit)}; the
  // four physics values alone start a fresh episode from that state (golden trajectories).
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<Acrobot>(*this); }

  // {theta1, theta2, dtheta1, dtheta2}: theta1 from straight down, theta2 relative to link 1.
  const std::array<double, 4>& physics() const { return s_; }

 private:
  std::string id_ = "Acrobot-v1";
  BoxSpace obs_space_;
  int max_steps_;
  std::array<double, 4> s_{};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
