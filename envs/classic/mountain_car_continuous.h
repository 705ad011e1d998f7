#pragma once
// MountainCarContinuous-v0, identical to Gymnasium 0.29.1
// (classic_control/continuous_mountain_car.py, NumPy 1.x arithmetic): force = the action
// clipped to [-1, 1] by the env, velocity += force * 0.0015 - 0.0025 cos(3 position), velocity
// clipped to +-0.07 and position to [-1.2, 0.6] (velocity zeroed at the left wall);
// terminated at position >= 0.45 with velocity >= goal_velocity (default 0), reward
// -0.1 action^2 per step on the unclipped action, +100 on the step that reaches the goal;
// truncated at 999 steps (TimeLimit). Reset: position ~ U(-0.6, -0.4), velocity 0. As in
// Gymnasium the state is computed in float64 and stored as float32 after every step (the
// reset state stays float64). Continuous actions only: step(int) throws, NaN throws.
#include <array>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

class MountainCarContinuous final : public Env {
 public:
  static constexpr double kMinAction = -1.0;
  static constexpr double kMaxAction = 1.0;
  static constexpr double kMinPosition = -1.2;
  static constexpr double kMaxPosition = 0.6;
  static constexpr double kMaxSpeed = 0.07;
  static constexpr double kGoalPosition = 0.45;
  static constexpr double kPower = 0.0015;
  static constexpr double kGravity = 0.0025;

  // `goal_velocity`: Gymnasium's argument of the same name.
  explicit MountainCarContinuous(double goal_velocity = 0.0, int max_episode_steps = 999);

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
  // {position, velocity, elapsed_steps, done, rng state (8 x 32 bit)}; {position, velocity}
  // alone starts a fresh episode from that state (golden trajectories).
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<MountainCarContinuous>(*this); }

  // {position, velocity}.
  const std::array<double, 2>& physics() const { return s_; }

 private:
  std::string id_ = "MountainCarContinuous-v0";
  BoxSpace obs_space_, action_space_;
  double goal_velocity_;
  int max_steps_;
  std::array<double, 2> s_{};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
