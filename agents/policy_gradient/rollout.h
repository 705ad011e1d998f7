#pragma once
// Rollout collection shared by PPO, A2C and each A3C worker: num_envs copies of the env
// (envs::VecEnv, auto-reset) stepped num_steps times with actions sampled from the
// actor-critic network, with the optional observation and reward normalisation and the
// truncation bootstrap: the last reward of an episode cut by a time limit becomes
// r + gamma V(final observation), so GAE needs to know only where episodes ended.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/policy_gradient/normalizers.h"
#include "agents/policy_gradient/pg_options.h"
#include "envs/vec_env.h"
#include "nets/actor_critic.h"

namespace tp {
class CheckpointWriter;
class CheckpointReader;
class ProcessGroup;
}  // namespace tp

namespace tp::agents::pg {

// num_steps x num_envs transitions (leading dims [T, N]).
struct Rollout {
  torch::Tensor obs;           // [T, N, ...obs shape], as the network saw them (normalised)
  torch::Tensor actions;       // [T, N, d] (discrete: d = 1, the index)
  torch::Tensor log_probs;     // [T, N]
  torch::Tensor values;        // [T, N]
  torch::Tensor rewards;       // [T, N], scaled, truncation bootstrap included
  torch::Tensor episode_ends;  // [T, N], 1 where an episode ended at that step
  torch::Tensor next_values;   // [N], values of the observations after the last step
};

struct FinishedEpisode {
  double episode_return = 0;  // raw rewards (before any scaling)
  int length = 0;
};

class RolloutCollector {
 public:
  // Resets copy i with seed + i.
  RolloutCollector(const envs::Env& prototype, const PgOptions& options, uint64_t seed);
  ~RolloutCollector();

  // One rollout with `net` (no gradients), sampling with `generator` (undefined: LibTorch's
  // default generator). Episodes that end are kept for take_finished().
  Rollout collect(nets::ActorCritic& net, const at::Generator& generator = {});
  std::vector<FinishedEpisode> take_finished();

  int64_t steps() const { return steps_; }  // env steps taken, all copies together
  // The observation statistics (nullopt without --norm-obs).
  const std::optional<RunningMeanStd>& obs_stats() const { return obs_stats_; }

  // Env states, running returns, current observations and normalisers, under `prefix`.
  void save(CheckpointWriter& writer, const std::string& prefix) const;
  void load(CheckpointReader& reader, const std::string& prefix);
  // What the ranks of a distributed run share (the normalisers and the step count), leaving
  // this collector's own envs as they are: a following rank starting from rank 0's state.
  void load_shared(CheckpointReader& reader, const std::string& prefix);

  // Makes this collector one rank's share of a distributed run's envs: after each rollout the
  // normalisers' statistics are combined over the ranks (RunningMeanStd::combine_ranks).
  void join(ProcessGroup& group) { group_ = &group; }

 private:
  torch::Tensor observe_batch(const float* raw, int64_t rows, bool update_stats);

  PgOptions o_;
  envs::VecEnv vec_;
  std::vector<int64_t> obs_shape_;  // [N, ...obs shape]
  int64_t action_dim_ = 1;
  bool continuous_ = false;
  torch::Tensor obs_;  // [N, ...]: the current observations, normalised
  std::optional<RunningMeanStd> obs_stats_;
  std::optional<RewardScaler> reward_scaler_;
  std::vector<double> running_returns_;
  std::vector<int> running_lengths_;
  std::vector<FinishedEpisode> finished_;
  int64_t steps_ = 0;
  ProcessGroup* group_ = nullptr;
};

}  // namespace tp::agents::pg
