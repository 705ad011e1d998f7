#include "agents/policy_gradient/rollout.h"

#include <torch/torch.h>

#include "agents/vec_env_checkpoint.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "nets/action_distribution.h"
#include "nets/layers.h"

namespace tp::agents::pg {

RolloutCollector::RolloutCollector(const envs::Env& prototype, const PgOptions& options, uint64_t seed)
    : o_(options),
      vec_(prototype, options.num_envs, /*threads=*/1),
      running_returns_(static_cast<size_t>(options.num_envs), 0.0),
      running_lengths_(static_cast<size_t>(options.num_envs), 0) {
  obs_shape_.push_back(o_.num_envs);
  for (int d : prototype.observation_space().shape) obs_shape_.push_back(d);
  if (const envs::BoxSpace* box = prototype.continuous_action_space()) {
    continuous_ = true;
    action_dim_ = box->size();
  }
  if (o_.norm_obs) obs_stats_.emplace(vec_.obs_size());
  if (o_.norm_reward) reward_scaler_.emplace(o_.num_envs, o_.gamma);
  vec_.reset(seed);
  obs_ = observe_batch(vec_.obs(), o_.num_envs, /*update_stats=*/true);
}

RolloutCollector::~RolloutCollector() = default;

torch::Tensor RolloutCollector::observe_batch(const float* raw, int64_t rows, bool update_stats) {
  std::vector<int64_t> shape = obs_shape_;
  shape[0] = rows;
  torch::Tensor t = torch::from_blob(const_cast<float*>(raw), shape, torch::kFloat32).clone();
  if (obs_stats_) {
    if (update_stats) obs_stats_->update(t.data_ptr<float>(), rows);
    obs_stats_->normalize(t.data_ptr<float>(), rows, o_.obs_clip);
  }
  return t;
}

Rollout RolloutCollector::collect(nets::ActorCritic& net, const at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const int64_t steps = o_.num_steps, n = o_.num_envs;
  std::vector<int64_t> obs_dims = obs_shape_;
  obs_dims.insert(obs_dims.begin(), steps);
  Rollout r;
  r.obs = torch::empty(obs_dims);
  r.actions = torch::empty({steps, n, action_dim_});
  r.log_probs = torch::empty({steps, n});
  r.values = torch::empty({steps, n});
  r.rewards = torch::empty({steps, n});
  r.episode_ends = torch::empty({steps, n});
  // The network may live on another device; rollouts stay on the CPU, beside the envs.
  const torch::Device device = nets::device_of(*net);
  // Distributed: the statistics every rank starts the rollout from (combined at its end).
  const std::optional<RunningMeanStd> obs_before = group_ ? obs_stats_ : std::nullopt;
  std::optional<RunningMeanStd> returns_before;
  if (group_ && reward_scaler_) returns_before = reward_scaler_->return_stats();
  std::vector<int> discrete_actions(static_cast<size_t>(n));
  std::vector<float> rewards(static_cast<size_t>(n));
  const bool gsde = net->options().gsde;
  torch::Tensor exploration;  // gSDE: one noise matrix per env [N, F, d]
  for (int64_t t = 0; t < steps; ++t) {
    // gSDE holds each env's noise matrix for the rollout, or for --sde-sample-freq steps.
    if (gsde && (t == 0 || (o_.sde_sample_freq > 0 && t % o_.sde_sample_freq == 0)))
      exploration = net->sample_exploration(n, generator);
    r.obs[t] = obs_;
    nets::ActorCriticOutput out = net->forward(obs_.to(device));
    out.policy = out.policy.cpu();
    out.value = out.value.cpu();
    out.features = out.features.cpu();
    const nets::ActionDistribution dist = net->distribution(out);
    const torch::Tensor action = (gsde ? net->explore(out, exploration) : dist.sample(generator)).contiguous();
    r.actions[t] = action;
    r.log_probs[t] = dist.log_prob(action);
    r.values[t] = out.value;
    if (continuous_) {
      vec_.step_continuous(action.data_ptr<float>());
    } else {
      const float* a = action.data_ptr<float>();
      for (int64_t i = 0; i < n; ++i) discrete_actions[static_cast<size_t>(i)] = static_cast<int>(a[i]);
      vec_.step(discrete_actions);
    }
    steps_ += n;
    // Episode statistics on the raw rewards.
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(i);
      running_returns_[k] += vec_.rewards()[k];
      ++running_lengths_[k];
      if (vec_.done(static_cast<int>(i))) {
        finished_.push_back({running_returns_[k], running_lengths_[k]});
        running_returns_[k] = 0.0;
        running_lengths_[k] = 0;
      }
    }
    std::copy(vec_.rewards().begin(), vec_.rewards().end(), rewards.begin());
    if (reward_scaler_) reward_scaler_->scale(rewards.data(), vec_.terminated().data(), o_.reward_clip);
    // Truncated episodes bootstrap from the value of their final observation.
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(i);
      if (vec_.truncated()[k] && !vec_.terminated()[k]) {
        const torch::Tensor final_obs = observe_batch(vec_.final_obs(static_cast<int>(i)), 1, false);
        rewards[k] += static_cast<float>(o_.gamma * net->value(final_obs.to(device)).item<double>());
      }
      r.episode_ends[t][i] = vec_.done(static_cast<int>(i)) ? 1.0 : 0.0;
    }
    r.rewards[t] = torch::from_blob(rewards.data(), {n}, torch::kFloat32);
    obs_ = observe_batch(vec_.obs(), n, /*update_stats=*/true);
  }
  r.next_values = net->value(obs_.to(device)).cpu();
  if (obs_before) obs_stats_->combine_ranks(*group_, *obs_before);
  if (returns_before) reward_scaler_->return_stats().combine_ranks(*group_, *returns_before);
  return r;
}

std::vector<FinishedEpisode> RolloutCollector::take_finished() {
  std::vector<FinishedEpisode> out;
  out.swap(finished_);
  return out;
}

void RolloutCollector::save(CheckpointWriter& w, const std::string& prefix) const {
  save_env_states(w, prefix + "env_states", vec_);
  w.add_tensor(prefix + "obs", obs_);
  std::vector<double> episodes(running_returns_);
  episodes.insert(episodes.end(), running_lengths_.begin(), running_lengths_.end());
  episodes.push_back(static_cast<double>(steps_));
  w.add_tensor(prefix + "episodes", torch::tensor(episodes, torch::kFloat64));
  if (obs_stats_) w.add_tensor(prefix + "obs_stats", torch::tensor(obs_stats_->state(), torch::kFloat64));
  if (reward_scaler_) w.add_tensor(prefix + "reward_scaler", torch::tensor(reward_scaler_->state(), torch::kFloat64));
}

void RolloutCollector::load(CheckpointReader& r, const std::string& prefix) {
  load_env_states(r, prefix + "env_states", vec_);
  const torch::Tensor obs = r.tensor(prefix + "obs");
  TP_CHECK_AS(CheckpointError, obs.sizes() == obs_.sizes(), "checkpoint '", r.path(),
              "': observation batch does not match --num-envs and the env");
  obs_ = obs.clone();
  const std::vector<double> episodes = r.doubles(prefix + "episodes");
  const size_t n = running_returns_.size();
  TP_CHECK_AS(CheckpointError, episodes.size() == 2 * n + 1, "checkpoint '", r.path(), "': malformed episode state");
  for (size_t i = 0; i < n; ++i) {
    running_returns_[i] = episodes[i];
    running_lengths_[i] = static_cast<int>(episodes[n + i]);
  }
  steps_ = static_cast<int64_t>(episodes.back());
  if (obs_stats_) obs_stats_->set_state(r.doubles(prefix + "obs_stats"));
  if (reward_scaler_) reward_scaler_->set_state(r.doubles(prefix + "reward_scaler"));
}

void RolloutCollector::load_shared(CheckpointReader& r, const std::string& prefix) {
  const std::vector<double> episodes = r.doubles(prefix + "episodes");
  TP_CHECK_AS(CheckpointError, episodes.size() == 2 * running_returns_.size() + 1, "checkpoint '", r.path(),
              "': malformed episode state");
  steps_ = static_cast<int64_t>(episodes.back());
  if (obs_stats_) obs_stats_->set_state(r.doubles(prefix + "obs_stats"));
  if (reward_scaler_) {
    // Rank 0's return statistics; this rank's own running returns.
    RunningMeanStd leader_returns = reward_scaler_->return_stats();
    std::vector<double> state = r.doubles(prefix + "reward_scaler");
    const size_t n = running_returns_.size();
    TP_CHECK_AS(CheckpointError, state.size() > n, "checkpoint '", r.path(), "': malformed reward statistics");
    leader_returns.set_state(std::vector<double>(state.begin() + static_cast<std::ptrdiff_t>(n), state.end()));
    reward_scaler_->return_stats() = leader_returns;
  }
}

}  // namespace tp::agents::pg
