#pragma once
// Linear schedules (epsilon, PER beta): `start` until step `begin`, then linearly to `end`
// over `duration` steps, then `end`.
#include <algorithm>
#include <cstdint>

namespace tp::agents::dqn {

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

}  // namespace tp::agents::dqn
