#include "agents/policy_gradient/normalizers.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "core/process_group.h"

namespace tp::agents::pg {

RunningMeanStd::RunningMeanStd(int64_t size)
    : mean_(static_cast<size_t>(size), 0.0), var_(static_cast<size_t>(size), 1.0) {}

void RunningMeanStd::update(const float* batch, int64_t rows) {
  if (rows <= 0) return;
  const size_t n = mean_.size();
  for (size_t j = 0; j < n; ++j) {
    double m = 0.0;
    for (int64_t r = 0; r < rows; ++r) m += batch[static_cast<size_t>(r) * n + j];
    m /= static_cast<double>(rows);
    double v = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      const double d = batch[static_cast<size_t>(r) * n + j] - m;
      v += d * d;
    }
    v /= static_cast<double>(rows);
    // Merge (mean_, var_, count_) with the batch's (m, v, rows).
    const double total = count_ + static_cast<double>(rows);
    const double delta = m - mean_[j];
    const double m2 =
        var_[j] * count_ + v * static_cast<double>(rows) + delta * delta * count_ * static_cast<double>(rows) / total;
    mean_[j] += delta * static_cast<double>(rows) / total;
    var_[j] = m2 / total;
  }
  count_ += static_cast<double>(rows);
}

void RunningMeanStd::normalize(float* data, int64_t rows, double clip) const {
  const size_t n = mean_.size();
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < n; ++j) {
      float& x = data[static_cast<size_t>(r) * n + j];
      const double z = (x - mean_[j]) / std::sqrt(var_[j] + 1e-8);
      x = static_cast<float>(std::clamp(z, -clip, clip));
    }
  }
}

std::vector<double> RunningMeanStd::state() const {
  std::vector<double> s(mean_);
  s.insert(s.end(), var_.begin(), var_.end());
  s.push_back(count_);
  return s;
}

void RunningMeanStd::combine_ranks(ProcessGroup& group, const RunningMeanStd& before) {
  const size_t n = mean_.size();
  TP_CHECK(before.mean_.size() == n, "running statistics: combining sizes ", before.mean_.size(), " and ", n);
  // This rank's rows since `before`: their count, sum and sum of squares.
  auto packed = torch::empty({static_cast<int64_t>(2 * n + 1)}, torch::kFloat64);
  double* v = packed.data_ptr<double>();
  for (size_t j = 0; j < n; ++j) {
    v[j] = count_ * mean_[j] - before.count_ * before.mean_[j];
    v[n + j] =
        count_ * (var_[j] + mean_[j] * mean_[j]) - before.count_ * (before.var_[j] + before.mean_[j] * before.mean_[j]);
  }
  v[2 * n] = count_ - before.count_;
  std::vector<torch::Tensor> tensors = {packed};
  group.all_reduce_sum(tensors);
  count_ = before.count_ + v[2 * n];
  for (size_t j = 0; j < n; ++j) {
    const double sum = before.count_ * before.mean_[j] + v[j];
    const double squares = before.count_ * (before.var_[j] + before.mean_[j] * before.mean_[j]) + v[n + j];
    mean_[j] = sum / count_;
    var_[j] = std::max(0.0, squares / count_ - mean_[j] * mean_[j]);
  }
}

void RunningMeanStd::set_state(const std::vector<double>& s) {
  const size_t n = mean_.size();
  TP_CHECK(s.size() == 2 * n + 1, "running statistics: expected ", 2 * n + 1, " values, got ", s.size());
  std::copy(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n), mean_.begin());
  std::copy(s.begin() + static_cast<std::ptrdiff_t>(n), s.end() - 1, var_.begin());
  count_ = s.back();
}

RewardScaler::RewardScaler(int num_envs, double gamma)
    : gamma_(gamma), returns_(static_cast<size_t>(num_envs), 0.0), stats_(1) {}

void RewardScaler::scale(float* rewards, const uint8_t* terminated, double clip) {
  std::vector<float> returns(returns_.size());
  for (size_t i = 0; i < returns_.size(); ++i) {
    returns_[i] = returns_[i] * gamma_ * (terminated[i] ? 0.0 : 1.0) + rewards[i];
    returns[i] = static_cast<float>(returns_[i]);
  }
  stats_.update(returns.data(), static_cast<int64_t>(returns.size()));
  const double std = std::sqrt(stats_.var()[0] + 1e-8);
  for (size_t i = 0; i < returns_.size(); ++i)
    rewards[i] = static_cast<float>(std::clamp(rewards[i] / std, -clip, clip));
}

std::vector<double> RewardScaler::state() const {
  std::vector<double> s(returns_);
  const auto st = stats_.state();
  s.insert(s.end(), st.begin(), st.end());
  return s;
}

void RewardScaler::set_state(const std::vector<double>& s) {
  TP_CHECK(s.size() == returns_.size() + 3, "reward scaler: expected ", returns_.size() + 3, " values, got ", s.size());
  std::copy(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(returns_.size()), returns_.begin());
  stats_.set_state(std::vector<double>(s.begin() + static_cast<std::ptrdiff_t>(returns_.size()), s.end()));
}

}  // namespace tp::agents::pg
