#include "agents/pqn/pqn_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <numeric>
#include <vector>

#include "agents/episode_loop.h"
#include "agents/pqn/pqn_network.h"
#include "agents/greedy_q.h"
#include "agents/pqn/q_lambda.h"
#include "agents/vec_env_checkpoint.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/periodic.h"
#include "core/seeds.h"
#include "core/timer.h"
#include "core/stats.h"
#include "envs/registry.h"
#include "envs/vec_env.h"
#include "nets/layers.h"
#include "nets/optimizer.h"

namespace tp::agents::pqn {

namespace {

std::unique_ptr<envs::Env> make_env(const PqnOptions& o) {
  return envs::make_env_registry().make(o.env, envs::parse_env_kwargs(o.env_options));
}

class PqnRun final : public TrainingAlgorithm {
 public:
  PqnRun(const PqnOptions& o, uint64_t seed, torch::Device device)
      : o_(o), seed_(seed), device_(device), eval_env_(make_env(o)), vec_(*eval_env_, o.num_envs, /*threads=*/1) {
    TP_CHECK_AS(UsageError, !eval_env_->has_continuous_actions(), "train pqn needs discrete actions, and ", o.env,
                " has continuous ones");
    net_ = PqnNetwork(o_.network_options(*eval_env_));
    net_->to(device_);
    nets::OptimizerOptions opt;
    opt.name = "adam";
    opt.lr = o_.lr;
    opt.eps = o_.optim_eps;
    optimizer_ = nets::make_optimizer(net_->parameters(), opt);
    obs_shape_.push_back(o_.num_envs);
    for (int d : eval_env_->observation_space().shape) obs_shape_.push_back(d);
    running_returns_.assign(static_cast<size_t>(o_.num_envs), 0.0);
    running_lengths_.assign(static_cast<size_t>(o_.num_envs), 0);
    vec_.reset(seed_);
    obs_ = observe(vec_.obs(), o_.num_envs);
  }

  std::string setup_line() const {
    return std::string("pqn on ") + o_.env + ", network " + net_->signature() + " on " + device_.str() + ", " +
           std::to_string(o_.num_envs) + " envs x " + std::to_string(o_.num_steps) + " steps per rollout, " +
           std::to_string(o_.update_epochs) + " epochs x " + std::to_string(o_.num_minibatches) + " minibatches";
  }

  ProgressPlan progress_plan() const override { return {"pqn " + o_.env, "steps", o_.steps}; }
  int64_t progress_done() const override { return steps_; }
  std::string progress_metric() const override {
    if (returns_.empty()) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "return(20) %.1f eps %.2f", returns_.mean_of_last(20), o_.epsilon(steps_));
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"step",    "episode", "episode_return", "episode_length",   "update",          "loss",  "q_mean",
            "epsilon", "lr",      "steps_per_s",    "eval_return_mean", "eval_return_std", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(steps_); }

  StepStatus step(RunContext& run) override {
    step_start_ = steps_;
    const double remaining = 1.0 - static_cast<double>(updates_) / static_cast<double>(o_.total_updates());
    const double lr = o_.anneal_lr ? o_.lr * remaining : o_.lr;
    nets::set_learning_rate(*optimizer_, lr);
    const double epsilon = o_.epsilon(steps_);
    collect(run);
    const torch::Tensor targets = q_lambda_targets(rewards_, next_max_q_, terminated_, done_, o_.gamma, o_.lambda);
    double loss = 0, q_mean = 0;
    update(targets, loss, q_mean);
    ++updates_;
    run.log({{"step", static_cast<double>(steps_)},
             {"update", static_cast<double>(updates_)},
             {"loss", loss},
             {"q_mean", q_mean},
             {"epsilon", epsilon},
             {"lr", lr},
             {"steps_per_s", steps_per_second()},
             {"wall_s", timer_.seconds()}});
    return StepStatus::Completed;
  }

  bool evaluation_due() const override { return passed_multiple(step_start_, steps_, o_.eval_every); }
  void evaluate(RunContext& run) override {
    const EvalReport rep = evaluate_network(net_, o_.eval_episodes, selection_seed(seed_));
    run.log({{"step", static_cast<double>(steps_)},
             {"eval_return_mean", rep.return_stats.mean},
             {"eval_return_std", rep.return_stats.std},
             {"wall_s", timer_.seconds()}});
    run.note(evaluation_line(steps_, rep));
    if (o_.final_policy == "best" && (!best_ || rep.return_stats.mean >= best_return_)) {
      best_ = clone_pqn_network(net_);
      best_return_ = rep.return_stats.mean;
    }
  }
  void steps_ended() override {
    train_seconds_ = timer_.seconds();
    train_steps_per_s_ = steps_per_second();
  }
  void finish(RunContext& run) override {
    final_ = evaluate_network(best_ ? best_ : net_, o_.final_eval_episodes, evaluation_seed(seed_));
    run.log({{"step", static_cast<double>(steps_)},
             {"eval_return_mean", final_.return_stats.mean},
             {"eval_return_std", final_.return_stats.std},
             {"wall_s", timer_.seconds()}});
    finished_ = true;
  }

  bool checkpoint_due() const override {
    return passed_multiple(step_start_, steps_, o_.checkpoint_every) && steps_ < o_.steps;
  }
  int64_t checkpoint_number() const override { return steps_; }
  CheckpointHeader checkpoint_header() const override {
    CheckpointHeader h;
    h.algorithm = kPqnAlgorithm;
    h.env = o_.env;
    h.architecture = net_->signature();
    return h;
  }

  void save(CheckpointWriter& w) const override {
    w.header().counters["steps"] = steps_;
    w.header().counters["updates"] = updates_;
    w.header().counters["episodes"] = episodes_;
    w.add_bytes("net", to_spec(net_->options()));
    w.add_module("online", *net_);
    w.add_module("policy", best_ ? *best_ : *net_);  // what eval/watch load
    w.add_tensor("best_return", torch::tensor({best_ ? best_return_ : std::nan("")}, torch::kFloat64));
    if (best_) w.add_module("best", *best_);
    w.add_optimizer("optimizer", *optimizer_);
    save_env_states(w, "env_states", vec_);
    w.add_tensor("obs", obs_);
    std::vector<double> episodes(running_returns_);
    episodes.insert(episodes.end(), running_lengths_.begin(), running_lengths_.end());
    w.add_tensor("running_episodes", torch::tensor(episodes, torch::kFloat64));
    w.add_torch_rng("torch_rng");
  }

  void load(CheckpointReader& r) override {
    steps_ = r.header().counter("steps");
    updates_ = r.header().counter("updates");
    episodes_ = r.header().counter("episodes");
    r.load_module("online", *net_);
    net_->to(device_);
    const double best = r.tensor("best_return").item<double>();
    if (!std::isnan(best)) {
      best_ = PqnNetwork(net_->options());
      r.load_module("best", *best_);
      best_->to(device_);
      best_return_ = best;
    }
    r.load_optimizer("optimizer", *optimizer_);
    nets::optimizer_state_to(*optimizer_, device_);
    load_env_states(r, "env_states", vec_);
    const torch::Tensor obs = r.tensor("obs");
    TP_CHECK_AS(CheckpointError, obs.sizes() == obs_.sizes(), "checkpoint '", r.path(),
                "': observation batch does not match --num-envs and the env");
    obs_ = obs.clone();
    const std::vector<double> episodes = r.doubles("running_episodes");
    const size_t n = running_returns_.size();
    TP_CHECK_AS(CheckpointError, episodes.size() == 2 * n, "checkpoint '", r.path(), "': malformed episode state");
    for (size_t i = 0; i < n; ++i) {
      running_returns_[i] = episodes[i];
      running_lengths_[i] = static_cast<int>(episodes[n + i]);
    }
    r.load_torch_rng("torch_rng");
    start_steps_ = steps_;
    step_start_ = steps_;
  }

  std::string summary() const override {
    char buf[512];
    std::snprintf(buf, sizeof buf, "pqn on %s: %lld steps, %lld updates, %lld episodes (%.0f steps/s)", o_.env.c_str(),
                  static_cast<long long>(steps_), static_cast<long long>(updates_), static_cast<long long>(episodes_),
                  train_steps_per_s_);
    std::string line = buf;
    if (finished_) {
      std::snprintf(buf, sizeof buf, "; final greedy eval (%s network) over %d episodes: %.2f +- %.2f",
                    best_ ? "best" : "last", o_.final_eval_episodes, final_.return_stats.mean, final_.return_stats.std);
      line += buf;
    }
    return line;
  }

  void describe(Json& j) const override {
    j["algorithm"] = kPqnAlgorithm;
    j["env"] = o_.env;
    j["steps"] = static_cast<long long>(steps_);
    j["updates"] = static_cast<long long>(updates_);
    j["episodes"] = static_cast<long long>(episodes_);
    j["train_seconds"] = train_seconds_;
    j["steps_per_second"] = train_steps_per_s_;
    add_training_returns(j, returns_, steps_);
    if (!finished_) return;
    j["final_policy"] = best_ ? "best" : "last";
    j["final_eval_episodes"] = o_.final_eval_episodes;
    j["final_eval_mean"] = final_.return_stats.mean;
    j["final_eval_std"] = final_.return_stats.std;
  }

 private:
  torch::Tensor observe(const float* raw, int64_t rows) const {
    std::vector<int64_t> shape = obs_shape_;
    shape[0] = rows;
    return torch::from_blob(const_cast<float*>(raw), shape, torch::kFloat32).clone();
  }

  // One rollout into obs_buf_, actions_, rewards_ (scaled), terminated_, done_, next_max_q_.
  void collect(RunContext& run) {
    torch::NoGradGuard no_grad;
    const int64_t steps = o_.num_steps, n = o_.num_envs;
    std::vector<int64_t> dims = obs_shape_;
    dims.insert(dims.begin(), steps);
    obs_buf_ = torch::empty(dims);
    actions_ = torch::empty({steps, n}, torch::kLong);
    rewards_ = torch::empty({steps, n});
    terminated_ = torch::zeros({steps, n});
    done_ = torch::zeros({steps, n});
    next_max_q_ = torch::empty({steps, n});
    const int64_t n_actions = eval_env_->action_space().n;
    std::vector<int> actions(static_cast<size_t>(n));
    torch::Tensor q = net_->forward(obs_.to(device_)).cpu();
    for (int64_t t = 0; t < steps; ++t) {
      obs_buf_[t] = obs_;
      // Epsilon-greedy, each env on its own coin, from LibTorch's generator (checkpointed).
      const double eps = o_.epsilon(steps_);
      const torch::Tensor explore = torch::rand({n}) < eps;
      const torch::Tensor random = torch::randint(n_actions, {n}, torch::kLong);
      const torch::Tensor a = torch::where(explore, random, q.argmax(1)).contiguous();
      actions_[t] = a;
      const int64_t* ap = a.data_ptr<int64_t>();
      for (int64_t i = 0; i < n; ++i) actions[static_cast<size_t>(i)] = static_cast<int>(ap[i]);
      vec_.step(actions);
      steps_ += n;
      std::vector<int64_t> cut;  // envs whose episode was truncated: bootstrap from the final obs
      float* r = rewards_[t].data_ptr<float>();
      float* term = terminated_[t].data_ptr<float>();
      float* done = done_[t].data_ptr<float>();
      for (int64_t i = 0; i < n; ++i) {
        const size_t k = static_cast<size_t>(i);
        const float reward = vec_.rewards()[k];
        r[i] = static_cast<float>(reward * o_.reward_scale);
        running_returns_[k] += reward;
        ++running_lengths_[k];
        term[i] = vec_.terminated()[k] ? 1.0f : 0.0f;
        done[i] = vec_.done(static_cast<int>(i)) ? 1.0f : 0.0f;
        if (vec_.done(static_cast<int>(i))) {
          log_episode(run, running_returns_[k], running_lengths_[k]);
          running_returns_[k] = 0.0;
          running_lengths_[k] = 0;
          if (!vec_.terminated()[k]) cut.push_back(i);
        }
      }
      obs_ = observe(vec_.obs(), n);
      q = net_->forward(obs_.to(device_)).cpu();
      torch::Tensor next_max = std::get<0>(q.max(1));
      if (!cut.empty()) {
        std::vector<float> finals;
        const int64_t size = vec_.obs_size();
        for (int64_t i : cut)
          finals.insert(finals.end(), vec_.final_obs(static_cast<int>(i)), vec_.final_obs(static_cast<int>(i)) + size);
        const torch::Tensor final_q =
            net_->forward(observe(finals.data(), static_cast<int64_t>(cut.size())).to(device_)).cpu();
        const torch::Tensor final_max = std::get<0>(final_q.max(1));
        next_max = next_max.clone();
        for (size_t j = 0; j < cut.size(); ++j) next_max[cut[j]] = final_max[static_cast<int64_t>(j)];
      }
      next_max_q_[t] = next_max;
    }
  }

  void update(const torch::Tensor& targets, double& mean_loss, double& q_mean) {
    const int64_t batch = o_.batch_size();
    std::vector<int64_t> flat_dims = obs_shape_;
    flat_dims[0] = batch;
    const torch::Tensor obs = obs_buf_.reshape(flat_dims).to(device_);
    const torch::Tensor actions = actions_.reshape({batch, 1}).to(device_);
    const torch::Tensor g = targets.reshape({batch}).to(device_);
    double loss_sum = 0, q_sum = 0;
    int count = 0;
    for (int epoch = 0; epoch < o_.update_epochs; ++epoch) {
      const torch::Tensor perm = torch::randperm(batch, torch::kLong).to(device_);
      for (int m = 0; m < o_.num_minibatches; ++m) {
        const int64_t begin = batch * m / o_.num_minibatches, end = batch * (m + 1) / o_.num_minibatches;
        const torch::Tensor idx = perm.slice(0, begin, end);
        const torch::Tensor q =
            net_->forward(obs.index_select(0, idx)).gather(1, actions.index_select(0, idx)).squeeze(1);
        const torch::Tensor loss = 0.5 * (q - g.index_select(0, idx)).pow(2).mean();
        optimizer_->zero_grad();
        loss.backward();
        if (o_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(net_->parameters(), o_.max_grad_norm);
        optimizer_->step();
        loss_sum += loss.item<double>();
        q_sum += q.detach().mean().item<double>();
        ++count;
      }
    }
    mean_loss = loss_sum / count;
    q_mean = q_sum / count;
  }

  void log_episode(RunContext& run, double episode_return, int length) {
    ++episodes_;
    run.log({{"step", static_cast<double>(steps_)},
             {"episode", static_cast<double>(episodes_)},
             {"episode_return", episode_return},
             {"episode_length", static_cast<double>(length)},
             {"wall_s", timer_.seconds()}});
    returns_.add(episode_return, steps_);
  }

  EvalReport evaluate_network(const PqnNetwork& net, int episodes, uint64_t seed) const {
    return evaluate_greedy_q(net, *eval_env_, episodes, seed);  // no layer acts differently in eval mode
  }

  double steps_per_second() const {
    return static_cast<double>(steps_ - start_steps_) / std::max(1e-9, timer_.seconds());
  }

  PqnOptions o_;
  uint64_t seed_;
  torch::Device device_;
  std::unique_ptr<envs::Env> eval_env_;
  envs::VecEnv vec_;
  PqnNetwork net_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<int64_t> obs_shape_;  // [N, ...obs shape]
  torch::Tensor obs_;               // [N, ...]: the current observations
  std::vector<double> running_returns_;
  std::vector<int> running_lengths_;
  // The last rollout, [T, N(, ...)].
  torch::Tensor obs_buf_, actions_, rewards_, terminated_, done_, next_max_q_;
  int64_t steps_ = 0, updates_ = 0, episodes_ = 0, start_steps_ = 0, step_start_ = 0;
  RecentReturns returns_;  // the last 100 training-episode returns
  PqnNetwork best_{nullptr};
  double best_return_ = 0;
  Timer timer_;
  bool finished_ = false;
  double train_seconds_ = 0, train_steps_per_s_ = 0;
  EvalReport final_;
};

}  // namespace

RunOutcome train(const PqnOptions& options, RunSettings settings, uint64_t seed, const std::string& device) {
  TP_CHECK_AS(UsageError, settings.group == nullptr, "train pqn does not run distributed");
  PqnRun run(options, seed, torch::Device(device));
  settings.algorithm = kPqnAlgorithm;
  settings.env = options.env;
  settings.keep_checkpoints = options.keep_checkpoints;
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run.setup_line().c_str());
  return run_training(run, settings);
}

}  // namespace tp::agents::pqn
