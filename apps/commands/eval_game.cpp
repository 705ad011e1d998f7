#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "agents/alphazero/batched_games.h"
#include "agents/baselines/connect4_solver.h"
#include "agents/baselines/minimax.h"
#include "agents/game_player.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/seeds.h"
#include "core/json.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/runtime.h"
#include "core/stats.h"
#include "envs/games/game_registry.h"

namespace tp::app {

namespace {

struct EvalGameOptions {
  std::string game = "tictactoe", game_options;
  std::string agent = "random", opponent = "random";
  int games = 100;
  int parallel_games = 64;
  int agent_simulations = 0;
  std::string positions;
  bool exhaustive = false;
};

int run_match(const EvalGameOptions& o, const CommonOptions& common, const envs::GameState& initial) {
  agents::GamePlayerContext ctx{common.seed, common.device, o.agent_simulations};
  auto a = agents::make_game_player(o.agent, initial, ctx);
  ctx.seed = common.seed + 1;
  ctx.simulations = 0;
  auto b = agents::make_game_player(o.opponent, initial, ctx);
  Progress progress("eval " + o.game, o.games, "games", common.quiet);
  agents::BatchedPlayOptions opt;
  opt.games = o.games;
  opt.parallel = o.parallel_games;
  opt.on_game_done = [&](int done) { progress.update(done); };
  const auto result = agents::play_match(initial, *a, *b, opt, evaluation_seed(common.seed));
  progress.finish();
  const agents::MatchScore s = agents::score_for_a(result);
  const double n = s.games();
  // Score (win 1, draw 1/2) with a normal-approximation 95% interval over the games.
  const double mean = s.score();
  const double var = (s.wins * std::pow(1 - mean, 2) + s.draws * std::pow(0.5 - mean, 2) + s.losses * mean * mean) / n;
  const double half = 1.959963984540054 * std::sqrt(var / n);
  double win_lo, win_hi;
  wilson_interval(s.wins / n, static_cast<int>(n), 1.959963984540054, win_lo, win_hi);
  double plies = 0;
  for (const auto& g : result.games) plies += g.moves.size();
  std::printf("%s vs %s on %s, %d games (colours alternating): %d wins, %d draws, %d losses\n", a->name().c_str(),
              b->name().c_str(), o.game.c_str(), s.games(), s.wins, s.draws, s.losses);
  std::printf("win rate %.3f (95%% CI %.3f..%.3f, Wilson); score %.3f +- %.3f (95%% CI); mean game length %.1f\n",
              s.wins / n, win_lo, win_hi, mean, half, plies / n);
  if (common.json) {
    Json j = Json::object();
    j.set("game", o.game);
    j.set("agent", o.agent);
    j.set("opponent", o.opponent);
    j.set("games", s.games());
    j.set("wins", s.wins);
    j.set("draws", s.draws);
    j.set("losses", s.losses);
    j.set("win_rate", s.wins / n);
    j.set("win_rate_ci_low", win_lo);
    j.set("win_rate_ci_high", win_hi);
    j.set("score", mean);
    j.set("score_ci_half_width", half);
    j.set("mean_game_length", plies / n);
    print_json_line(j.dump());
  }
  return 0;
}

// Mistake rate on a Pons-format file: a mistake is a move after which the solved outcome
// (win/draw/loss for the mover) is worse than the position's.
int run_positions(const EvalGameOptions& o, const CommonOptions& common, const envs::GameState& initial) {
  TP_CHECK_AS(UsageError, o.game == "connect4", "--positions needs --game connect4 (Pons-format files)");
  std::ifstream in(o.positions);
  TP_CHECK_AS(DataError, in.good(), "cannot read positions file '", o.positions, "'");
  struct Item {
    std::string moves;
    int score;
  };
  std::vector<Item> items;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    Item it;
    std::string extra;
    TP_CHECK_AS(DataError, (ls >> it.moves >> it.score) && !(ls >> extra), o.positions, ":", line_no,
                ": expected '<moves> <score>'");
    items.push_back(it);
  }
  TP_CHECK_AS(DataError, !items.empty(), "positions file '", o.positions, "' holds no positions");
  agents::GamePlayerContext ctx{common.seed, common.device, o.agent_simulations};
  auto player = agents::make_game_player(o.agent, initial, ctx);
  const bool is_solver = o.agent == "solver";
  agents::Connect4Solver solver;
  int mistakes = 0, exact = 0;
  std::vector<agents::Connect4Position> positions(items.size());
  std::vector<std::unique_ptr<envs::GameState>> states;
  std::vector<const envs::GameState*> state_ptrs;
  for (size_t i = 0; i < items.size(); ++i) {
    try {
      positions[i].play_sequence(items[i].moves);
    } catch (const Error& e) {
      TP_THROW(DataError, o.positions, ": position ", i + 1, " '", items[i].moves, "': ", e.what());
    }
    states.push_back(envs::state_from_moves(initial, envs::split_move_list(items[i].moves)));
    state_ptrs.push_back(states.back().get());
  }
  Progress progress("positions", static_cast<int64_t>(items.size()), "positions", common.quiet);
  // MCTS agents search many positions at once (batched evaluation); others move one by one.
  std::vector<envs::Action> chosen;
  if (const agents::BatchedSearch* search = player->batched_search())
    chosen = agents::batched_select_moves(state_ptrs, *search, o.parallel_games, common.seed,
                                          [&](int done) { progress.update(done); });
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    const agents::Connect4Position& pos = positions[i];
    const int want = (it.score > 0) - (it.score < 0);
    const envs::Action a = chosen.empty() ? player->select_action(*states[i]) : chosen[i];
    int got;
    if (pos.is_winning_move(a)) {
      got = 1;
    } else if (pos.moves() + 1 == agents::Connect4Position::kWidth * agents::Connect4Position::kHeight) {
      got = 0;
    } else {
      agents::Connect4Position child(pos);
      child.play_column(a);
      const int score = -solver.solve(child, true);  // weak: only the sign is exact
      got = (score > 0) - (score < 0);
    }
    mistakes += got < want;
    if (is_solver) exact += solver.solve(pos) == it.score;
    progress.update(static_cast<int64_t>(i + 1));
  }
  progress.finish();
  const double n = static_cast<double>(items.size());
  std::printf("%s on %s: %d positions, %d mistakes (mistake rate %.4f)\n", player->name().c_str(), o.positions.c_str(),
              static_cast<int>(items.size()), mistakes, mistakes / n);
  if (is_solver) std::printf("exact scores reproduced: %d / %d\n", exact, static_cast<int>(items.size()));
  if (common.json) {
    Json j = Json::object();
    j.set("game", o.game);
    j.set("agent", o.agent);
    j.set("positions_file", o.positions);
    j.set("positions", static_cast<int>(items.size()));
    j.set("mistakes", mistakes);
    j.set("mistake_rate", mistakes / n);
    if (is_solver) j.set("exact_scores", exact);
    print_json_line(j.dump());
  }
  return 0;
}

// Every reachable non-terminal position, checked against exact minimax: does the agent
// pick a value-optimal move? (Feasible for small games such as Tic-tac-toe.)
int run_exhaustive(const EvalGameOptions& o, const CommonOptions& common, const envs::GameState& initial) {
  constexpr size_t kLimit = 200000;
  std::vector<std::unique_ptr<envs::GameState>> positions;
  std::set<std::string> seen;
  std::vector<std::unique_ptr<envs::GameState>> stack;
  stack.push_back(initial.clone());
  while (!stack.empty()) {
    auto s = std::move(stack.back());
    stack.pop_back();
    if (s->is_terminal() || !seen.insert(s->to_string()).second) continue;
    TP_CHECK_AS(UsageError, seen.size() <= kLimit, "--exhaustive: ", o.game, " has more than ", kLimit,
                " reachable positions; use it on small games such as tictactoe");
    for (envs::Action a : s->legal_actions()) {
      auto c = s->clone();
      c->apply(a);
      stack.push_back(std::move(c));
    }
    positions.push_back(std::move(s));
  }
  agents::GamePlayerContext ctx{common.seed, common.device, o.agent_simulations};
  auto player = agents::make_game_player(o.agent, initial, ctx);
  Progress progress("exhaustive", static_cast<int64_t>(positions.size()), "positions", common.quiet);
  int suboptimal = 0;
  std::string example;
  for (size_t i = 0; i < positions.size(); ++i) {
    const auto& s = *positions[i];
    const auto legal = s.legal_actions();
    const auto values = agents::minimax_move_values(s, 0);
    const envs::Action a = player->select_action(s);
    double best = -2, chosen = -2;
    for (size_t k = 0; k < legal.size(); ++k) {
      best = std::max(best, values[k]);
      if (legal[k] == a) chosen = values[k];
    }
    // Values carry a small depth preference; optimal means the same outcome (win/draw/loss).
    auto outcome = [](double v) { return v > 0.5 ? 1 : v < -0.5 ? -1 : 0; };
    if (outcome(chosen) < outcome(best)) {
      ++suboptimal;
      if (example.empty()) example = s.to_string() + "chose " + s.action_to_string(a) + "\n";
    }
    progress.update(static_cast<int64_t>(i + 1));
  }
  progress.finish();
  std::printf("%s on %s: %d reachable positions, %d where the move is not value-optimal\n", player->name().c_str(),
              o.game.c_str(), static_cast<int>(positions.size()), suboptimal);
  if (!example.empty() && !common.quiet) std::printf("first suboptimal position:\n%s", example.c_str());
  if (common.json) {
    Json j = Json::object();
    j.set("game", o.game);
    j.set("agent", o.agent);
    j.set("positions", static_cast<int>(positions.size()));
    j.set("suboptimal", suboptimal);
    print_json_line(j.dump());
  }
  return 0;
}

}  // namespace

int eval_game(const Args& args) {
  EvalGameOptions o;
  CommonOptions common;
  OptionSet set(
      "torchplay eval --game NAME --agent A [--opponent B --games N | --positions FILE | --exhaustive]\n"
      "Agents: random, minimax, minimax:DEPTH, mcts:N (UCT, random rollouts), solver (connect4),\n"
      "or an AlphaZero checkpoint file.");
  set.add("game", &o.game, "board game (see torchplay envs)")
      .add("game-options", &o.game_options, "game settings as key=value,... (gomoku: size=N)")
      .add("agent", &o.agent, "the agent evaluated")
      .add("opponent", &o.opponent, "its opponent (match mode)")
      .add("games", &o.games, "match games; the agent moves first in even-numbered games")
      .add("parallel-games", &o.parallel_games, "games in flight (batched network evaluation)")
      .add("agent-simulations", &o.agent_simulations, "MCTS simulations per move for a checkpoint agent (0: its run's)")
      .add("positions", &o.positions, "connect4: Pons-format file; prints the agent's mistake rate")
      .add("exhaustive", &o.exhaustive, "check the agent's move in every reachable position against minimax");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, o.games > 0 && o.parallel_games > 0, "--games and --parallel-games must be > 0");
  TP_CHECK_AS(UsageError, o.agent_simulations >= 0, "--agent-simulations must be >= 0");
  TP_CHECK_AS(UsageError, !(o.exhaustive && !o.positions.empty()), "--exhaustive and --positions exclude each other");
  init_runtime(common);
  const envs::GameRegistry registry = envs::make_game_registry();
  const auto initial = registry.make(o.game, o.game_options);
  if (!o.positions.empty()) return run_positions(o, common, *initial);
  if (o.exhaustive) return run_exhaustive(o, common, *initial);
  return run_match(o, common, *initial);
}

}  // namespace tp::app
