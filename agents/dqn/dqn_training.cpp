#include "agents/dqn/dqn_training.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <numeric>

#include "agents/actor_link.h"
#include "agents/dqn/dqn_policy.h"
#include "agents/dqn/dqn_trainer.h"
#include "agents/dqn/transition_batch.h"
#include "agents/greedy_q.h"
#include "core/checkpoint.h"
#include "core/options.h"
#include "core/seeds.h"
#include "core/timer.h"
#include "core/stats.h"
#include "envs/registry.h"

namespace tp::agents::dqn {

namespace {

using MetricsRow = std::vector<std::pair<std::string, double>>;

class DqnTraining : public TrainingAlgorithm {
 public:
  DqnTraining(const DqnOptions& o, std::unique_ptr<envs::Env> env, uint64_t seed, torch::Device device)
      : o_(o), seed_(seed), trainer_(o, std::move(env), seed, device), start_steps_(0) {
    if (o_.actors_port > 0) {
      OptionSet published("the learner's options");
      DqnOptions copy = o_;
      copy.bind(published);
      hub_ = std::make_unique<ActorHub>(o_.actors_port, "dqn", published.to_ini());
    }
  }

  // One line naming what trains: network, replay memory and update path.
  void print_setup() const {
    std::fprintf(stderr,
                 "dqn on %s (%s defaults), network %s on %s, replay %lld x %lld bytes (%s observations), %s updates\n",
                 o_.env.c_str(), env_family(o_.env, trainer_.env()).c_str(), trainer_.architecture().c_str(),
                 trainer_.learner().settings().device.str().c_str(), static_cast<long long>(o_.replay_size),
                 static_cast<long long>(trainer_.memory().bytes_per_transition()),
                 to_string(trainer_.memory().storage()).c_str(),
                 trainer_.learner().uses_dense_kernel() ? "dense-kernel" : "autograd");
  }

  ProgressPlan progress_plan() const override { return {"dqn " + o_.env, "steps", o_.steps}; }
  int64_t progress_done() const override { return trainer_.steps(); }
  std::string progress_metric() const override {
    if (returns_.empty()) return "";
    char buf[96];
    if (hub_)
      std::snprintf(buf, sizeof buf, "return(20) %.1f, %lld actors", returns_.mean_of_last(20),
                    static_cast<long long>(hub_->actors_registered()));
    else
      std::snprintf(buf, sizeof buf, "return(20) %.1f eps %.3f", returns_.mean_of_last(20), trainer_.epsilon());
    return buf;
  }

  std::vector<std::string> metric_columns() const override {
    std::vector<std::string> c = {"step",   "episode",     "episode_return", "episode_length",   "loss",
                                  "q_mean", "epsilon",     "steps_per_s",    "eval_return_mean", "eval_return_std",
                                  "wall_s", "dense_kernel"};
    // A learner of distributed actors: who acted, with how old a network, and the traffic.
    if (hub_) c.insert(c.end(), {"actor", "actors", "network_age", "bytes_in", "bytes_out"});
    return c;
  }
  double metrics_position() const override { return static_cast<double>(trainer_.steps()); }

  StepStatus step(RunContext& run) override {
    if (hub_) return learn_from_actors(run);
    const double epsilon = trainer_.epsilon();
    if (const auto ep = trainer_.step()) log_episode(run, *ep, epsilon, {});
    return StepStatus::Completed;
  }
  // Waiting for actors may be interrupted before a step is done.
  bool steps_can_be_abandoned() const override { return hub_ != nullptr; }

  // Tells the actors of a distributed run that it is over (they exit).
  void release_actors() {
    if (hub_) hub_->release(2.0);
  }

  bool evaluation_due() const override { return o_.eval_every > 0 && trainer_.steps() % o_.eval_every == 0; }
  void evaluate(RunContext& run) override {
    const EvalReport rep = trainer_.evaluate_online(o_.eval_episodes, selection_seed(seed_));
    log_evaluation(run, rep);
  }

  // The network the run hands out (the best evaluated one or the last), on the seeds of
  // `torchplay eval --seed S`.
  void steps_ended() override {
    train_seconds_ = timer_.seconds();
    train_steps_per_s_ = steps_per_second();
  }
  void finish(RunContext& run) override {
    final_ = evaluate_greedy_q(trainer_.policy_network(), trainer_.env(), o_.final_eval_episodes,
                               evaluation_seed(seed_), o_.eval_epsilon);
    log_evaluation(run, final_);
    finished_ = true;
  }

  bool checkpoint_due() const override {
    const int64_t s = trainer_.steps();
    return o_.checkpoint_every > 0 && s % o_.checkpoint_every == 0 && s < o_.steps;
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
    std::snprintf(buf, sizeof buf, "dqn on %s (%s): %lld steps, %lld updates, %lld episodes (%.0f steps/s)",
                  o_.env.c_str(), trainer_.learner().uses_dense_kernel() ? "dense kernel" : "autograd",
                  static_cast<long long>(trainer_.steps()), static_cast<long long>(trainer_.updates()),
                  static_cast<long long>(trainer_.episodes()), train_steps_per_s_);
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
    j["steps"] = static_cast<long long>(trainer_.steps());
    j["updates"] = static_cast<long long>(trainer_.updates());
    j["episodes"] = static_cast<long long>(trainer_.episodes());
    j["train_seconds"] = train_seconds_;
    j["steps_per_second"] = train_steps_per_s_;
    j["dense_kernel"] = trainer_.learner().uses_dense_kernel();
    // Beside the greedy evaluation below: the training episodes' returns, the MinAtar paper's measure.
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
  double dense_kernel() const { return trainer_.learner().uses_dense_kernel() ? 1.0 : 0.0; }

  void log_episode(RunContext& run, const EpisodeStats& ep, double epsilon, const MetricsRow& extra) {
    const LossStats loss = trainer_.take_loss_stats();
    MetricsRow row = {{"step", static_cast<double>(trainer_.steps())},
                      {"episode", static_cast<double>(trainer_.episodes())},
                      {"episode_return", ep.episode_return},
                      {"episode_length", static_cast<double>(ep.length)},
                      {"loss", loss.loss},
                      {"q_mean", loss.q_mean},
                      {"epsilon", epsilon},
                      {"steps_per_s", steps_per_second()},
                      {"wall_s", run.wall_seconds()},
                      {"dense_kernel", dense_kernel()}};
    row.insert(row.end(), extra.begin(), extra.end());
    run.log(row);
    returns_.add(ep.episode_return, trainer_.steps());
  }

  // Ape-X's learner: one transition an actor sent per step, into replay with its priority;
  // training rounds follow as after env steps here. The episodes of a batch are logged when
  // its last transition is in.
  StepStatus learn_from_actors(RunContext& run) {
    while (pending_.empty() || pending_.front().batch.size() == 0) {
      if (!pending_.empty()) {
        finish_batch(run);
        continue;
      }
      if (!take_from_actors(run)) return StepStatus::Abandoned;
    }
    trainer_.ingest(pending_.front().batch, next_transition_++);
    if (next_transition_ == pending_.front().batch.size()) finish_batch(run);
    if (trainer_.updates() - published_updates_ >= o_.actor_sync_every) publish_network();
    return StepStatus::Completed;
  }

  void finish_batch(RunContext& run) {
    const Pending& p = pending_.front();
    const auto& b = p.batch;
    if (!b.episode_returns.empty()) {
      // The store's counters once per batch, not once per episode: each is a round trip.
      const MetricsRow actor_columns = {{"actor", static_cast<double>(p.actor)},
                                        {"actors", static_cast<double>(hub_->actors_registered())},
                                        {"network_age", static_cast<double>(p.network_age)},
                                        {"bytes_in", static_cast<double>(hub_->bytes_received())},
                                        {"bytes_out", static_cast<double>(hub_->bytes_fetched())}};
      for (size_t e = 0; e < b.episode_returns.size(); ++e, trainer_.count_episodes(1))
        log_episode(run, {b.episode_returns[e], b.episode_lengths[e]}, o_.actor_epsilon_of(p.actor), actor_columns);
    }
    pending_.pop_front();
    next_transition_ = 0;
  }

  // Waits for the actors' next batches. False: interrupted.
  bool take_from_actors(RunContext& run) {
    if (published_updates_ < 0) publish_network();
    const int obs_size = static_cast<int>(trainer_.env().observation_space().size());
    const int actions = trainer_.env().action_space().n;
    return hub_->wait_for_batches(
        [&] { return run.stop_requested(); },
        [&](ActorHub::Received& r) {
          Pending p{r.actor,
                    TransitionBatch::decode(r.bytes, obs_size, actions, o_.n_step, "actor " + std::to_string(r.actor)),
                    0};
          p.network_age = std::max<int64_t>(0, trainer_.updates() - p.batch.generation);
          pending_.push_back(std::move(p));
        },
        [&](const std::string& line) { run.note(line); }, "step " + std::to_string(trainer_.steps()));
  }

  // The online network, numbered by the updates behind it, for the actors.
  void publish_network() {
    CheckpointHeader h = trainer_.checkpoint_header();
    h.counters = {{"generation", trainer_.updates()}};
    CheckpointWriter w(h);
    w.add_module("online", *trainer_.learner().online());
    hub_->publish_network(trainer_.updates(), w.encode());
    published_updates_ = trainer_.updates();
  }
  void log_evaluation(RunContext& run, const EvalReport& rep) {
    run.note(evaluation_line(trainer_.steps(), rep));
    run.log({{"step", static_cast<double>(trainer_.steps())},
             {"eval_return_mean", rep.return_stats.mean},
             {"eval_return_std", rep.return_stats.std},
             {"wall_s", run.wall_seconds()},
             {"dense_kernel", dense_kernel()}});
  }

  DqnOptions o_;
  uint64_t seed_;
  mutable DqnTrainer trainer_;  // evaluation and the policy accessors are non-const
  int64_t start_steps_;
  Timer timer_;
  RecentReturns returns_;  // the last 100 training-episode returns (this process)
  bool with_replay_ = true, finished_ = false;
  double train_seconds_ = 0.0, train_steps_per_s_ = 0.0;
  EvalReport final_;
  std::unique_ptr<ActorHub> hub_;  // a learner of distributed actors (--actors-port)
  struct Pending {
    int64_t actor = 0;
    TransitionBatch batch;
    int64_t network_age = 0;  // updates the learner made since the actor's network
  };
  std::deque<Pending> pending_;  // batches taken, not yet all in replay
  int64_t next_transition_ = 0;  // in pending_.front()
  int64_t published_updates_ = -1;
};

}  // namespace

RunOutcome train(const DqnOptions& options, RunSettings settings, uint64_t seed, const std::string& device) {
  const auto registry = envs::make_env_registry();
  DqnTraining training(options, registry.make(options.env, envs::parse_env_kwargs(options.env_options)), seed,
                       torch::Device(device));
  settings.algorithm = kDqnAlgorithm;
  settings.env = options.env;
  settings.keep_checkpoints = options.keep_checkpoints;
  if (!settings.quiet) training.print_setup();
  RunOutcome outcome = run_training(training, settings);
  // An interrupted learner leaves its actors waiting for --resume.
  if (!outcome.interrupted_by) training.release_actors();
  return outcome;
}

}  // namespace tp::agents::dqn
