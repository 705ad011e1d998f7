// The Connect Four solver against Pascal Pons' test sets (tests/data/connect4/README.md).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "agents/baselines/connect4_solver.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

struct Item {
  std::string moves;
  int score;
};

std::vector<Item> read_items(const std::string& name) {
  std::ifstream in(test::test_data("connect4/" + name));
  std::vector<Item> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    Item it;
    if (ls >> it.moves >> it.score) out.push_back(it);
  }
  return out;
}

TEST(Connect4Solver, ReproducesEveryExactScoreOfTestL3R1) {
  const auto items = read_items("Test_L3_R1");
  ASSERT_EQ(items.size(), 1000u);
  Connect4Solver solver(20);
  int exact = 0;
  for (const auto& it : items) {
    Connect4Position p;
    p.play_sequence(it.moves);
    const int got = solver.solve(p);
    exact += got == it.score;
    EXPECT_EQ(got, it.score) << it.moves;
  }
  EXPECT_EQ(exact, 1000);
}

TEST(Connect4Solver, WeakSolveAndAnalyzeAgreeWithTheFirstL2Positions) {
  const auto items = read_items("Test_L2_R1");
  ASSERT_EQ(items.size(), 1000u);
  Connect4Solver solver(20);
  for (size_t i = 0; i < 40; ++i) {
    Connect4Position p;
    p.play_sequence(items[i].moves);
    const int want = (items[i].score > 0) - (items[i].score < 0);
    const int weak = solver.solve(p, true);
    EXPECT_EQ((weak > 0) - (weak < 0), want) << items[i].moves;
    // The best column's score is the position's score.
    const auto scores = solver.analyze(p);
    int best = Connect4Solver::kInvalidScore;
    for (int s : scores) best = std::max(best, s);
    EXPECT_EQ(best, items[i].score) << items[i].moves;
  }
}

TEST(Connect4Solver, ScoreAtMostBracketsTheExactScoreOfTheFirstL2Positions) {
  const auto items = read_items("Test_L2_R1");
  Connect4Solver solver(20);
  for (size_t i = 0; i < 100; ++i) {
    Connect4Position p;
    p.play_sequence(items[i].moves);
    EXPECT_TRUE(solver.score_at_most(p, items[i].score)) << items[i].moves;
    EXPECT_FALSE(solver.score_at_most(p, items[i].score - 1)) << items[i].moves;
  }
}

TEST(Connect4Solver, RejectsMalformedMoveStrings) {
  Connect4Position p;
  EXPECT_THROW(p.play_sequence("48"), DataError);
  Connect4Position q;
  EXPECT_THROW(q.play_sequence("1111111"), DataError);  // column full
  Connect4Position r;
  EXPECT_THROW(r.play_sequence("1212121"), DataError);  // the 7th move wins: not a position to solve
}

TEST(Connect4Solver, SolverPlayerTakesTheWinAndBlocks) {
  const auto registry = envs::make_game_registry();
  SolverPlayer player(1);
  auto s = envs::state_from_moves(*registry.make("connect4"), envs::split_move_list("445566"));
  EXPECT_TRUE(s->action_to_string(player.select_action(*s)) == "3" ||
              s->action_to_string(player.select_action(*s)) == "7");  // both complete four
  s = envs::state_from_moves(*registry.make("connect4"), envs::split_move_list("121314"));
  // o threatens column 5, but x wins in column 1 at once.
  EXPECT_EQ(s->action_to_string(player.select_action(*s)), "1");
}

}  // namespace
}  // namespace tp::agents
