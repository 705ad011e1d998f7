#pragma once
// Small statistics shared by the commands: win rates, recent training returns.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace tp {

// The newest `capacity` training-episode returns: what every trainer's progress line
// ("return(20)") and summary (train_return_last100) show; and those of the episodes that ended
// within the last kStepWindow env steps (the MinAtar paper's measure).
class RecentReturns {
 public:
  static constexpr int64_t kStepWindow = 100'000;
  explicit RecentReturns(size_t capacity = 100) : capacity_(capacity) {}
  // `step`: the env steps (all envs together) when the episode ended.
  void add(double episode_return, int64_t step);
  bool empty() const { return values_.empty(); }
  // The mean of the newest n (of fewer when fewer were added; NaN when none).
  double mean_of_last(size_t n) const;
  // The episodes that ended after env step `first_step` (at most kStepWindow before the newest
  // one added): how many, and their mean return (NaN when none).
  size_t count_since(int64_t first_step) const;
  double mean_since(int64_t first_step) const;

 private:
  size_t capacity_;
  std::deque<double> values_;
  std::deque<std::pair<int64_t, double>> windowed_;  // (step, return)
};

// Wilson score interval for a proportion `p` observed over n trials (z = 1.96 for 95%);
// [0, 1] when n <= 0.
void wilson_interval(double p, int n, double z, double& low, double& high);

}  // namespace tp
