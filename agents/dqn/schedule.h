#pragma once
// Exploration and PER schedules shared by the value-based agents (DQN, Ape-X, R2D2).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tp::agents::dqn {

// Linear schedules (epsilon, PER beta): `start` until step `begin`, then linearly to `end`
// over `duration` steps, then `end`.
struct LinearSchedule {
  double start = 1.0, end = 0.1;
  int64_t begin = 0, duration = 1;

  double at(int64_t step) const {
    if (step <= begin) return start;
    if (duration <= 0) return end;
    const double frac = std::min(1.0, static_cast<double>(step - begin) / static_cast<double>(duration));
    return start + frac * (end - start);
  }
};

// Ape-X's fixed epsilons (Horgan et al. 2018), also R2D2's: actor i of `count` explores with
// base^(1 + alpha i/(count - 1)), from `base` down to base^(1 + alpha); one actor gets `base`.
inline double apex_epsilon(double base, double alpha, int64_t i, int64_t count) {
  if (count <= 1) return base;
  return std::pow(base, 1.0 + alpha * static_cast<double>(i) / static_cast<double>(count - 1));
}

}  // namespace tp::agents::dqn
