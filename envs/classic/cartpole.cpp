#include "envs/classic/cartpole.h"
#include "envs/classic/classic_state.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace tp::envs {

CartPole::CartPole(int max_episode_steps) : max_steps_(max_episode_steps) {
  const float inf = std::numeric_limits<float>::infinity();
  const float x = static_cast<float>(kXThreshold * 2);
  const float th = static_cast<float>(kThetaThreshold * 2);
  obs_space_.shape = {4};
  obs_space_.low = {-x, -inf, -th, -inf};
  obs_space_.high = {x, inf, th, inf};
}

void CartPole::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void CartPole::reset() {
  for (double& v : s_) v = rng_.uniform(-0.05, 0.05);
  elapsed_ = 0;
  done_ = false;
}

StepResult CartPole::step(int action) {
  TP_CHECK(action == 0 || action == 1, "CartPole-v1: invalid action ", action, " (valid: 0, 1)");
  TP_CHECK(!done_, "CartPole-v1: step() after the episode ended; call reset()");
  double x = s_[0], x_dot = s_[1], theta = s_[2], theta_dot = s_[3];
  const double force = action == 1 ? kForceMag : -kForceMag;
  const double costheta = std::cos(theta);
  const double sintheta = std::sin(theta);
  // Same expression order as Gymnasium so results agree to the last bits.
  const double temp = (force + kPoleMassLength * (theta_dot * theta_dot) * sintheta) / kTotalMass;
  const double thetaacc = (kGravity * sintheta - costheta * temp) /
                          (kLength * (4.0 / 3.0 - kMassPole * (costheta * costheta) / kTotalMass));
  const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
  // Euler ("euler" kinematics_integrator, Gymnasium's default).
  x = x + kTau * x_dot;
  x_dot = x_dot + kTau * xacc;
  theta = theta + kTau * theta_dot;
  theta_dot = theta_dot + kTau * thetaacc;
  s_ = {x, x_dot, theta, theta_dot};
  ++elapsed_;
  StepResult r;
  r.terminated = x < -kXThreshold || x > kXThreshold || theta < -kThetaThreshold || theta > kThetaThreshold;
  r.truncated = elapsed_ >= max_steps_;  // TimeLimit: may coincide with terminated
  r.reward = 1.0f;
  done_ = r.done();
  return r;
}

void CartPole::observe(float* out) const {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<float>(s_[static_cast<size_t>(i)]);
}

std::vector<double> CartPole::get_state() const { return pack_classic_state(s_, elapsed_, done_, rng_); }

void CartPole::set_state(const std::vector<double>& st) {
  unpack_classic_state(st, id_, max_steps_, s_, elapsed_, done_, rng_);
}

}  // namespace tp::envs
