#pragma once
// Small statistics shared by the commands: win rates, recent training returns.
#include <cstddef>
#include <deque>

namespace tp {

// The newest `capacity` training-episode returns: what every trainer's progress line
// ("return(20)") and summary (train_return_last100) show.
class RecentReturns {
 public:
  explicit RecentReturns(size_t capacity = 100) : capacity_(capacity) {}
  void add(double episode_return);
  bool empty() const { return values_.empty(); }
  // The mean of the newest n (of fewer when fewer were added; NaN when none).
  double mean_of_last(size_t n) const;

 private:
  size_t capacity_;
  std::deque<double> values_;
};

// Wilson score interval for a proportion `p` observed over n trials (z = 1.96 for 95%);
// [0, 1] when n <= 0.
void wilson_interval(double p, int n, double z, double& low, double& high);

}  // namespace tp
