// `torchplay train alphazero`: AlphaGo Zero self-play training on a board game
// (agents/alphazero/trainer.h). Parse, call, print.
#include "agents/alphazero/options.h"
#include "agents/alphazero/trainer.h"
#include "apps/commands.h"
#include "core/runtime.h"

namespace tp::app {

int train_alphazero(const Args& args) {
  OptionSet set(
      "torchplay train alphazero --game NAME [options]\n"
      "AlphaGo Zero self-play training (docs/alphazero.md). Defaults are the game's preset, scaled\n"
      "down from AlphaGo Zero's values (named in each option's help) to this toolkit's CPU budget.\n"
      "--resume RUN_DIR continues a run from its newest checkpoint.");
  set.enable_resume();
  auto options = agents::AlphaZeroOptions::preset(set.peek(args, "game").value_or("tictactoe"));
  CommonOptions common;
  TrainShow show;
  options.bind(set);
  common.bind(set);
  show.bind(set);
  if (!set.parse(args)) return 0;
  options.validate();
  // Self-play workers take the cores; each searches its own games (docs/performance.md).
  const ThreadLayout layout = init_runtime(common, CoreUse::kWorkers);
  options.self_play_workers = layout.workers;
  return print_run_outcome(
      agents::train_alphazero(options, show.attach(run_settings(set, common, layout)), common.seed, common.device),
      common);
}

}  // namespace tp::app
