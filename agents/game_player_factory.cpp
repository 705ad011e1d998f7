#include "agents/game_player_factory.h"

#include <torch/torch.h>

#include "agents/agent_spec.h"
#include "agents/alphago/lee_agent.h"
#include "agents/alphazero/mcts.h"
#include "agents/alphazero/mcts_player.h"
#include "agents/alphazero/model.h"
#include "agents/alphazero/network_evaluator.h"
#include "agents/alphazero/options.h"
#include "agents/baselines/connect4_solver.h"
#include "agents/baselines/minimax.h"
#include "agents/baselines/random_player.h"
#include "agents/torchscript_agent.h"
#include "core/checkpoint.h"
#include "core/error.h"

namespace tp::agents {

namespace {
int parse_count(const std::string& text, const std::string& spec) {
  size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  TP_CHECK_AS(UsageError, used == text.size() && n > 0, "agent '", spec, "': '", text, "' is not a positive number");
  return n;
}
}  // namespace

bool is_checkpoint_spec(const std::string& spec) {
  return spec != "random" && spec != "minimax" && spec != "solver" && spec.rfind("minimax:", 0) != 0 &&
         spec.rfind("mcts:", 0) != 0;
}

std::unique_ptr<GamePlayer> make_game_player(const std::string& spec, const envs::GameState& game,
                                             const GamePlayerContext& ctx) {
  TP_CHECK_AS(UsageError, ctx.search.empty() || is_search_name(ctx.search), "search '", ctx.search,
              "': expected puct or gumbel");
  const auto no_search_choice = [&] {
    TP_CHECK_AS(UsageError, ctx.search.empty(), "agent '", spec,
                "': a search choice (puct or gumbel) applies to AlphaZero checkpoints only");
  };
  if (!is_checkpoint_spec(spec) || spec.rfind("lee:", 0) == 0 || is_torchscript_spec(spec)) no_search_choice();
  if (spec == "random") return std::make_unique<RandomPlayer>(ctx.seed);
  if (spec == "minimax") return std::make_unique<MinimaxPlayer>(0, ctx.seed);
  if (spec.rfind("minimax:", 0) == 0)
    return std::make_unique<MinimaxPlayer>(parse_count(spec.substr(8), spec), ctx.seed);
  if (spec.rfind("mcts:", 0) == 0) {
    MctsOptions o;
    o.uct = true;
    o.simulations = parse_count(spec.substr(5), spec);
    return std::make_unique<MctsPlayer>(spec, std::make_shared<RolloutEvaluator>(ctx.seed ^ 0x5eedULL), o, ctx.seed);
  }
  if (spec == "solver") {
    TP_CHECK_AS(UsageError, game.info().name == "connect4", "the 'solver' agent plays connect4 only, not ",
                game.info().name);
    return std::make_unique<SolverPlayer>(ctx.seed);
  }
  if (spec.rfind("lee:", 0) == 0) {
    alphago::LeeAgentSpec lee = alphago::parse_lee_spec(spec.substr(4));
    if (ctx.leaf_batch > 0) lee.batch = ctx.leaf_batch;
    return alphago::make_lee_player(lee, game, ctx.seed, ctx.device, ctx.simulations);
  }
  if (is_torchscript_spec(spec)) {
    // A network made elsewhere with the tower's contract, searched with AlphaZero's defaults.
    MctsOptions o;
    o.simulations = ctx.simulations > 0 ? ctx.simulations : 800;
    o.c_puct = 1.25;
    if (ctx.leaf_batch > 0) o.leaf_batch = ctx.leaf_batch;
    return std::make_unique<MctsPlayer>(spec, make_torchscript_evaluator(spec, game.info(), ctx.device, kMaxLeafBatch),
                                        o, ctx.seed);
  }
  const std::string path = agent_checkpoint(spec, {"random", "minimax", "minimax:DEPTH", "mcts:N", "solver",
                                                   "torchscript:FILE.pt", "lee:policy=SL,rollout=ROLLOUT"});
  if (alphago::is_policy_checkpoint(path)) {
    no_search_choice();
    return alphago::make_policy_player(path, game, ctx.device);
  }
  const torch::Device device(ctx.device);
  LoadedAlphaZeroModel model = load_alphazero_model(path, game, device);
  MctsOptions o = model.info.play_options(ctx.simulations);
  if (ctx.leaf_batch > 0) o.leaf_batch = ctx.leaf_batch;
  std::string name = "alphazero(" + spec + ")";
  if (!ctx.search.empty()) {
    o.gumbel = ctx.search == "gumbel";
    name = "alphazero(" + spec + ", " + ctx.search + " search)";
  }
  auto evaluator = std::make_shared<NetworkEvaluator>(model.net, game.info(), device, kMaxLeafBatch);
  return std::make_unique<MctsPlayer>(name, std::move(evaluator), o, ctx.seed);
}

}  // namespace tp::agents
