// `torchplay eval --game`: a match between two players, the mistake rate on Connect Four test
// positions (--positions) or the exhaustive check against minimax (--exhaustive); the
// evaluations themselves live in agents/evaluation/.
#include <filesystem>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "agents/alphazero/options.h"
#include "agents/evaluation/exhaustive_check.h"
#include "agents/evaluation/game_match_report.h"
#include "agents/evaluation/position_test.h"
#include "agents/game_player_factory.h"
#include "apps/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/runtime.h"
#include "envs/games/game_registry.h"

namespace tp::app {

namespace {

struct EvalGameOptions {
  std::string game = "tictactoe", game_options;
  std::string agent = "random", opponent = "random";
  int games = 100;
  int parallel_games = 64;
  int agent_simulations = 0, opponent_simulations = 0;
  std::string agent_search, opponent_search;  // "": the checkpoint's own
  int temperature_moves = 0;
  std::string positions;
  bool write_answers = false, no_answers = false;
  bool exhaustive = false;
};

// The evaluated agent's settings (the opponent's differ in seed, simulations and search).
agents::GamePlayerContext agent_context(const EvalGameOptions& o, const CommonOptions& common) {
  agents::GamePlayerContext ctx{common.seed, common.device, o.agent_simulations};
  ctx.search = o.agent_search;
  return ctx;
}

int run_match(const EvalGameOptions& o, const CommonOptions& common, const envs::GameState& initial) {
  agents::GamePlayerContext ctx = agent_context(o, common);
  auto a = agents::make_game_player(o.agent, initial, ctx);
  ctx.seed = common.seed + 1;
  ctx.simulations = o.opponent_simulations;
  ctx.search = o.opponent_search;
  auto b = agents::make_game_player(o.opponent, initial, ctx);
  Progress progress("eval " + o.game, o.games, "games", common.quiet);
  agents::MatchEvalOptions opt;
  opt.games = o.games;
  opt.parallel = o.parallel_games;
  opt.seed = common.seed;
  opt.temperature_moves = o.temperature_moves;
  opt.on_game_done = [&](int done) { progress.update(done); };
  const agents::MatchReport r = agents::evaluate_match(initial, *a, *b, opt);
  progress.finish();
  std::printf("%s vs %s on %s, %d games (colours alternating): %d wins, %d draws, %d losses\n", r.agent.c_str(),
              r.opponent.c_str(), o.game.c_str(), r.games, r.wins, r.draws, r.losses);
  std::printf("win rate %.3f (95%% CI %.3f..%.3f, Wilson); score %.3f +- %.3f (95%% CI); mean game length %.1f\n",
              r.win_rate, r.wilson_low, r.wilson_high, r.score, r.score_half_width, r.mean_game_length);
  std::printf("the agent moving first: %d wins, %d draws, %d losses; moving second: %d wins, %d draws, %d losses\n",
              r.as_first.wins, r.as_first.draws, r.as_first.losses, r.as_second.wins, r.as_second.draws,
              r.as_second.losses);
  if (common.json) {
    Json j = Json::object();
    j["game"] = o.game;
    j["agent"] = o.agent;
    j["opponent"] = o.opponent;
    j["games"] = r.games;
    j["wins"] = r.wins;
    j["draws"] = r.draws;
    j["losses"] = r.losses;
    j["win_rate"] = r.win_rate;
    j["win_rate_ci_low"] = r.wilson_low;
    j["win_rate_ci_high"] = r.wilson_high;
    j["score"] = r.score;
    j["score_ci_half_width"] = r.score_half_width;
    j["mean_game_length"] = r.mean_game_length;
    for (const auto& [key, colour] : {std::pair{"first", &r.as_first}, std::pair{"second", &r.as_second}}) {
      j[std::string(key) + "_wins"] = colour->wins;
      j[std::string(key) + "_draws"] = colour->draws;
      j[std::string(key) + "_losses"] = colour->losses;
    }
    print_json_line(j.dump());
  }
  return 0;
}

// One line per Pons set (its own mistake rate), then the total when there are several.
int run_positions(const EvalGameOptions& o, const CommonOptions& common, const ThreadLayout& layout,
                  const envs::GameState& initial) {
  TP_CHECK_AS(UsageError, o.game == "connect4", "--positions needs --game connect4 (Pons-format files)");
  const std::vector<std::string> files = split_list(o.positions, "--positions");
  std::vector<std::vector<agents::PonsPosition>> sets;
  int64_t total = 0;
  std::vector<std::string> answers(files.size());  // the answers file used per set, if any
  for (size_t i = 0; i < files.size(); ++i) {      // every file is read before any search starts
    sets.push_back(agents::read_pons_positions(files[i]));
    total += static_cast<int64_t>(sets.back().size());
    const std::string path = agents::pons_answers_path(files[i]);
    if (!o.no_answers && !o.write_answers && std::filesystem::exists(path)) {
      agents::read_pons_answers(path, sets.back());
      answers[i] = path;
    }
  }
  if (o.write_answers) {
    Progress progress("solving every column", total, "positions", common.quiet);
    int64_t done_before = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      agents::solve_good_columns(sets[i], worker_threads(common, layout),
                                 [&](int64_t done) { progress.update(done_before + done); });
      done_before += static_cast<int64_t>(sets[i].size());
      const std::string path = agents::pons_answers_path(files[i]);
      agents::write_pons_answers(
          path, sets[i],
          "The answers to " + std::filesystem::path(files[i]).filename().string() +
              ": each position's moves, then the columns (1..7) that keep its solved outcome\n"
              "(win, draw or loss) for the side to move. Written by torchplay's solver (one\n"
              "null-window search per column): torchplay eval --game connect4 --positions FILE --write-answers");
      std::printf("wrote %s (%zu positions)\n", path.c_str(), sets[i].size());
    }
    progress.finish();
    return 0;
  }
  const agents::GamePlayerContext ctx = agent_context(o, common);
  auto player = agents::make_game_player(o.agent, initial, ctx);
  // Two steps per position: its move chosen, then checked by the solver.
  Progress progress("positions (choose, then check)", 2 * total, "steps", common.quiet);
  int64_t done_before = 0;
  std::vector<agents::MistakeRateReport> reports;
  for (const auto& set : sets) {
    agents::PositionTestOptions opt;
    opt.parallel = o.parallel_games;
    opt.seed = common.seed;
    opt.check_exact_scores = o.agent == "solver";
    opt.solver_threads = worker_threads(common, layout);
    opt.on_progress = [&](int64_t done, bool checking) {
      progress.update(done_before + done, checking ? "checking moves" : "choosing moves");
    };
    reports.push_back(agents::connect4_mistake_rate(set, initial, *player, opt));
    done_before += 2 * static_cast<int64_t>(set.size());
  }
  progress.finish();
  int positions = 0, mistakes = 0;
  Json per_set = Json::array();
  for (size_t i = 0; i < files.size(); ++i) {
    const agents::MistakeRateReport& r = reports[i];
    positions += r.positions;
    mistakes += r.mistakes;
    std::printf("%s on %s: %d positions, %d mistakes (mistake rate %.4f)\n", player->name().c_str(), files[i].c_str(),
                r.positions, r.mistakes, r.mistake_rate);
    if (!answers[i].empty()) std::printf("moves looked up in %s\n", answers[i].c_str());
    if (r.exact_scores) std::printf("exact scores reproduced: %d / %d\n", *r.exact_scores, r.positions);
    Json j = Json::object();
    j["positions_file"] = files[i];
    j["positions"] = r.positions;
    j["mistakes"] = r.mistakes;
    j["mistake_rate"] = r.mistake_rate;
    if (r.exact_scores) j["exact_scores"] = *r.exact_scores;
    j["answers_file"] = answers[i];
    per_set.push_back(j);
  }
  const double rate = positions > 0 ? static_cast<double>(mistakes) / positions : 0.0;
  if (files.size() > 1)
    std::printf("%s on %zu sets: %d positions, %d mistakes (mistake rate %.4f)\n", player->name().c_str(), files.size(),
                positions, mistakes, rate);
  if (common.json) {
    // One set: its fields at the top level; several: the totals, and each set under "sets".
    Json j = files.size() == 1 ? per_set[0] : Json::object();
    j["game"] = o.game;
    j["agent"] = o.agent;
    if (files.size() > 1) {
      j["positions"] = positions;
      j["mistakes"] = mistakes;
      j["mistake_rate"] = rate;
      j["sets"] = per_set;
    }
    print_json_line(j.dump());
  }
  return 0;
}

int run_exhaustive(const EvalGameOptions& o, const CommonOptions& common, const envs::GameState& initial) {
  const auto positions = agents::reachable_positions(initial);
  const agents::GamePlayerContext ctx = agent_context(o, common);
  auto player = agents::make_game_player(o.agent, initial, ctx);
  Progress progress("exhaustive", static_cast<int64_t>(positions.size()), "positions", common.quiet);
  const agents::ExhaustiveReport r =
      agents::exhaustive_check(positions, *player, [&](int64_t done) { progress.update(done); });
  progress.finish();
  std::printf("%s on %s: %d reachable positions, %d where the move is not value-optimal\n", player->name().c_str(),
              o.game.c_str(), r.positions, r.suboptimal);
  if (!r.first_suboptimal.empty() && !common.quiet)
    std::printf("first suboptimal position:\n%s", r.first_suboptimal.c_str());
  if (common.json) {
    Json j = Json::object();
    j["game"] = o.game;
    j["agent"] = o.agent;
    j["positions"] = r.positions;
    j["suboptimal"] = r.suboptimal;
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
      .add("agent", &o.agent,
           "the agent evaluated: random, minimax[:DEPTH], mcts:N, solver, an AlphaZero checkpoint, run directory "
           "or shipped model (connect4, ...), or torchscript:FILE.pt")
      .add("opponent", &o.opponent, "its opponent (match mode)")
      .add("games", &o.games, "match games; the agent moves first in even-numbered games")
      .add("parallel-games", &o.parallel_games, "games in flight (batched network evaluation)")
      .add("agent-simulations", &o.agent_simulations, "MCTS simulations per move for a checkpoint agent (0: its run's)")
      .add("opponent-simulations", &o.opponent_simulations,
           "MCTS simulations per move for a checkpoint opponent (0: its run's)")
      .add("agent-search", &o.agent_search,
           "puct or gumbel: the search an AlphaZero checkpoint agent plays with in place of its run's")
      .add("opponent-search", &o.opponent_search, "the same for a checkpoint opponent")
      .add("temperature-moves", &o.temperature_moves,
           "match: MCTS agents choose the first N plies in proportion to visits (varied games between "
           "deterministic agents)")
      .add("positions", &o.positions,
           "connect4: Pons-format files, comma-separated; prints the agent's mistake rate on each and in total")
      .add("write-answers", &o.write_answers,
           "connect4: solve every open column of every --positions position and write FILE.answers beside each "
           "file (no agent plays); later evaluations look their moves up there instead of proving them")
      .add("no-answers", &o.no_answers, "connect4: ignore FILE.answers and prove every move with the solver")
      .add("exhaustive", &o.exhaustive, "check the agent's move in every reachable position against minimax");
  common.bind(set);
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, o.games > 0 && o.parallel_games > 0, "--games and --parallel-games must be > 0");
  TP_CHECK_AS(UsageError, o.agent_simulations >= 0 && o.opponent_simulations >= 0,
              "--agent-simulations and --opponent-simulations must be >= 0");
  TP_CHECK_AS(UsageError, o.temperature_moves >= 0, "--temperature-moves must be >= 0");
  for (const auto& [name, search] : std::vector<std::pair<std::string, std::string>>{
           {"--agent-search", o.agent_search}, {"--opponent-search", o.opponent_search}})
    TP_CHECK_AS(UsageError, search.empty() || agents::is_search_name(search), name, " must be puct or gumbel, not '",
                search, "'");
  TP_CHECK_AS(UsageError, !(o.exhaustive && !o.positions.empty()), "--exhaustive and --positions exclude each other");
  TP_CHECK_AS(UsageError, !((o.write_answers || o.no_answers) && o.positions.empty()),
              "--write-answers and --no-answers need --positions");
  TP_CHECK_AS(UsageError, !(o.write_answers && o.no_answers), "--write-answers and --no-answers exclude each other");
  const ThreadLayout layout = init_runtime(common);
  const envs::GameRegistry registry = envs::make_game_registry();
  const auto initial = registry.make(o.game, o.game_options);
  if (!o.positions.empty()) return run_positions(o, common, layout, *initial);
  if (o.exhaustive) return run_exhaustive(o, common, *initial);
  return run_match(o, common, *initial);
}

}  // namespace tp::app
