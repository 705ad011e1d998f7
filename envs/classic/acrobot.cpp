#include "envs/classic/acrobot.h"
#include "envs/classic/classic_state.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace tp::envs {

namespace {

using State5 = std::array<double, 5>;  // {theta1, theta2, dtheta1, dtheta2, torque}

// Gymnasium's Acrobot._dsdt, "book" variant, with the same operation order.
State5 dsdt(const State5& s) {
  constexpr double m1 = Acrobot::kLinkMass1, m2 = Acrobot::kLinkMass2, l1 = Acrobot::kLinkLength1;
  constexpr double lc1 = Acrobot::kLinkComPos1, lc2 = Acrobot::kLinkComPos2;
  constexpr double I1 = Acrobot::kLinkMoi, I2 = Acrobot::kLinkMoi, g = 9.8, pi = Acrobot::kPi;
  const double a = s[4];
  const double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
  const double d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * std::cos(theta2)) + I1 + I2;
  const double d2 = m2 * ((lc2 * lc2) + l1 * lc2 * std::cos(theta2)) + I2;
  const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - pi / 2.0);
  const double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * std::sin(theta2) -
                      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                      (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - pi / 2) + phi2;
  const double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * std::sin(theta2) - phi2) /
                          (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
  const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return {dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0};
}

State5 axpy(const State5& y, double h, const State5& k) {
  State5 out;
  for (size_t i = 0; i < 5; ++i) out[i] = y[i] + h * k[i];
  return out;
}

// Gymnasium's rk4() over t = [0, dt]: a single classic Runge-Kutta step.
State5 rk4(const State5& y0, double dt) {
  const double dt2 = dt / 2.0;
  const State5 k1 = dsdt(y0);
  const State5 k2 = dsdt(axpy(y0, dt2, k1));
  const State5 k3 = dsdt(axpy(y0, dt2, k2));
  const State5 k4 = dsdt(axpy(y0, dt, k3));
  State5 out;
  for (size_t i = 0; i < 5; ++i) out[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  return out;
}

double wrap(double x, double m, double M) {
  const double diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

}  // namespace

Acrobot::Acrobot(int max_episode_steps) : max_steps_(max_episode_steps) {
  const float v1 = static_cast<float>(kMaxVel1), v2 = static_cast<float>(kMaxVel2);
  obs_space_.shape = {6};
  obs_space_.low = {-1, -1, -1, -1, -v1, -v2};
  obs_space_.high = {1, 1, 1, 1, v1, v2};
}

void Acrobot::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void Acrobot::reset() {
  for (double& v : s_) v = static_cast<float>(rng_.uniform(-0.1, 0.1));  // .astype(np.float32)
  elapsed_ = 0;
  done_ = false;
}

StepResult Acrobot::step(int action) {
  TP_CHECK(action >= 0 && action <= 2, "Acrobot-v1: invalid action ", action, " (valid: 0, 1, 2)");
  TP_CHECK(!done_, "Acrobot-v1: step() after the episode ended; call reset()");
  constexpr double kTorque[3] = {-1.0, 0.0, 1.0};
  const State5 ns = rk4({s_[0], s_[1], s_[2], s_[3], kTorque[action]}, kDt);
  s_[0] = wrap(ns[0], -kPi, kPi);
  s_[1] = wrap(ns[1], -kPi, kPi);
  s_[2] = std::min(std::max(ns[2], -kMaxVel1), kMaxVel1);
  s_[3] = std::min(std::max(ns[3], -kMaxVel2), kMaxVel2);
  ++elapsed_;
  StepResult r;
  r.terminated = -std::cos(s_[0]) - std::cos(s_[1] + s_[0]) > 1.0;
  r.truncated = elapsed_ >= max_steps_;
  r.reward = r.terminated ? 0.0f : -1.0f;
  done_ = r.done();
  return r;
}

void Acrobot::observe(float* out) const {
  out[0] = static_cast<float>(std::cos(s_[0]));
  out[1] = static_cast<float>(std::sin(s_[0]));
  out[2] = static_cast<float>(std::cos(s_[1]));
  out[3] = static_cast<float>(std::sin(s_[1]));
  out[4] = static_cast<float>(s_[2]);
  out[5] = static_cast<float>(s_[3]);
}

std::vector<double> Acrobot::get_state() const { return pack_classic_state(s_, elapsed_, done_, rng_); }

void Acrobot::set_state(const std::vector<double>& st) {
  unpack_classic_state(st, id_, max_steps_, s_, elapsed_, done_, rng_);
}

}  // namespace tp::envs
