#include "agents/policy_gradient/pg_run.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "agents/policy_gradient/pg_policy.h"
#include "core/checkpoint.h"
#include "core/periodic.h"
#include "core/seeds.h"
#include "core/stats.h"
#include "nets/target_update.h"
#include "nets/layers.h"

namespace tp::agents::pg {

namespace {
nets::ActorCritic copy_of(const nets::ActorCritic& net) {
  nets::ActorCritic copy(net->options());
  copy->to(nets::device_of(*net));
  nets::hard_update(*copy, *net);
  return copy;
}
}  // namespace

PgRun::PgRun(const PgOptions& options, std::unique_ptr<envs::Env> env, uint64_t seed, torch::Device device)
    : o_(options), seed_(seed), device_(device), eval_env_(std::move(env)) {
  net_ = nets::ActorCritic(o_.network_options(*eval_env_));
  net_->to(device_);
}

std::string PgRun::setup_line() const {
  return o_.algorithm + " on " + o_.env + " (" + env_family(o_.env, *eval_env_) + " defaults), network " +
         net_->signature() + " on " + device_.str() + ", " + std::to_string(o_.num_envs) + " envs x " +
         std::to_string(o_.num_steps) + " steps per rollout" +
         (o_.algorithm == kA3c ? " per worker, " + std::to_string(o_.workers) + " workers" : "");
}

ProgressPlan PgRun::progress_plan() const { return {o_.algorithm + " " + o_.env, "steps", o_.steps}; }

std::string PgRun::progress_metric() const {
  if (returns_.empty()) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "return(20) %.1f", returns_.mean_of_last(20));
  return buf;
}

std::vector<std::string> PgRun::metric_columns() const {
  return {"step",       "episode", "episode_return", "episode_length",   "update",          "policy_loss",
          "value_loss", "entropy", "approx_kl",      "clip_fraction",    "explained_var",   "epochs",
          "lr",         "clip",    "steps_per_s",    "eval_return_mean", "eval_return_std", "wall_s"};
}

void PgRun::log_episodes(RunContext& run, const std::vector<FinishedEpisode>& episodes) {
  for (const FinishedEpisode& e : episodes) {
    ++episodes_;
    run.log({{"step", static_cast<double>(steps())},
             {"episode", static_cast<double>(episodes_)},
             {"episode_return", e.episode_return},
             {"episode_length", static_cast<double>(e.length)},
             {"wall_s", timer_.seconds()}});
    returns_.add(e.episode_return, steps());
  }
}

void PgRun::log_update(RunContext& run, const UpdateStats& s, double lr, double clip) {
  run.log({{"step", static_cast<double>(steps())},
           {"update", static_cast<double>(updates())},
           {"policy_loss", s.policy_loss},
           {"value_loss", s.value_loss},
           {"entropy", s.entropy},
           {"approx_kl", s.approx_kl},
           {"clip_fraction", s.clip_fraction},
           {"explained_var", s.explained_variance},
           {"epochs", static_cast<double>(s.epochs)},
           {"lr", lr},
           {"clip", clip},
           {"steps_per_s", steps_per_second()},
           {"wall_s", timer_.seconds()}});
}

double PgRun::progress_fraction() const {
  return std::min(1.0, static_cast<double>(steps()) / static_cast<double>(o_.steps));
}

bool PgRun::evaluation_due() const { return passed_multiple(step_start_, steps(), o_.eval_every); }

EvalReport PgRun::evaluate_network(nets::ActorCritic& net, int episodes, uint64_t seed) const {
  ActorCriticPolicy::Settings s;
  if (const RunningMeanStd* stats = obs_stats()) s.obs_stats = *stats;
  s.obs_clip = o_.obs_clip;
  s.sample = o_.eval_sample;
  s.seed = seed;
  ActorCriticPolicy policy(copy_of(net), std::move(s));
  return agents::evaluate(*eval_env_, policy, episodes, seed);
}

void PgRun::evaluate(RunContext& run) {
  if (!run.leader()) return;  // a distributed run evaluates on rank 0
  const EvalReport rep = evaluate_network(net_, o_.eval_episodes, selection_seed(seed_));
  run.log({{"step", static_cast<double>(steps())},
           {"eval_return_mean", rep.return_stats.mean},
           {"eval_return_std", rep.return_stats.std},
           {"wall_s", timer_.seconds()}});
  run.note(evaluation_line(steps(), rep));
  if (o_.final_policy == "best" && (!best_ || rep.return_stats.mean >= best_return_)) {
    best_ = copy_of(net_);
    best_return_ = rep.return_stats.mean;
  }
}

void PgRun::steps_ended() {
  train_seconds_ = timer_.seconds();
  train_steps_per_s_ = steps_per_second();
}

void PgRun::finish(RunContext& run) {
  if (!run.leader()) return;
  final_ = evaluate_network(best_ ? best_ : net_, o_.final_eval_episodes, evaluation_seed(seed_));
  run.log({{"step", static_cast<double>(steps())},
           {"eval_return_mean", final_.return_stats.mean},
           {"eval_return_std", final_.return_stats.std},
           {"wall_s", timer_.seconds()}});
  finished_ = true;
}

bool PgRun::checkpoint_due() const {
  return passed_multiple(step_start_, steps(), o_.checkpoint_every) && steps() < o_.steps;
}

CheckpointHeader PgRun::checkpoint_header() const {
  CheckpointHeader h;
  h.algorithm = o_.algorithm;
  h.env = o_.env;
  h.architecture = net_->signature();
  return h;
}

void PgRun::save(CheckpointWriter& w) const {
  w.header().counters["steps"] = steps();
  w.header().counters["updates"] = updates();
  w.header().counters["episodes"] = episodes_;
  w.add_bytes("net", nets::to_spec(net_->options()));
  w.add_module("online", *net_);
  w.add_module("policy", best_ ? *best_ : *net_);  // what eval/watch load
  w.add_tensor("best_return", torch::tensor({best_ ? best_return_ : std::nan("")}, torch::kFloat64));
  if (best_) w.add_module("best", *best_);
  if (const RunningMeanStd* stats = obs_stats()) {
    w.add_tensor("obs_stats", torch::tensor(stats->state(), torch::kFloat64));
    w.add_tensor("obs_clip", torch::tensor({o_.obs_clip}, torch::kFloat64));
  }
  w.add_torch_rng("torch_rng");
  save_state(w);
}

void PgRun::load(CheckpointReader& r) {
  episodes_ = r.header().counter("episodes");
  r.load_module("online", *net_);
  net_->to(device_);
  const double best = r.tensor("best_return").item<double>();
  if (!std::isnan(best)) {
    best_ = nets::ActorCritic(net_->options());
    r.load_module("best", *best_);
    best_->to(device_);
    best_return_ = best;
  }
  r.load_torch_rng("torch_rng");
  load_state(r);
  start_steps_ = steps();
  step_start_ = steps();
}

std::string PgRun::summary() const {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s on %s: %lld steps, %lld updates, %lld episodes (%.0f steps/s)",
                o_.algorithm.c_str(), o_.env.c_str(), static_cast<long long>(steps()),
                static_cast<long long>(updates()), static_cast<long long>(episodes_), train_steps_per_s_);
  std::string line = buf;
  if (finished_) {
    std::snprintf(buf, sizeof buf, "; final %s eval (%s network) over %d episodes: %.2f +- %.2f",
                  o_.eval_sample ? "sampled" : "deterministic", best_ ? "best" : "last", o_.final_eval_episodes,
                  final_.return_stats.mean, final_.return_stats.std);
    line += buf;
  }
  return line;
}

void PgRun::describe(Json& j) const {
  j["algorithm"] = o_.algorithm;
  j["env"] = o_.env;
  j["steps"] = static_cast<long long>(steps());
  j["updates"] = static_cast<long long>(updates());
  j["episodes"] = static_cast<long long>(episodes_);
  j["train_seconds"] = train_seconds_;
  j["steps_per_second"] = train_steps_per_s_;
  add_training_returns(j, returns_, steps());
  if (!finished_) return;
  j["final_policy"] = best_ ? "best" : "last";
  j["final_eval_actions"] = o_.eval_sample ? "sampled" : "mode";
  j["final_eval_episodes"] = o_.final_eval_episodes;
  j["final_eval_mean"] = final_.return_stats.mean;
  j["final_eval_std"] = final_.return_stats.std;
}

double PgRun::steps_per_second() const {
  return static_cast<double>(steps() - start_steps_) / std::max(1e-9, timer_.seconds());
}

}  // namespace tp::agents::pg
