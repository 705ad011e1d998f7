#include "agents/policy_gradient/pg_training.h"

#include <torch/torch.h>

#include <cstdio>

#include "agents/policy_gradient/a3c.h"
#include "agents/policy_gradient/pg_run.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/process_group.h"
#include "envs/registry.h"
#include "nets/optimizer.h"

namespace tp::agents::pg {

namespace {

// PPO and A2C: one rollout of num_envs x num_steps, then one update, per skeleton step.
class SyncRun final : public PgRun {
 public:
  SyncRun(const PgOptions& o, const envs::EnvRegistry& registry, uint64_t seed, torch::Device device,
          ProcessGroup* group)
      : PgRun(o, make_env(registry, o), seed, device),
        group_(group),
        collector_(*make_env(registry, o), rank_share(o, group),
                   seed + (group ? static_cast<uint64_t>(group->rank() * rank_share(o, group).num_envs) : 0)),
        optimizer_(nets::make_optimizer(net_->parameters(), o.optimizer_options())) {
    if (group_) {
      collector_.join(*group_);
      reseed_sampler();
    }
  }

  uint64_t replica_digest() const override {
    return state_digest([&](CheckpointWriter& w) {
      w.add_module("online", *net_);
      w.add_optimizer("optimizer", *optimizer_);
    });
  }

  StepStatus step(RunContext& run) override {
    mark_step_start();
    // Linear annealing to 0 over the run, as the reference implementations do.
    const double remaining = 1.0 - static_cast<double>(updates_) / static_cast<double>(o_.total_updates());
    const double lr = o_.anneal_lr ? o_.lr * remaining : o_.lr;
    const double clip = o_.anneal_clip ? o_.clip_coef * remaining : o_.clip_coef;
    nets::set_learning_rate(*optimizer_, lr);
    const Rollout rollout = collector_.collect(net_, sampler_);
    log_episodes(run, collector_.take_finished());
    const UpdateStats stats = o_.algorithm == kPpo ? ppo_update(net_, *optimizer_, rollout, o_, clip, group_)
                                                   : a2c_update(net_, *optimizer_, rollout, o_, group_);
    ++updates_;
    log_update(run, stats, lr, o_.algorithm == kPpo ? clip : 0.0);
    return StepStatus::Completed;
  }

 protected:
  // The whole run's: every rank steps as many envs as this one.
  int64_t steps() const override { return collector_.steps() * (group_ ? group_->world_size() : 1); }
  int64_t updates() const override { return updates_; }
  const RunningMeanStd* obs_stats() const override {
    return collector_.obs_stats() ? &*collector_.obs_stats() : nullptr;
  }
  void save_state(CheckpointWriter& w) const override {
    w.add_optimizer("optimizer", *optimizer_);
    collector_.save(w, "rollout/");
  }
  void load_state(CheckpointReader& r) override {
    updates_ = r.header().counter("updates");
    r.load_optimizer("optimizer", *optimizer_);
    nets::optimizer_state_to(*optimizer_, device_);
    if (group_ && !group_->is_leader()) {
      collector_.load_shared(r, "rollout/");  // rank 0's normalisers; this rank's own envs
    } else {
      collector_.load(r, "rollout/");
    }
    if (group_) reseed_sampler();
  }

 private:
  static std::unique_ptr<envs::Env> make_env(const envs::EnvRegistry& registry, const PgOptions& o) {
    return registry.make(o.env, envs::parse_env_kwargs(o.env_options));
  }

  // This rank's share of the envs: num_envs / world size of them (a UsageError unless it divides).
  static PgOptions rank_share(PgOptions o, const ProcessGroup* group) {
    if (!group) return o;
    TP_CHECK_AS(UsageError, o.num_envs % group->world_size() == 0, "--num-envs ", o.num_envs, " does not split over ",
                group->world_size(), " ranks");
    o.num_envs /= group->world_size();
    return o;
  }
  // Distributed: each rank samples its actions from a stream of its own, drawn anew from the
  // seed, the rank and the update count (so a resumed run is reproducible too).
  void reseed_sampler() {
    sampler_ =
        at::detail::createCPUGenerator(seed_ * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(updates_) * 1000003 +
                                       static_cast<uint64_t>(group_->rank()));
  }

  ProcessGroup* group_ = nullptr;
  RolloutCollector collector_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  int64_t updates_ = 0;
  at::Generator sampler_;  // undefined: LibTorch's default generator (one process)
};

}  // namespace

void check_distributable(const PgOptions& options, int world_size) {
  TP_CHECK_AS(UsageError, world_size == 1 || options.algorithm != kA3c,
              "train a3c cannot run distributed (its workers are threads of one process); ppo and a2c can");
}

RunOutcome train(const PgOptions& options, RunSettings settings, uint64_t seed, const std::string& device) {
  const auto registry = envs::make_env_registry();
  std::unique_ptr<PgRun> run;
  check_distributable(options, settings.group ? settings.group->world_size() : 1);
  if (options.algorithm == kA3c)
    run = make_a3c_run(options, registry, seed, torch::Device(device));
  else
    run = std::make_unique<SyncRun>(options, registry, seed, torch::Device(device), settings.group);
  settings.algorithm = options.algorithm;
  settings.env = options.env;
  settings.keep_checkpoints = options.keep_checkpoints;
  if (!settings.quiet) std::fprintf(stderr, "%s\n", run->setup_line().c_str());
  return run_training(*run, settings);
}

}  // namespace tp::agents::pg
