// Rule tests per board game: wins, draws, gravity, flips, passes, text conventions.
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::envs {
namespace {

std::unique_ptr<GameState> play(const std::string& game, const std::string& moves, const std::string& params = "") {
  const GameRegistry registry = make_game_registry();
  return state_from_moves(*registry.make(game, params), split_move_list(moves));
}

TEST(TicTacToe, RowColumnDiagonalWinsAndDraw) {
  auto s = play("tictactoe", "a1 a2 b1 b2 c1");  // x takes the bottom row
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns(), (std::vector<double>{1.0, -1.0}));
  s = play("tictactoe", "a1 b2 a2 a3 c1 b1 b3 c3 c2");
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns(), (std::vector<double>{0.0, 0.0}));
  s = play("tictactoe", "a1 c1 a2 b2 c2 a3");  // o: c1 b2 a3 anti-diagonal
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns(), (std::vector<double>{-1.0, 1.0}));
  EXPECT_EQ(s->cell_owner(2, 0), 0);  // a1 is the bottom-left cell
  EXPECT_EQ(s->cell_owner(0, 0), 1);  // a3 top-left
}

using Cells = std::vector<std::pair<int, int>>;

TEST(TicTacToe, WinningCellsAreTheLineThatWon) {
  EXPECT_EQ(play("tictactoe", "a1 a2 b1 b2 c1")->winning_cells(), (Cells{{2, 0}, {2, 1}, {2, 2}}));
  EXPECT_EQ(play("tictactoe", "a1 c1 a2 b2 c2 a3")->winning_cells(), (Cells{{0, 0}, {1, 1}, {2, 2}}));
  EXPECT_EQ(play("tictactoe", "a1 a2 b1 b2")->winning_cells(), Cells{});                 // not over
  EXPECT_EQ(play("tictactoe", "a1 b2 a2 a3 c1 b1 b3 c3 c2")->winning_cells(), Cells{});  // a draw
  // One move completing two lines: both are highlighted (x: b1 b3 a2 c2, then b2).
  const Cells both = play("tictactoe", "b1 a1 b3 c1 a2 a3 c2 c3 b2")->winning_cells();
  EXPECT_EQ(both, (Cells{{1, 0}, {1, 1}, {1, 2}, {0, 1}, {1, 1}, {2, 1}}));
}

TEST(Connect4, GravityVerticalAndDiagonalWins) {
  auto s = play("connect4", "4455667");  // x: 4 5 6 7 on the bottom row
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns(), (std::vector<double>{1.0, -1.0}));
  EXPECT_EQ(s->cell_owner(5, 3), 0);
  EXPECT_EQ(s->cell_owner(4, 3), 1);  // stacked above
  EXPECT_EQ(s->winning_cells(), (Cells{{5, 3}, {5, 4}, {5, 5}, {5, 6}}));
  s = play("connect4", "1213141");  // x: four in column 1
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->winning_cells(), (Cells{{2, 0}, {3, 0}, {4, 0}, {5, 0}}));
  s = play("connect4", "12233434544");  // x: diagonal 1..4 rising
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns()[0], 1.0);
  s = play("connect4", "444444");
  EXPECT_FALSE(s->is_legal(3));
  EXPECT_EQ(s->legal_actions().size(), 6u);
  EXPECT_EQ(s->string_to_action("1"), 0);
  EXPECT_THROW(s->string_to_action("0"), Error);
}

TEST(Gomoku, FiveOrMoreWinsFourDoesNot) {
  auto s = play("gomoku", "a1 a15 b1 b15 c1 c15 d1 d15", "");
  EXPECT_FALSE(s->is_terminal());
  s->apply(s->string_to_action("e1"));
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns()[0], 1.0);
  // Free-style: an overline (six) wins too.
  s = play("gomoku", "a1 a9 b1 b9 c1 c9 e1 e9 f1 f9 d1", "size=9");
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->info().board_width, 9);
  EXPECT_EQ(s->info().num_actions, 81);
}

TEST(Othello, OpeningFlipsAndCounts) {
  auto s = play("othello", "");
  EXPECT_EQ(s->legal_actions().size(), 4u);  // d3 c4 f5 e6
  for (const char* m : {"d3", "c4", "f5", "e6"}) EXPECT_TRUE(s->is_legal(s->string_to_action(m))) << m;
  s = play("othello", "d3");
  EXPECT_EQ(s->cell_owner(3, 3), 0);  // d4 flipped to black
  EXPECT_EQ(s->current_player(), 1);
  EXPECT_FALSE(s->is_legal(s->string_to_action("pass")));
}

TEST(Othello, PassIsForcedWhenNoMoveAndGameEndsWhenNeitherCanMove) {
  // The shortest Othello game (9 moves): black wipes out white.
  auto s = play("othello", "e6 f4 e3 f6 g5 d6 e7 f5 c5");
  EXPECT_TRUE(s->is_terminal());
  EXPECT_EQ(s->returns(), (std::vector<double>{1.0, -1.0}));
  // A position where white must pass: search random games for a forced pass.
  const GameRegistry registry = make_game_registry();
  bool saw_pass = false;
  for (int seed = 0; seed < 200 && !saw_pass; ++seed) {
    auto g = registry.make("othello");
    uint64_t x = seed * 2654435761u + 1;
    while (!g->is_terminal()) {
      const auto legal = g->legal_actions();
      if (legal.size() == 1 && legal[0] == 64) {
        saw_pass = true;
        EXPECT_EQ(g->action_to_string(64), "pass");
        const int p = g->current_player();
        g->apply(64);
        EXPECT_EQ(g->current_player(), 1 - p);
        EXPECT_FALSE(g->is_terminal());
        break;
      }
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      g->apply(legal[(x >> 33) % legal.size()]);
    }
  }
  EXPECT_TRUE(saw_pass);
}

}  // namespace
}  // namespace tp::envs
