#include "envs/classic/mountain_car.h"
#include "envs/classic/classic_state.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

MountainCar::MountainCar(int max_episode_steps) : max_steps_(max_episode_steps) {
  obs_space_.shape = {2};
  obs_space_.low = {static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed)};
  obs_space_.high = {static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed)};
}

void MountainCar::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void MountainCar::reset() {
  s_ = {rng_.uniform(-0.6, -0.4), 0.0};
  elapsed_ = 0;
  done_ = false;
}

StepResult MountainCar::step(int action) {
  TP_CHECK(action >= 0 && action <= 2, "MountainCar-v0: invalid action ", action, " (valid: 0, 1, 2)");
  TP_CHECK(!done_, "MountainCar-v0: step() after the episode ended; call reset()");
  double position = s_[0], velocity = s_[1];
  // Same operation order as Gymnasium so results agree to the last bit.
  velocity += (action - 1) * kForce + std::cos(3 * position) * (-kGravity);
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  position += velocity;
  position = std::clamp(position, kMinPosition, kMaxPosition);
  if (position == kMinPosition && velocity < 0) velocity = 0;
  s_ = {position, velocity};
  ++elapsed_;
  StepResult r;
  r.terminated = position >= kGoalPosition && velocity >= kGoalVelocity;
  r.truncated = elapsed_ >= max_steps_;
  r.reward = -1.0f;
  done_ = r.done();
  return r;
}

void MountainCar::observe(float* out) const {
  out[0] = static_cast<float>(s_[0]);
  out[1] = static_cast<float>(s_[1]);
}

std::vector<double> MountainCar::get_state() const { return pack_classic_state(s_, elapsed_, done_, rng_); }

void MountainCar::set_state(const std::vector<double>& st) {
  unpack_classic_state(st, id_, max_steps_, s_, elapsed_, done_, rng_);
}

}  // namespace tp::envs
