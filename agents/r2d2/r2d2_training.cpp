#include "agents/r2d2/r2d2_training.h"

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <deque>
#include <memory>
#include <numeric>

#include "agents/actor_link.h"
#include "agents/r2d2/actor_sequences.h"
#include "agents/r2d2/r2d2_trainer.h"
#include "agents/r2d2/recurrent_eval.h"
#include "core/checkpoint.h"
#include "core/options.h"
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
      : o_(o), seed_(seed), trainer_(o, prototype, seed, device) {
    if (o_.actors_port > 0) {
      OptionSet published("the learner's options");
      R2d2Options copy = o_;
      copy.bind(published);
      hub_ = std::make_unique<ActorHub>(o_.actors_port, "r2d2", published.to_ini());
    }
  }

  void print_setup() const {
    std::fprintf(stderr, "r2d2 on %s: network %s, %d actors, sequences %d (burn-in %d, %s start state), replay %lld\n",
                 o_.env.c_str(), trainer_.architecture().c_str(), o_.num_envs, o_.seq_length, o_.burn_in,
                 o_.recurrent_state.c_str(), static_cast<long long>(o_.replay_size));
  }

  ProgressPlan progress_plan() const override { return {"r2d2 " + o_.env, "steps", o_.steps}; }
  int64_t progress_done() const override { return trainer_.steps(); }
  std::string progress_metric() const override {
    if (returns_.empty()) return "";
    char buf[96];
    if (hub_)
      std::snprintf(buf, sizeof buf, "return(20) %.1f, %lld actors", returns_.mean_of_last(20),
                    static_cast<long long>(hub_->actors_registered()));
    else
      std::snprintf(buf, sizeof buf, "return(20) %.1f", returns_.mean_of_last(20));
    return buf;
  }
  std::vector<std::string> metric_columns() const override {
    std::vector<std::string> c = {"step", "episode", "episode_return", "episode_length",   "actor",           "epsilon",
                                  "loss", "q_mean",  "steps_per_s",    "eval_return_mean", "eval_return_std", "wall_s"};
    // A learner of distributed actors: which actor process, with how old a network, and the traffic
    // ("actor" stays the env copy, whose epsilon is beside it).
    if (hub_) c.insert(c.end(), {"actor_id", "actors", "network_age", "bytes_in", "bytes_out"});
    return c;
  }
  double metrics_position() const override { return static_cast<double>(trainer_.steps()); }

  StepStatus step(RunContext& run) override {
    steps_before_ = trainer_.steps();
    if (hub_) return learn_from_actors(run);
    for (const FinishedEpisode& e : trainer_.step()) log_episode(run, e, {});
    return StepStatus::Completed;
  }
  // Waiting for actors may be interrupted before a step is done.
  bool steps_can_be_abandoned() const override { return hub_ != nullptr; }

  // Tells the actors of a distributed run that it is over (they exit).
  void release_actors() {
    if (hub_) hub_->release(2.0);
  }

  bool evaluation_due() const override { return passed_multiple(steps_before_, trainer_.steps(), o_.eval_every); }
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
    return passed_multiple(steps_before_, trainer_.steps(), o_.checkpoint_every) && trainer_.steps() < o_.steps;
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
    if (hub_) {
      j["actors"] = static_cast<long long>(hub_->actors_registered());
      j["bytes_in"] = static_cast<long long>(hub_->bytes_received());
      j["bytes_out"] = static_cast<long long>(hub_->bytes_fetched());
    }
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
  using MetricsRow = std::vector<std::pair<std::string, double>>;

  void log_episode(RunContext& run, const FinishedEpisode& e, const MetricsRow& extra) {
    const auto [loss, q] = trainer_.take_loss_stats();
    MetricsRow row = {{"step", static_cast<double>(trainer_.steps())},
                      {"episode", static_cast<double>(trainer_.episodes())},
                      {"episode_return", e.episode_return},
                      {"episode_length", static_cast<double>(e.length)},
                      {"actor", e.actor},
                      {"epsilon", o_.actor_epsilon_of(e.actor)},
                      {"loss", loss},
                      {"q_mean", q},
                      {"steps_per_s", steps_per_second()},
                      {"wall_s", run.wall_seconds()}};
    row.insert(row.end(), extra.begin(), extra.end());
    run.log(row);
    returns_.add(e.episode_return, trainer_.steps());
  }

  // R2D2's learner of distributed actors: one batch of sequences per step, into replay with
  // the actor's priorities, then the updates its frames are due.
  StepStatus learn_from_actors(RunContext& run) {
    if (published_updates_ < 0) publish_network();
    const int64_t obs_size = trainer_.env().observation_space().size();
    const int actions = trainer_.env().action_space().n;
    while (pending_.empty()) {
      const bool got = hub_->wait_for_batches(
          [&] { return run.stop_requested(); },
          [&](ActorHub::Received& r) {
            pending_.push_back({r.actor, ActorSequences::decode(r.bytes, o_.seq_length, obs_size, o_.lstm_size, actions,
                                                                o_.num_envs, "actor " + std::to_string(r.actor))});
          },
          [&](const std::string& line) { run.note(line); }, "step " + std::to_string(trainer_.steps()));
      if (!got) return StepStatus::Abandoned;
    }
    const Pending p = std::move(pending_.front());
    pending_.pop_front();
    const ActorSequences& batch = p.batch;
    const int64_t network_age = std::max<int64_t>(0, trainer_.updates() - batch.generation);
    trainer_.ingest(batch);
    if (!batch.episodes.empty()) {
      // The store's counters once per batch, not once per episode: each is a round trip.
      const MetricsRow extra = {{"actor_id", static_cast<double>(p.actor)},
                                {"actors", static_cast<double>(hub_->actors_registered())},
                                {"network_age", static_cast<double>(network_age)},
                                {"bytes_in", static_cast<double>(hub_->bytes_received())},
                                {"bytes_out", static_cast<double>(hub_->bytes_fetched())}};
      for (const FinishedEpisode& e : batch.episodes) log_episode(run, e, extra);
    }
    if (trainer_.updates() - published_updates_ >= o_.actor_sync_every) publish_network();
    return StepStatus::Completed;
  }

  // The online network, numbered by the updates behind it, for the actors.
  void publish_network() {
    CheckpointHeader h = trainer_.checkpoint_header();
    h.counters = {{"generation", trainer_.updates()}};
    CheckpointWriter w(h);
    w.add_module("online", *trainer_.online());
    hub_->publish_network(trainer_.updates(), w.encode());
    published_updates_ = trainer_.updates();
  }

  double steps_per_second() const {
    return static_cast<double>(trainer_.steps() - start_steps_) / std::max(1e-9, timer_.seconds());
  }
  void log_evaluation(RunContext& run, const EvalReport& rep) {
    run.note(evaluation_line(trainer_.steps(), rep));
    run.log({{"step", static_cast<double>(trainer_.steps())},
             {"eval_return_mean", rep.return_stats.mean},
             {"eval_return_std", rep.return_stats.std},
             {"wall_s", run.wall_seconds()}});
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
  int64_t steps_before_ = 0;       // at the start of the last step
  std::unique_ptr<ActorHub> hub_;  // a learner of distributed actors (--actors-port)
  struct Pending {
    int64_t actor = 0;
    ActorSequences batch;
  };
  std::deque<Pending> pending_;  // batches taken, not yet ingested
  int64_t published_updates_ = -1;
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
  RunOutcome outcome = run_training(training, settings);
  // An interrupted learner leaves its actors waiting for --resume.
  if (!outcome.interrupted_by) training.release_actors();
  return outcome;
}

}  // namespace tp::agents::r2d2
