// The board-game evaluations behind `torchplay eval --game` (agents/evaluation/), called
// directly: match statistics, the Connect Four mistake rate and the exhaustive minimax check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <utility>
#include <vector>

#include "agents/baselines/connect4_solver.h"
#include "agents/baselines/minimax.h"
#include "agents/baselines/random_player.h"
#include "agents/evaluation/exhaustive_check.h"
#include "agents/evaluation/game_match_report.h"
#include "agents/evaluation/position_test.h"
#include "agents/game_player_factory.h"
#include "core/error.h"
#include "core/seeds.h"
#include "envs/games/game_registry.h"
#include "tests/test_util.h"

namespace tp::agents {
namespace {

std::unique_ptr<envs::GameState> game(const std::string& name) {
  static const envs::GameRegistry r = envs::make_game_registry();
  return r.make(name);
}

GameRecord record(int first_side, double a_return, int plies) {
  GameRecord g;
  g.first_side = first_side;
  g.moves.assign(static_cast<size_t>(plies), 0);
  // returns are per player (player 0 moved first); side a is player first_side.
  g.returns = first_side == 0 ? std::vector<double>{a_return, -a_return} : std::vector<double>{-a_return, a_return};
  return g;
}

TEST(MatchReport, StatisticsOfAKnownResult) {
  BatchedPlayResult result;
  result.games = {record(0, 1, 5), record(1, 1, 6), record(0, 0, 9), record(1, -1, 8)};
  const MatchReport r = match_report(result, "a", "b");
  EXPECT_EQ(r.games, 4);
  EXPECT_EQ(r.wins, 2);
  EXPECT_EQ(r.draws, 1);
  EXPECT_EQ(r.losses, 1);
  EXPECT_DOUBLE_EQ(r.win_rate, 0.5);
  EXPECT_DOUBLE_EQ(r.score, 0.625);
  EXPECT_DOUBLE_EQ(r.mean_game_length, 7.0);
  // a moved first in the games of first_side 0: a win and a draw; second: a win and a loss.
  EXPECT_EQ(r.as_first.wins, 1);
  EXPECT_EQ(r.as_first.draws, 1);
  EXPECT_EQ(r.as_first.losses, 0);
  EXPECT_EQ(r.as_second.wins, 1);
  EXPECT_EQ(r.as_second.draws, 0);
  EXPECT_EQ(r.as_second.losses, 1);
  // Wilson at p = 1/2, n = 4: 0.5 +- 0.350; the score's per-game variance is 0.171875.
  EXPECT_NEAR(r.wilson_low, 0.1500, 1e-3);
  EXPECT_NEAR(r.wilson_high, 0.8500, 1e-3);
  EXPECT_NEAR(r.score_half_width, 1.959964 * std::sqrt(0.171875 / 4), 1e-6);
}

TEST(MatchReport, MinimaxNeverLosesToRandomAndTheSeedRuleHolds) {
  auto ttt = game("tictactoe");
  MinimaxPlayer minimax(0, 1);
  RandomPlayer random(2);
  MatchEvalOptions opt;
  opt.games = 20;
  opt.seed = 7;
  const MatchReport r = evaluate_match(*ttt, minimax, random, opt);
  EXPECT_EQ(r.agent, "minimax");
  EXPECT_EQ(r.games, 20);
  EXPECT_EQ(r.losses, 0);
  EXPECT_GE(r.wins, 12);
  EXPECT_LE(r.wilson_low, r.win_rate);
  EXPECT_GE(r.wilson_high, r.win_rate);
  EXPECT_GE(r.mean_game_length, 5.0);
  EXPECT_LE(r.mean_game_length, 9.0);
  // The games are those of play_match seeded by evaluation_seed(seed), with fresh players.
  MinimaxPlayer minimax2(0, 1);
  RandomPlayer random2(2);
  BatchedPlayOptions play;
  play.games = 20;
  const MatchReport direct = match_report(play_match(*ttt, minimax2, random2, play, evaluation_seed(7)), "", "");
  EXPECT_EQ(direct.wins, r.wins);
  EXPECT_EQ(direct.draws, r.draws);
  EXPECT_DOUBLE_EQ(direct.mean_game_length, r.mean_game_length);
}

TEST(PositionTest, ReadsThePonsFilesAndRejectsBadLines) {
  const auto items = read_pons_positions(test::test_data("connect4/Test_L3_R1"));
  ASSERT_EQ(items.size(), 1000u);
  EXPECT_FALSE(items[0].moves.empty());
  test::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  EXPECT_THROW(read_pons_positions(dir.file("missing")), DataError);
  EXPECT_THROW(read_pons_positions(write("empty", "# nothing\n\n")), DataError);
  try {
    read_pons_positions(write("bad", "4453 2\n44 x\n"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_pons_positions(write("full", "1111111 0\n")), DataError);  // column 1 overflows
}

TEST(PositionTest, TheSolverMakesNoMistakesAndRandomMakesMany) {
  auto items = read_pons_positions(test::test_data("connect4/Test_L3_R1"));
  items.resize(200);
  auto c4 = game("connect4");
  SolverPlayer solver(1);
  PositionTestOptions opt;
  opt.check_exact_scores = true;
  int64_t last = 0;
  opt.on_progress = [&](int64_t done, bool) { last = done; };
  const MistakeRateReport s = connect4_mistake_rate(items, *c4, solver, opt);
  EXPECT_EQ(s.positions, 200);
  EXPECT_EQ(s.mistakes, 0);
  EXPECT_EQ(s.mistake_rate, 0.0);
  ASSERT_TRUE(s.exact_scores.has_value());
  EXPECT_EQ(*s.exact_scores, 200);
  EXPECT_EQ(last, 400);  // 200 moves chosen, then 200 checked

  RandomPlayer random(3);
  const MistakeRateReport r = connect4_mistake_rate(items, *c4, random, {});
  EXPECT_FALSE(r.exact_scores.has_value());
  EXPECT_GT(r.mistake_rate, 0.2);
  EXPECT_DOUBLE_EQ(r.mistake_rate, r.mistakes / 200.0);
  // The same moves (the same seed) counted from the solver's score of every column, and by two
  // checking threads.
  RandomPlayer replay(3);
  Connect4Solver oracle(20);
  int expected = 0;
  for (const auto& item : items) {
    const auto state = envs::state_from_moves(*c4, envs::split_move_list(item.moves));
    Connect4Position p;
    p.play_sequence(item.moves);
    const int after = oracle.analyze(p, true)[static_cast<size_t>(replay.select_action(*state))];
    expected += ((after > 0) - (after < 0)) < ((item.score > 0) - (item.score < 0));
  }
  EXPECT_EQ(r.mistakes, expected);
  RandomPlayer random2(3);
  PositionTestOptions two;
  two.solver_threads = 2;
  int64_t progress_max = 0, checks = 0;
  two.on_progress = [&](int64_t done, bool checking) {
    progress_max = std::max(progress_max, done);
    checks += checking;
  };
  const MistakeRateReport r2 = connect4_mistake_rate(items, *c4, random2, two);
  EXPECT_EQ(r2.mistakes, r.mistakes);
  EXPECT_EQ(progress_max, 400);
  EXPECT_EQ(checks, 200);

  // An MCTS player goes through the batched search; it errs less than random.
  GamePlayerContext ctx;
  auto mcts = make_game_player("mcts:300", *c4, ctx);
  items.resize(60);
  // Its progress counts each position twice, the search (in batches) then the check.
  std::vector<std::pair<int64_t, bool>> steps;
  PositionTestOptions batched;
  batched.on_progress = [&](int64_t done, bool checking) { steps.emplace_back(done, checking); };
  const MistakeRateReport m = connect4_mistake_rate(items, *c4, *mcts, batched);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), std::make_pair(int64_t{120}, true));
  for (size_t i = 1; i < steps.size(); ++i) {
    EXPECT_LE(steps[i - 1].first, steps[i].first);
    EXPECT_LE(steps[i - 1].second, steps[i].second);  // every search step before every check
  }
  EXPECT_FALSE(steps.front().second);
  EXPECT_EQ(m.positions, 60);
  EXPECT_LT(m.mistake_rate, r.mistake_rate);

  EXPECT_THROW(connect4_mistake_rate(items, *game("tictactoe"), random, {}), UsageError);
}

TEST(ExhaustiveCheck, MinimaxIsPerfectOnTicTacToeAndRandomIsNot) {
  auto ttt = game("tictactoe");
  // 5478 legal positions, 958 of them finished: 4520 to move in.
  const auto positions = reachable_positions(*ttt);
  ASSERT_EQ(positions.size(), 4520u);
  MinimaxPlayer minimax(0, 1);
  int64_t last = 0;
  const ExhaustiveReport m = exhaustive_check(positions, minimax, [&](int64_t done) { last = done; });
  EXPECT_EQ(m.positions, 4520);
  EXPECT_EQ(m.suboptimal, 0);
  EXPECT_TRUE(m.first_suboptimal.empty());
  EXPECT_EQ(last, 4520);
  RandomPlayer random(1);
  const ExhaustiveReport r = exhaustive_check(positions, random);
  EXPECT_GT(r.suboptimal, 500);
  EXPECT_NE(r.first_suboptimal.find("chose "), std::string::npos);
  // Minimax at depth 1 takes immediate wins but does not see threats: it errs, less than random.
  MinimaxPlayer shallow(1, 1);
  const ExhaustiveReport s = exhaustive_check(positions, shallow);
  EXPECT_GT(s.suboptimal, 0);
  EXPECT_LT(s.suboptimal, r.suboptimal);
  EXPECT_THROW(reachable_positions(*game("connect4"), 1000), UsageError);
}

}  // namespace
}  // namespace tp::agents
