#pragma once
// MountainCar-v0, identical to Gymnasium 0.29.1 (classic_control/mountain_car.py): float64
// physics, velocity clipped to +-0.07 and position to [-1.2, 0.6] (velocity zeroed at the
// left wall), reward -1 per step, terminated at position >= 0.5 with velocity >= 0,
// truncated at 200 steps (TimeLimit). Reset: position ~ U(-0.6, -0.4), velocity 0.
#include <array>

#include "core/rng.h"
#include "envs/env.h"

namespace tp::envs {

class MountainCar final : public Env {
 public:
  static constexpr double kMinPosition = -1.2;
  static constexpr double kMaxPosition = 0.6;
  static constexpr double kMaxSpeed = 0.07;
  static constexpr double kGoalPosition = 0.5;
  static constexpr double kGoalVelocity = 0.0;
  static constexpr double kForce = 0.001;
  static constexpr double kGravity = 0.0025;

  explicit MountainCar(int max_episode_steps = 200);

  const std::string& id() const override { return id_; }
  const BoxSpace& observation_space() const override { return obs_space_; }
  DiscreteSpace action_space() const override { return {3}; }
  std::vector<std::string> action_names() const override { return {"push left", "no push", "push right"}; }
  void reset(uint64_t seed) override;
  void reset() override;
  StepResult step(int action) override;
  void observe(float* out) const override;
  int elapsed_steps() const override { return elapsed_; }
  int max_episode_steps() const override { return max_steps_; }
  // {position, velocity, elapsed_steps, done, rng state (8 x 32 bit)}; {position, velocity}
  // alone starts a fresh episode from that state (golden trajectories).
  std::vector<double> get_state() const override;
  void set_state(const std::vector<double>& state) override;
  std::unique_ptr<Env> clone() const override { return std::make_unique<MountainCar>(*this); }

  // {position, velocity} (views draw the car on the hill y = sin(3 x)).
  const std::array<double, 2>& physics() const { return s_; }

 private:
  std::string id_ = "MountainCar-v0";
  BoxSpace obs_space_;
  int max_steps_;
  std::array<double, 2> s_{};
  int elapsed_ = 0;
  bool done_ = true;
  Rng rng_;
};

}  // namespace tp::envs
