#pragma once
// Proportional prioritized replay (Schaul et al. 2016): transition i is sampled with
// probability P(i) = p_i^alpha / sum_k p_k^alpha, p_i = |delta_i| + eps, new transitions get
// the largest priority seen so far, and the update is corrected by importance-sampling
// weights w_i = (N P(i))^-beta / max_j w_j, with beta annealed to 1 over training.
#include <cstdint>
#include <string>
#include <vector>

#include "agents/dqn/replay_memory.h"
#include "agents/dqn/sum_tree.h"
#include "core/rng.h"

namespace tp::agents::dqn {

class PrioritizedSampler {
 public:
  PrioritizedSampler(int64_t capacity, double alpha, double eps);

  // A transition was written to `slot`: it gets the maximal priority so it is replayed soon.
  void on_add(int64_t slot);
  // ... or the priority of a TD error already known (Ape-X: the actor computed it).
  void on_add(int64_t slot, float abs_td_error);
  // Stratified sampling (one draw in each of B equal slices of the total priority) into
  // batch.indices, and the normalized importance weights for `beta` into batch.weights.
  void sample(int64_t memory_size, double beta, Rng& rng, ReplayBatch& batch) const;
  // p_i <- (|delta_i| + eps)^alpha for the sampled indices.
  void update(const std::vector<int64_t>& indices, const float* abs_td_errors);
  double priority(int64_t slot) const { return tree_.get(slot); }
  const SumTree& tree() const { return tree_; }

  void save(CheckpointWriter& writer, const std::string& prefix) const;
  void load(CheckpointReader& reader, const std::string& prefix);

 private:
  double alpha_, eps_;
  double max_priority_ = 1.0;  // already raised to alpha
  SumTree tree_;
};

}  // namespace tp::agents::dqn
