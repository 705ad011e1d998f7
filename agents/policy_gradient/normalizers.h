#pragma once
// Running statistics for the optional normalisations of the policy-gradient agents, as
// Gymnasium's NormalizeObservation and NormalizeReward wrappers keep them (the PPO reference
// implementations use both). Kept in checkpoints; a trained policy normalises its inputs with
// the statistics it was trained with.
#include <cstdint>
#include <vector>

namespace tp {
class ProcessGroup;
}

namespace tp::agents::pg {

// Mean and variance of a stream of vectors, merged batch by batch (Chan et al.'s parallel
// update, as Gymnasium's RunningMeanStd).
class RunningMeanStd {
 public:
  explicit RunningMeanStd(int64_t size = 1);
  // `rows` vectors of size() values each.
  void update(const float* batch, int64_t rows);
  // In place: clip((x - mean) / sqrt(var + 1e-8), -clip, clip).
  void normalize(float* data, int64_t rows, double clip) const;
  int64_t size() const { return static_cast<int64_t>(mean_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& var() const { return var_; }
  double count() const { return count_; }

  // [mean..., var..., count] for checkpoints, and back (tp::Error on a size mismatch).
  std::vector<double> state() const;
  void set_state(const std::vector<double>& state);

  // A distributed run: every rank held `before` and has since merged rows of its own; after
  // this every rank holds the statistics of `before` and all ranks' rows (their raw moments
  // summed over the ranks).
  void combine_ranks(ProcessGroup& group, const RunningMeanStd& before);

 private:
  std::vector<double> mean_, var_;
  double count_ = 1e-4;  // Gymnasium's epsilon start
};

// Scales rewards by the running standard deviation of each env's discounted return
// (NormalizeReward): R <- gamma R (1 - terminated) + r; statistics updated with R; the
// reward becomes clip(r / sqrt(var + 1e-8), -clip, clip).
class RewardScaler {
 public:
  RewardScaler(int num_envs, double gamma);
  // In place for one vector step of num_envs rewards.
  void scale(float* rewards, const uint8_t* terminated, double clip);
  // [running returns..., return statistics...] for checkpoints, and back.
  std::vector<double> state() const;
  void set_state(const std::vector<double>& state);
  // The return statistics the rewards are scaled by (RunningMeanStd::combine_ranks).
  RunningMeanStd& return_stats() { return stats_; }

 private:
  double gamma_;
  std::vector<double> returns_;
  RunningMeanStd stats_;
};

}  // namespace tp::agents::pg
