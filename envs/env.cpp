#include "envs/env.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"

namespace tp::envs {

int64_t BoxSpace::size() const {
  int64_t n = 1;
  for (int d : shape) n *= d;
  return n;
}

bool BoxSpace::contains(const float* obs) const {
  for (int64_t i = 0; i < size(); ++i) {
    if (std::isnan(obs[i]) || obs[i] < low[static_cast<size_t>(i)] || obs[i] > high[static_cast<size_t>(i)])
      return false;
  }
  return true;
}

StepResult Env::step_continuous(const float*) {
  TP_THROW(Error, id(), " takes discrete actions (", action_space().to_string(), "), not a continuous vector");
}

void require_discrete_actions(const Env& env, const std::string& who) {
  if (const BoxSpace* box = env.continuous_action_space())
    TP_THROW(UsageError, who, " needs a discrete action space; ", env.id(), " has ", box->to_string());
}

void Env::observe_bytes(uint8_t* out) const {
  const int64_t n = observation_space().size();
  std::vector<float> obs(static_cast<size_t>(n));
  observe(obs.data());
  for (int64_t i = 0; i < n; ++i) {
    const float v = obs[static_cast<size_t>(i)];
    TP_CHECK(v >= 0 && v <= 255 && v == static_cast<float>(static_cast<int>(v)), id(),
             ": observe_bytes needs integer observations in [0, 255], got ", v);
    out[i] = static_cast<uint8_t>(v);
  }
}

namespace {
std::string bounds(const std::vector<float>& v) {
  // Uniform bounds print as one number, like Gymnasium's repr.
  bool uniform = true;
  for (float x : v) uniform = uniform && x == v.front();
  std::ostringstream os;
  auto put = [&](float x) {
    if (std::isinf(x))
      os << (x > 0 ? "inf" : "-inf");
    else
      os << x;
  };
  if (uniform && !v.empty()) {
    put(v.front());
    return os.str();
  }
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) os << ", ";
    put(v[i]);
  }
  os << "]";
  return os.str();
}
}  // namespace

std::string BoxSpace::to_string() const {
  std::ostringstream os;
  os << "Box(" << bounds(low) << ", " << bounds(high) << ", (";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  if (shape.size() == 1) os << ",";
  os << "), " << dtype << ")";
  return os.str();
}

}  // namespace tp::envs
