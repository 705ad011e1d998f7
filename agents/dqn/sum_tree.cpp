#include "agents/dqn/sum_tree.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace tp::agents::dqn {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

SumTree::SumTree(int64_t capacity) : capacity_(capacity), leaves_(1) {
  TP_CHECK(capacity > 0, "sum tree capacity must be > 0");
  while (leaves_ < capacity) leaves_ *= 2;
  sum_.assign(static_cast<size_t>(2 * leaves_), 0.0);
  min_.assign(static_cast<size_t>(2 * leaves_), kInf);
}

void SumTree::set(int64_t i, double p) {
  TP_CHECK(i >= 0 && i < capacity_, "sum tree index ", i, " out of range");
  TP_CHECK(p >= 0.0 && p < kInf, "priority must be finite and >= 0, got ", p);
  auto node = static_cast<size_t>(leaves_ + i);
  sum_[node] = p;
  min_[node] = p > 0.0 ? p : kInf;
  for (node /= 2; node >= 1; node /= 2) {
    sum_[node] = sum_[2 * node] + sum_[2 * node + 1];
    min_[node] = std::min(min_[2 * node], min_[2 * node + 1]);
  }
}

int64_t SumTree::find(double prefix) const {
  TP_CHECK(total() > 0.0, "cannot sample from a sum tree with zero total priority");
  size_t node = 1;
  const auto first_leaf = static_cast<size_t>(leaves_);
  while (node < first_leaf) {
    const size_t left = 2 * node;
    // Go right only when the prefix lies beyond the left sum and the right side has mass
    // (rounding can put a prefix equal to the total just past the last positive leaf).
    if (prefix < sum_[left] || sum_[left + 1] <= 0.0) {
      node = left;
    } else {
      prefix -= sum_[left];
      node = left + 1;
    }
  }
  return static_cast<int64_t>(node - first_leaf);
}

}  // namespace tp::agents::dqn
