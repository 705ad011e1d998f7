#pragma once
// The torchplay subcommands: one source file per command (apps/commands/*.cpp), one
// dispatch table (apps/main.cpp). Each takes the words after the command name and returns
// the process exit code; errors are thrown (tp::UsageError -> 2, tp::Error -> 1).
#include <memory>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/training_run.h"

namespace tp::app {

using Args = std::vector<std::string>;

int cmd_envs(const Args& args);
int cmd_train(const Args& args);
int cmd_eval(const Args& args);
int cmd_watch(const Args& args);
int cmd_play(const Args& args);
int cmd_generate(const Args& args);
int cmd_match(const Args& args);
int cmd_engine_games(const Args& args);
int cmd_sgf(const Args& args);
int cmd_gtp(const Args& args);
int cmd_export(const Args& args);
int cmd_plot(const Args& args);
int cmd_bench(const Args& args);
int cmd_launch(const Args& args);
int cmd_actor(const Args& args);

// `train <algo>` targets, one file each (apps/commands/train_*.cpp).
int train_dqn(const Args& args);
int train_pqn(const Args& args);
int train_r2d2(const Args& args);
int train_alphazero(const Args& args);
int train_alphago_sl(const Args& args);
int train_alphago_rollout(const Args& args);
int train_alphago_rl(const Args& args);
int train_alphago_value(const Args& args);
// ppo | a2c | a3c
int train_policy_gradient(const std::string& algorithm, const Args& args);
// gan | dcgan | cgan | wgan-gp | vae | ae | dae | sae
int train_generative(const std::string& model, const Args& args);

// `--show` of every train command: the run's learning curve live in a window
// (apps/view/live_curves.h) while it trains. Lives as long as the command: its destructor
// closes the window (on a terminal, after the final curve has been looked at: Escape).
class TrainShow {
 public:
  TrainShow();
  ~TrainShow();
  TrainShow(const TrainShow&) = delete;
  TrainShow& operator=(const TrainShow&) = delete;
  void bind(OptionSet& set);
  // `settings` with a hook that opens the window once the run directory exists. With --show,
  // first checks for SFML and a display (a one-line error before any training).
  RunSettings attach(RunSettings settings);

 private:
  struct Window;
  bool show_ = false;
  std::unique_ptr<Window> window_;
};

// `eval` variants: single-agent env (--env), board game (--game), generative model (--model).
int eval_env(const Args& args);
int eval_game(const Args& args);
int eval_model(const Args& args);

// `args` with --game or --env (and its options) added from the checkpoint --agent names, when
// none of --game, --env, --model is given: `play --agent connect4` needs no --game.
Args with_agent_target(const Args& args);

// Throws a one-line error naming `what` when the build has no SFML views.
void require_sfml(const std::string& what);

// Prints the one-line JSON result (`--json`) on stdout.
void print_json_line(const std::string& json);
// Prints a training run's summary line (unless --quiet) and its `--json` line (with --json);
// returns the process exit code (128 + signal after an interrupt).
int print_run_outcome(const RunOutcome& outcome, const CommonOptions& common);

}  // namespace tp::app
