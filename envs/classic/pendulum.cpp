#include "envs/classic/pendulum.h"
#include "envs/classic/classic_state.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

namespace {
constexpr double kPi = 3.141592653589793;
}

Pendulum::Pendulum(double gravity, int max_episode_steps) : gravity_(gravity), max_steps_(max_episode_steps) {
  obs_space_.shape = {3};
  obs_space_.low = {-1.0f, -1.0f, static_cast<float>(-kMaxSpeed)};
  obs_space_.high = {1.0f, 1.0f, static_cast<float>(kMaxSpeed)};
  action_space_.shape = {1};
  action_space_.low = {static_cast<float>(-kMaxTorque)};
  action_space_.high = {static_cast<float>(kMaxTorque)};
}

double Pendulum::normalize_angle(double x) {
  // ((x + pi) % (2 pi)) - pi with Python's modulo (the result takes the divisor's sign).
  double m = std::fmod(x + kPi, 2 * kPi);
  if (m < 0) m += 2 * kPi;
  return m - kPi;
}

void Pendulum::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void Pendulum::reset() {
  s_[0] = rng_.uniform(-kPi, kPi);
  s_[1] = rng_.uniform(-1.0, 1.0);
  elapsed_ = 0;
  done_ = false;
}

StepResult Pendulum::step(int action) {
  TP_THROW(Error, id_, " takes continuous actions (", action_space_.to_string(), "), not the discrete action ", action,
           "; use step_continuous");
}

StepResult Pendulum::step_continuous(const float* action) {
  TP_CHECK(!std::isnan(action[0]), id_, ": the torque is NaN");
  TP_CHECK(!done_, id_, ": step() after the episode ended; call reset()");
  const double th = s_[0], thdot = s_[1];
  // np.clip on the float32 action keeps float32; NumPy 1.x then promotes the scalar to
  // float64 in every expression below, so the arithmetic is float64 on the float32 value.
  const double u = std::clamp(action[0], static_cast<float>(-kMaxTorque), static_cast<float>(kMaxTorque));
  const double norm = normalize_angle(th);
  const double costs = norm * norm + 0.1 * (thdot * thdot) + 0.001 * (u * u);
  // Same expression order as Gymnasium so results agree to the last bits.
  double newthdot = thdot + (3 * gravity_ / (2 * kLength) * std::sin(th) + 3.0 / (kMass * kLength * kLength) * u) * kDt;
  newthdot = std::clamp(newthdot, -kMaxSpeed, kMaxSpeed);
  const double newth = th + newthdot * kDt;
  s_ = {newth, newthdot};
  ++elapsed_;
  StepResult r;
  r.reward = static_cast<float>(-costs);
  r.terminated = false;
  r.truncated = elapsed_ >= max_steps_;
  done_ = r.done();
  return r;
}

void Pendulum::observe(float* out) const {
  out[0] = static_cast<float>(std::cos(s_[0]));
  out[1] = static_cast<float>(std::sin(s_[0]));
  out[2] = static_cast<float>(s_[1]);
}

std::vector<double> Pendulum::get_state() const { return pack_classic_state(s_, elapsed_, done_, rng_); }

void Pendulum::set_state(const std::vector<double>& st) {
  unpack_classic_state(st, id_, max_steps_, s_, elapsed_, done_, rng_);
}

}  // namespace tp::envs
