#include "core/stats.h"

#include <algorithm>
#include <cmath>

namespace tp {

void wilson_interval(double p, int n, double z, double& low, double& high) {
  if (n <= 0) {
    low = 0.0;
    high = 1.0;
    return;
  }
  const double z2 = z * z, denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

void RecentReturns::add(double episode_return, int64_t step) {
  values_.push_back(episode_return);
  if (values_.size() > capacity_) values_.pop_front();
  windowed_.emplace_back(step, episode_return);
  while (windowed_.front().first <= step - kStepWindow) windowed_.pop_front();
}

size_t RecentReturns::count_since(int64_t first_step) const {
  size_t n = 0;
  for (const auto& [step, value] : windowed_) n += step > first_step;
  return n;
}

double RecentReturns::mean_since(int64_t first_step) const {
  double sum = 0;
  size_t n = 0;
  for (const auto& [step, value] : windowed_)
    if (step > first_step) {
      sum += value;
      ++n;
    }
  return n ? sum / static_cast<double>(n) : std::nan("");
}

double RecentReturns::mean_of_last(size_t n) const {
  const size_t k = std::min(n, values_.size());
  if (k == 0) return std::nan("");
  double sum = 0;
  for (auto it = values_.end() - static_cast<std::ptrdiff_t>(k); it != values_.end(); ++it) sum += *it;
  return sum / static_cast<double>(k);
}

}  // namespace tp
