// `torchplay gtp`: a Go Text Protocol engine on stdin/stdout over any board-game player.
#include <iostream>

#include "agents/alphazero/mcts.h"
#include "agents/alphazero/options.h"
#include "agents/game_player_factory.h"
#include "agents/gtp/gtp_engine.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/options.h"
#include "core/runtime.h"
#include "core/version.h"

namespace tp::app {

int cmd_gtp(const Args& args) {
  CommonOptions common;
  std::string agent = "mcts:400";
  int simulations = 0;
  std::string search;  // "": the checkpoint's own
  int leaf_batch = 0;
  int size = 9;
  double komi = 7.5;
  double resign_below = -1.0;
  std::string game_options;
  OptionSet set(
      "torchplay gtp --agent CHECKPOINT|mcts:N|random [options]\n"
      "Speaks GTP version 2 on stdin/stdout (Go; torchplay's rules: positional superko,\n"
      "suicide illegal, Tromp-Taylor area scoring).");
  set.add("agent", &agent,
          "the player: an AlphaZero Go checkpoint (file, run directory or shipped model), torchscript:FILE.pt, "
          "mcts:N (UCT, random rollouts) or random")
      .add("simulations", &simulations, "MCTS simulations per move for checkpoint agents (0: the run's setting)")
      .add("search", &search,
           "puct or gumbel: the search an AlphaZero checkpoint plays with in place of its run's (a Gumbel search "
           "under GTP time controls fits its halving schedule to each move's time)")
      .add("leaf-batch", &leaf_batch,
           "searching network agents: leaves per network call, spread by virtual loss (0: the agent's own, 1 for "
           "AlphaZero checkpoints, the spec's batch for lee:)")
      .add("size", &size, "initial board size (GTP boardsize changes it)")
      .add("komi", &komi, "initial komi (GTP komi changes it)")
      .add("game-options", &game_options,
           "go settings as for training, e.g. size=5,history=2 (a checkpoint needs its run's settings);"
           " --size/--komi given explicitly win")
      .add("resign-below", &resign_below,
           "resign when the agent's own value estimate (searching agents) is below this; -1 never resigns");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, size >= envs::go::kMinSize && size <= envs::go::kMaxSize, "--size must be in ",
              envs::go::kMinSize, "..", envs::go::kMaxSize);
  TP_CHECK_AS(UsageError, simulations >= 0, "--simulations must be >= 0");
  TP_CHECK_AS(UsageError, search.empty() || agents::is_search_name(search), "--search must be puct or gumbel, not '",
              search, "'");
  TP_CHECK_AS(UsageError, leaf_batch >= 0 && leaf_batch <= agents::kMaxLeafBatch, "--leaf-batch must be in 0..",
              agents::kMaxLeafBatch);
  TP_CHECK_AS(UsageError, resign_below >= -1.0 && resign_below <= 1.0, "--resign-below must be in [-1, 1]");
  init_runtime(common);

  agents::GtpEngineOptions options;
  options.version = TORCHPLAY_VERSION;
  options.params = envs::go::parse_go_params(game_options);
  if (set.given("size") || game_options.find("size=") == std::string::npos) options.params.size = size;
  if (set.given("komi") || game_options.find("komi=") == std::string::npos) options.params.komi = komi;
  // The player is built for the initial board; GTP boardsize may change the size later, which
  // the rollout and random players follow, while a network checkpoint refuses other sizes.
  const envs::go::GoState initial(options.params);
  agents::GamePlayerContext ctx;
  ctx.seed = common.seed;
  ctx.device = common.device;
  ctx.simulations = simulations;
  ctx.search = search;
  ctx.leaf_batch = leaf_batch;
  agents::GamePlayerMoveGenerator generator(agents::make_game_player(agent, initial, ctx), resign_below,
                                            agents::is_checkpoint_spec(agent) ? options.params.size : 0);
  agents::GtpEngine engine(generator, options);
  std::ios::sync_with_stdio(false);
  engine.run(std::cin, std::cout);
  return 0;
}

}  // namespace tp::app
