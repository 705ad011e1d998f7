#include "envs/classic/mountain_car_continuous.h"
#include "envs/classic/classic_state.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

MountainCarContinuous::MountainCarContinuous(double goal_velocity, int max_episode_steps)
    : goal_velocity_(goal_velocity), max_steps_(max_episode_steps) {
  obs_space_.shape = {2};
  obs_space_.low = {static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed)};
  obs_space_.high = {static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed)};
  action_space_.shape = {1};
  action_space_.low = {static_cast<float>(kMinAction)};
  action_space_.high = {static_cast<float>(kMaxAction)};
}

void MountainCarContinuous::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void MountainCarContinuous::reset() {
  s_ = {rng_.uniform(-0.6, -0.4), 0.0};
  elapsed_ = 0;
  done_ = false;
}

StepResult MountainCarContinuous::step(int action) {
  TP_THROW(Error, id_, " takes continuous actions (", action_space_.to_string(), "), not the discrete action ", action,
           "; use step_continuous");
}

StepResult MountainCarContinuous::step_continuous(const float* action) {
  TP_CHECK(!std::isnan(action[0]), id_, ": the action is NaN");
  TP_CHECK(!done_, id_, ": step() after the episode ended; call reset()");
  const double a = action[0];  // NumPy 1.x: the float32 action, promoted to float64
  const double force = std::min(std::max(a, kMinAction), kMaxAction);
  double position = s_[0], velocity = s_[1];
  // Same operation order as Gymnasium so results agree to the last bit.
  velocity += force * kPower - kGravity * std::cos(3 * position);
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  position += velocity;
  position = std::clamp(position, kMinPosition, kMaxPosition);
  if (position == kMinPosition && velocity < 0) velocity = 0;
  StepResult r;
  // Decided on the float64 values, before the state is stored as float32.
  r.terminated = position >= kGoalPosition && velocity >= goal_velocity_;
  double reward = r.terminated ? 100.0 : 0.0;
  reward -= std::pow(a, 2) * 0.1;  // the unclipped action, as Gymnasium (an infinite action costs -inf)
  r.reward = static_cast<float>(reward);
  s_ = {static_cast<float>(position), static_cast<float>(velocity)};
  ++elapsed_;
  r.truncated = elapsed_ >= max_steps_;
  done_ = r.done();
  return r;
}

void MountainCarContinuous::observe(float* out) const {
  out[0] = static_cast<float>(s_[0]);
  out[1] = static_cast<float>(s_[1]);
}

std::vector<double> MountainCarContinuous::get_state() const { return pack_classic_state(s_, elapsed_, done_, rng_); }

void MountainCarContinuous::set_state(const std::vector<double>& st) {
  unpack_classic_state(st, id_, max_steps_, s_, elapsed_, done_, rng_);
}

}  // namespace tp::envs
