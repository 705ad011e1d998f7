#include "agents/dqn/prioritized_sampler.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents::dqn {

PrioritizedSampler::PrioritizedSampler(int64_t capacity, double alpha, double eps)
    : alpha_(alpha), eps_(eps), tree_(capacity) {
  TP_CHECK_AS(UsageError, alpha >= 0.0, "--per-alpha must be >= 0");
  TP_CHECK_AS(UsageError, eps > 0.0, "--per-eps must be > 0");
}

void PrioritizedSampler::on_add(int64_t slot) { tree_.set(slot, max_priority_); }

void PrioritizedSampler::on_add(int64_t slot, float abs_td_error) {
  const double p = std::pow(static_cast<double>(std::fabs(abs_td_error)) + eps_, alpha_);
  max_priority_ = std::max(max_priority_, p);
  tree_.set(slot, p);
}

void PrioritizedSampler::sample(int64_t memory_size, double beta, Rng& rng, ReplayBatch& batch) const {
  const double total = tree_.total();
  const auto b = static_cast<double>(batch.indices.size());
  const double segment = total / b;
  // max_j w_j belongs to the smallest priority: w_max = (N * p_min / total)^-beta.
  const double n = static_cast<double>(memory_size);
  const double max_weight = std::pow(n * tree_.min() / total, -beta);
  float* w = batch.weights.data_ptr<float>();
  for (size_t k = 0; k < batch.indices.size(); ++k) {
    const double prefix = std::min(segment * (static_cast<double>(k) + rng.uniform()), total);
    const int64_t i = tree_.find(prefix);
    batch.indices[k] = i;
    const double p = tree_.get(i) / total;  // P(i)
    w[k] = static_cast<float>(std::pow(n * p, -beta) / max_weight);
  }
}

void PrioritizedSampler::update(const std::vector<int64_t>& indices, const float* abs_td_errors) {
  for (size_t k = 0; k < indices.size(); ++k) on_add(indices[k], abs_td_errors[k]);
}

void PrioritizedSampler::save(CheckpointWriter& w, const std::string& prefix) const {
  auto leaves = torch::empty({tree_.capacity()}, torch::kFloat64);
  double* d = leaves.data_ptr<double>();
  for (int64_t i = 0; i < tree_.capacity(); ++i) d[i] = tree_.get(i);
  w.add_tensor(prefix + "priorities", leaves);
  w.add_tensor(prefix + "max_priority", torch::tensor({max_priority_}, torch::kFloat64));
}

void PrioritizedSampler::load(CheckpointReader& r, const std::string& prefix) {
  torch::Tensor leaves = r.tensor(prefix + "priorities");
  TP_CHECK_AS(CheckpointError, leaves.scalar_type() == torch::kFloat64 && leaves.numel() == tree_.capacity(),
              "checkpoint '", r.path(), "': saved priorities do not match the replay capacity");
  // A negative or non-finite priority would make the sum tree's descent run off its leaves.
  const double* d = leaves.data_ptr<double>();
  const torch::Tensor max_priority = r.tensor(prefix + "max_priority");
  TP_CHECK_AS(CheckpointError, max_priority.numel() == 1, "checkpoint '", r.path(), "': malformed max priority");
  const double m = max_priority.item<double>();
  TP_CHECK_AS(CheckpointError, std::isfinite(m) && m > 0, "checkpoint '", r.path(), "': the max priority is ", m);
  for (int64_t i = 0; i < tree_.capacity(); ++i)
    TP_CHECK_AS(CheckpointError, std::isfinite(d[i]) && d[i] >= 0 && d[i] <= m, "checkpoint '", r.path(),
                "': replay priority ", i, " is negative, not finite or above the max");
  for (int64_t i = 0; i < tree_.capacity(); ++i) tree_.set(i, d[i]);
  max_priority_ = m;
}

}  // namespace tp::agents::dqn
