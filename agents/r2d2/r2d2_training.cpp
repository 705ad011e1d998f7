#include "agents/r2d2/r2d2_training.h"

#include <cmath>
#include <cstdio>
#include <deque>
#include <numeric>

#include "agents/r2d2/r2d2_trainer.h"
#include "agents/r2d2/recurrent_eval.h"
#include "core/checkpoint.h"
#include "core/periodic.h"
#include "core/seeds.h"
#include "core/timer.h"
#include "core/stats.h"
#include "envs/registry.h"

namespace tp::agents::r2d2 {

namespace {

class R2d2Training : public TrainingAlgorithm {
 public:
  R2d2Training(const R2d2Options& o, const envs::Env& prototype, uint64_t seed, torch::Device device)
      : o_(o), seed_(seed), trainer_(o, prototype, seed, device) {}

  void print_setup() const {
    std::fprintf(stderr, "r2d2 on %s: network %s, %d actors, sequences %d (burn-in %d, %s start state), replay %lld\n",
                 o_.env.c_str(), trainer_.architecture().c_str(), o_.num_envs, o_.seq_length, o_.burn_in,
                 o_.recurrent_state.c_str(), static_cast<long long>(o_.replay_size));
  }

  ProgressPlan progress_plan() const override { return {"r2d2 " + o_.env, "steps", o_.steps}; }
  int64_t progress_done() const override { return trainer_.steps(); }
  std::string progress_metric() const override {
    if (returns_.empty()) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "return(20) %.1f", returns_.mean_of_last(20));
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    return {"step", "episode", "episode_return", "episode_length",   "actor",           "epsilon",
            "loss", "q_mean",  "steps_per_s",    "eval_return_mean", "eval_return_std", "wall_s"};
  }
  double metrics_position() const override { return static_cast<double>(trainer_.steps()); }

  StepStatus step(RunContext& run) override {
    for (const FinishedEpisode& e : trainer_.step()) {
      const auto [loss, q] = trainer_.take_loss_stats();
      run.log({{"step", static_cast<double>(trainer_.steps())},
               {"episode", static_cast<double>(trainer_.episodes())},
               {"episode_return", e.episode_return},
               {"episode_length", static_cast<double>(e.length)},
               {"actor", e.actor},
               {"epsilon", o_.actor_epsilon_of(e.actor)},
               {"loss", loss},
               {"q_mean", q},
               {"steps_per_s", steps_per_second()},
               {"wall_s", timer_.seconds()}});
      returns_.add(e.episode_return, trainer_.steps());
    }
    return StepStatus::Completed;
  }

  bool evaluation_due() const override {
    return passed_multiple(trainer_.steps() - o_.num_envs, trainer_.steps(), o_.eval_every);
  }
  void evaluate(RunContext& run) override {
    log_evaluation(run, trainer_.evaluate_periodic(o_.eval_episodes, selection_seed(seed_)));
  }
  void steps_ended() override {
    train_seconds_ = timer_.seconds();
    steps_per_s_ = steps_per_second();
  }
  void finish(RunContext& run) override {
    final_ =
        evaluate_recurrent(trainer_.policy_network(), trainer_.env(), o_.final_eval_episodes, evaluation_seed(seed_));
    log_evaluation(run, final_);
    finished_ = true;
  }

  bool checkpoint_due() const override {
    return passed_multiple(trainer_.steps() - o_.num_envs, trainer_.steps(), o_.checkpoint_every) &&
           trainer_.steps() < o_.steps;
  }
  int64_t checkpoint_number() const override { return trainer_.steps(); }
  CheckpointHeader checkpoint_header() const override { return trainer_.checkpoint_header(); }
  void save(CheckpointWriter& writer) const override { trainer_.save(writer); }
  void load(CheckpointReader& reader) override {
    with_replay_ = trainer_.load(reader);
    start_steps_ = trainer_.steps();
  }
  std::string resume_note() const override {
    return with_replay_ ? "" : "(no replay memory in the checkpoint: it refills, so the run is not exact)";
  }

  std::string summary() const override {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "r2d2 on %s (%s start state, burn-in %d): %lld steps, %lld updates, %lld episodes (%.0f steps/s)",
                  o_.env.c_str(), o_.recurrent_state.c_str(), o_.burn_in, static_cast<long long>(trainer_.steps()),
                  static_cast<long long>(trainer_.updates()), static_cast<long long>(trainer_.episodes()),
                  steps_per_s_);
    std::string line = buf;
    if (finished_) {
      std::snprintf(buf, sizeof buf, "; final greedy eval (%s network) over %d episodes: %.2f +- %.2f",
                    trainer_.has_best() ? "best" : "last", o_.final_eval_episodes, final_.return_stats.mean,
                    final_.return_stats.std);
      line += buf;
    }
    return line;
  }
  void describe(Json& j) const override {
    j["env"] = o_.env;
    j["recurrent_state"] = o_.recurrent_state;
    j["burn_in"] = o_.burn_in;
    j["steps"] = static_cast<long long>(trainer_.steps());
    j["updates"] = static_cast<long long>(trainer_.updates());
    j["episodes"] = static_cast<long long>(trainer_.episodes());
    j["train_seconds"] = train_seconds_;
    j["steps_per_second"] = steps_per_s_;
    add_training_returns(j, returns_, trainer_.steps());
    if (!finished_) return;
    j["final_policy"] = trainer_.has_best() ? "best" : "last";
    j["final_eval_episodes"] = o_.final_eval_episodes;
    j["final_eval_mean"] = final_.return_stats.mean;
    j["final_eval_std"] = final_.return_stats.std;
  }

 private:
  double steps_per_second() const {
    return static_cast<double>(trainer_.steps() - start_steps_) / std::max(1e-9, timer_.seconds());
  }
  void log_evaluation(RunContext& run, const EvalReport& rep) {
    run.note(evaluation_line(trainer_.steps(), rep));
    run.log({{"step", static_cast<double>(trainer_.steps())},
             {"eval_return_mean", rep.return_stats.mean},
             {"eval_return_std", rep.return_stats.std},
             {"wall_s", timer_.seconds()}});
  }

  R2d2Options o_;
  uint64_t seed_;
  mutable R2d2Trainer trainer_;
  int64_t start_steps_ = 0;
  bool with_replay_ = true;
  Timer timer_;
  RecentReturns returns_;
  bool finished_ = false;
  double train_seconds_ = 0, steps_per_s_ = 0;
  EvalReport final_;
};

}  // namespace

RunOutcome train(const R2d2Options& options, RunSettings settings, uint64_t seed, const std::string& device) {
  const auto registry = envs::make_env_registry();
  const auto env = registry.make(options.env, envs::parse_env_kwargs(options.env_options));
  R2d2Training training(options, *env, seed, torch::Device(device));
  settings.algorithm = kR2d2Algorithm;
  settings.env = options.env;
  settings.keep_checkpoints = options.keep_checkpoints;
  if (!settings.quiet) training.print_setup();
  return run_training(training, settings);
}

}  // namespace tp::agents::r2d2
