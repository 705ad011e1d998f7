// `torchplay train dqn`: DQN (Mnih et al. 2015) and its extensions on a single-agent env.
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <optional>

#include "agents/dqn/dqn_options.h"
#include "agents/dqn/dqn_trainer.h"
#include "agents/dqn/greedy_eval.h"
#include "apps/commands.h"
#include "core/checkpoint.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "core/runtime.h"
#include "core/timer.h"
#include "envs/registry.h"

namespace tp::app {

namespace {
// The value of `--name X` or `--name=X` in args (empty when absent).
std::string word_value(const Args& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(name + "=", 0) == 0) return args[i].substr(name.size() + 1);
  }
  return "";
}

// Seeds of the periodic evaluations (model selection) differ from the final evaluation's,
// which are `torchplay eval`'s (seed * 1000003 + i), so the final figure can be reproduced
// with `torchplay eval --agent CHECKPOINT --seed S` and is not the one selection looked at.
uint64_t periodic_eval_seed(uint64_t seed) { return 0x7e57ULL * 1000003ULL + seed * 7919ULL; }
uint64_t final_eval_seed(uint64_t seed) { return seed * 1000003ULL; }
}  // namespace

int train_dqn(const Args& args) {
  agents::dqn::DqnOptions o;
  CommonOptions common;
  // DQN's networks are small: LibTorch's per-op overhead dominates and one thread is fastest.
  common.threads = 1;
  std::string resume;
  OptionSet set(
      "torchplay train dqn --env NAME [--steps N] [--seed S] [options]\n"
      "Defaults below are the MinAtar paper settings (Young & Tian 2019, after Mnih et al. 2015);\n"
      "envs with vector observations (classic control) use the tuned preset in docs/dqn.md for\n"
      "every option not given. --resume RUN_DIR continues a run from its newest checkpoint.");
  agents::dqn::add_dqn_options(set, o);
  common.add_to(set);
  set.add_transient("resume", &resume, "continue the run in RUN_DIR (its config.ini, then the command line)");
  const std::string resume_dir = word_value(args, "--resume");
  std::optional<RunDir> resumed;
  if (!resume_dir.empty()) {
    resumed = RunDir::open_existing(resume_dir);
    set.set_default_config_file(resumed->config_path());
  }
  if (!set.parse(args)) return 0;
  init_runtime(common);

  const auto registry = envs::make_env_registry();
  const envs::EnvKwargs kwargs = envs::parse_env_kwargs(o.env_options);
  auto env = registry.make(o.env, kwargs);
  const std::string family = agents::dqn::env_family(o.env, *env);
  agents::dqn::apply_family_defaults(o, family, [&](const std::string& name) { return set.given(name); });
  o.validate();

  const RunDir run = resumed ? *resumed : RunDir::create("dqn", o.env, common.run_dir);
  run.write_config(set.to_ini());
  CheckpointStore store(run.checkpoints_dir(), o.keep_checkpoints);
  agents::dqn::DqnTrainer trainer(o, std::move(env), common.seed);
  if (resumed) {
    const auto latest = store.latest();
    TP_CHECK_AS(UsageError, latest.has_value(), "--resume: run '", run.path(), "' has no checkpoint");
    CheckpointReader reader(*latest);
    const bool with_replay = trainer.load(reader);
    if (!common.quiet)
      std::cerr << "resuming " << run.path() << " at step " << trainer.steps() << " from " << *latest
                << (with_replay ? "" : " (no replay memory in the checkpoint: it refills, so the run is not exact)")
                << "\n";
  }
  if (!common.quiet)
    std::cerr << "dqn on " << o.env << " (" << family << " defaults), network " << trainer.architecture()
              << ", replay " << o.replay_size << " x " << trainer.memory().bytes_per_transition()
              << " bytes (" << agents::dqn::to_string(trainer.memory().storage()) << " observations), run "
              << run.path() << "\n";

  CsvMetrics metrics(run.metrics_path(), {"step", "episode", "episode_return", "episode_length", "loss", "q_mean",
                                          "epsilon", "steps_per_s", "eval_return_mean", "eval_return_std", "wall_s"},
                     resumed ? std::optional<double>(trainer.steps()) : std::nullopt);
  auto save_checkpoint = [&] {
    CheckpointHeader h = trainer.checkpoint_header();
    h.config = set.to_ini();
    CheckpointWriter w(h);
    trainer.save(w);
    return store.save(w, trainer.steps());
  };

  InterruptGuard interrupts;
  Progress progress("dqn " + o.env, o.steps, "steps", common.quiet);
  Timer timer;
  const int64_t start_steps = trainer.steps();
  auto steps_per_s = [&] { return static_cast<double>(trainer.steps() - start_steps) / std::max(1e-9, timer.seconds()); };
  std::deque<double> recent;  // last 20 episode returns, for the progress line
  double recent_sum = 0.0;
  char metric[96] = "";
  auto periodic_eval = [&] {
    const auto rep = trainer.evaluate_online(o.eval_episodes, periodic_eval_seed(common.seed));
    metrics.write({{"step", static_cast<double>(trainer.steps())},
                   {"eval_return_mean", rep.return_stats.mean},
                   {"eval_return_std", rep.return_stats.std},
                   {"wall_s", timer.seconds()}});
  };

  while (trainer.steps() < o.steps) {
    if (const int sig = pending_interrupt()) {
      const std::string path = save_checkpoint();
      progress.finish(metric);
      std::cerr << "interrupted at step " << trainer.steps() << "; checkpoint " << path
                << "; continue with: torchplay train dqn --resume " << run.path() << "\n";
      return interrupt_exit_code(sig);
    }
    const double epsilon = trainer.epsilon();
    if (const auto ep = trainer.step()) {
      const auto loss = trainer.take_loss_stats();
      metrics.write({{"step", static_cast<double>(trainer.steps())},
                     {"episode", static_cast<double>(trainer.episodes())},
                     {"episode_return", ep->episode_return},
                     {"episode_length", static_cast<double>(ep->length)},
                     {"loss", loss.loss},
                     {"q_mean", loss.q_mean},
                     {"epsilon", epsilon},
                     {"steps_per_s", steps_per_s()},
                     {"wall_s", timer.seconds()}});
      recent.push_back(ep->episode_return);
      recent_sum += ep->episode_return;
      if (recent.size() > 20) {
        recent_sum -= recent.front();
        recent.pop_front();
      }
      std::snprintf(metric, sizeof metric, "return(20) %.1f eps %.3f", recent_sum / static_cast<double>(recent.size()),
                    epsilon);
    }
    const int64_t s = trainer.steps();
    if (o.eval_every > 0 && s % o.eval_every == 0) periodic_eval();
    if (o.checkpoint_every > 0 && s % o.checkpoint_every == 0 && s < o.steps) save_checkpoint();
    if ((s & 127) == 0) progress.update(s, metric);
  }
  progress.finish(metric);
  const double train_seconds = timer.seconds();

  // Final greedy evaluation of the network the run hands out (best or last).
  const auto rep = agents::dqn::evaluate_q_network(trainer.policy_network(), trainer.env(), o.final_eval_episodes,
                                                   final_eval_seed(common.seed), o.eval_epsilon);
  metrics.write({{"step", static_cast<double>(trainer.steps())},
                 {"eval_return_mean", rep.return_stats.mean},
                 {"eval_return_std", rep.return_stats.std},
                 {"wall_s", timer.seconds()}});
  const std::string checkpoint = save_checkpoint();
  const double wall = timer.seconds();
  const bool used_best = trainer.has_best();
  std::printf("dqn on %s: %lld steps, %lld updates, %lld episodes in %.1f s (%.0f steps/s); final greedy eval "
              "(%s network) over %d episodes: %.2f +- %.2f; checkpoint %s\n",
              o.env.c_str(), static_cast<long long>(trainer.steps()), static_cast<long long>(trainer.updates()),
              static_cast<long long>(trainer.episodes()), wall, steps_per_s(), used_best ? "best" : "last",
              o.final_eval_episodes, rep.return_stats.mean, rep.return_stats.std, checkpoint.c_str());
  if (common.json) {
    Json j = Json::object();
    j.set("run_dir", run.path());
    j.set("env", o.env);
    j.set("steps", static_cast<long long>(trainer.steps()));
    j.set("updates", static_cast<long long>(trainer.updates()));
    j.set("episodes", static_cast<long long>(trainer.episodes()));
    j.set("wall_seconds", wall);
    j.set("train_seconds", train_seconds);
    j.set("steps_per_second", static_cast<double>(trainer.steps() - start_steps) / std::max(1e-9, train_seconds));
    j.set("final_policy", used_best ? "best" : "last");
    j.set("final_eval_episodes", o.final_eval_episodes);
    j.set("final_eval_mean", rep.return_stats.mean);
    j.set("final_eval_std", rep.return_stats.std);
    j.set("checkpoint", checkpoint);
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace tp::app
