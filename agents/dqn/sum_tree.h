#pragma once
// A sum tree (Schaul et al. 2016, Appendix B.2.1): leaves hold priorities, inner nodes the
// sums of their children, so sampling proportionally to priority and updating one priority
// are both O(log n). A parallel min tree gives the smallest priority (for the maximum
// importance weight). Parents are recomputed from their children on every update, so
// repeated updates accumulate no floating-point drift.
#include <cstdint>
#include <vector>

namespace tp::agents::dqn {

class SumTree {
 public:
  explicit SumTree(int64_t capacity);

  int64_t capacity() const { return capacity_; }
  // Sets leaf i (0 <= i < capacity) to priority p >= 0.
  void set(int64_t i, double p);
  double get(int64_t i) const { return sum_[static_cast<size_t>(leaves_ + i)]; }
  double total() const { return sum_[1]; }
  // Smallest positive leaf priority (+inf when all leaves are zero).
  double min() const { return min_[1]; }
  // The leaf i whose cumulative range [sum_{j<i} p_j, sum_{j<=i} p_j) contains `prefix`
  // (0 <= prefix < total()); never a zero-priority leaf.
  int64_t find(double prefix) const;

 private:
  int64_t capacity_, leaves_;
  std::vector<double> sum_, min_;
};

}  // namespace tp::agents::dqn
