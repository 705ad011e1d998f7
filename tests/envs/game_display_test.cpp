// Every registered game states its display traits (GameInfo: drops, has_pass, display) in
// agreement with its rules, since the views read only the traits: the action count matches
// them, cell_action names the move that fills each cell, two players have names, illegal
// moves are explained (but for "occupied", which the view says itself), and territory (where
// a game has it) covers the board.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/games/game_registry.h"

namespace tp::envs {
namespace {

// The positions of one game from the start to its end: random moves, or with seed 0 always
// the first legal move (which fills Connect Four's first column early).
std::vector<std::unique_ptr<GameState>> one_game(const GameState& initial, uint64_t seed) {
  std::vector<std::unique_ptr<GameState>> out;
  out.push_back(initial.clone());
  Rng rng(seed);
  while (!out.back()->is_terminal()) {
    const auto legal = out.back()->legal_actions();
    auto next = out.back()->clone();
    next->apply(seed == 0 ? legal[0] : legal[rng.below(static_cast<uint32_t>(legal.size()))]);
    out.push_back(std::move(next));
  }
  return out;
}

TEST(GameDisplay, EveryGameNamesTwoPlayers) {
  const GameRegistry registry = make_game_registry();
  for (const std::string& name : registry.names()) {
    const auto players = registry.make(name)->info().display.player_names;  // a copy: the state goes
    EXPECT_FALSE(players[0].empty()) << name;
    EXPECT_FALSE(players[1].empty()) << name;
    EXPECT_NE(players[0], players[1]) << name;
    for (const auto& p : players)  // --colour also takes first/second: a name must not be one
      EXPECT_TRUE(p != "first" && p != "second" && p != "1" && p != "2") << name << ": " << p;
  }
}

TEST(GameDisplay, ActionCountFollowsDropsAndPass) {
  const GameRegistry registry = make_game_registry();
  for (const std::string& name : registry.names()) {
    const GameInfo info = registry.make(name)->info();
    const int placements = info.drops ? info.board_width : info.board_height * info.board_width;
    EXPECT_EQ(info.num_actions, placements + (info.has_pass ? 1 : 0)) << name;
    EXPECT_TRUE(!info.display.star_points || info.display.board_style == BoardStyle::kGoGrid) << name;
  }
}

TEST(GameDisplay, TheShippedGamesStateTheirTraits) {
  const GameRegistry registry = make_game_registry();
  const auto info = [&](const std::string& name) { return registry.make(name)->info(); };  // a copy
  EXPECT_TRUE(info("connect4").drops);
  EXPECT_EQ(info("connect4").display.board_style, BoardStyle::kSlots);
  EXPECT_EQ(info("connect4").display.player_names[0], "Red");
  EXPECT_TRUE(info("go").has_pass);
  EXPECT_TRUE(info("othello").has_pass);
  EXPECT_FALSE(info("tictactoe").has_pass);
  EXPECT_FALSE(info("gomoku").drops);
  EXPECT_EQ(info("tictactoe").display.player_names[0], "X");
  EXPECT_EQ(info("tictactoe").display.board_style, BoardStyle::kMarks);
  EXPECT_EQ(info("gomoku").display.board_style, BoardStyle::kGoGrid);
  EXPECT_EQ(info("go").display.board_style, BoardStyle::kGoGrid);
  EXPECT_TRUE(info("go").display.star_points);
  EXPECT_EQ(info("othello").display.board_style, BoardStyle::kDiscs);
}

// The view maps a click on a cell to cell_action(info, row, col) and shows a pass button for
// has_pass: every legal move must fill exactly the cell that names it, or be the pass.
TEST(GameDisplay, CellActionIsTheMoveThatFillsTheCell) {
  const GameRegistry registry = make_game_registry();
  for (const std::string& name : registry.names()) {
    SCOPED_TRACE(name);
    const auto initial = registry.make(name);
    const GameInfo& info = initial->info();
    const int h = info.board_height, w = info.board_width;
    bool passed = false;
    for (const auto& state : one_game(*initial, 11)) {
      for (Action a : state->legal_actions()) {
        auto next = state->clone();
        next->apply(a);
        std::vector<std::pair<int, int>> filled;
        for (int r = 0; r < h; ++r)
          for (int c = 0; c < w; ++c)
            if (state->cell_owner(r, c) < 0 && next->cell_owner(r, c) >= 0) filled.emplace_back(r, c);
        if (info.has_pass && a == info.num_actions - 1) {
          EXPECT_TRUE(filled.empty()) << "the pass fills a cell";
          passed = true;
          continue;
        }
        ASSERT_EQ(filled.size(), 1u) << state->action_to_string(a) << " fills " << filled.size() << " cells";
        EXPECT_EQ(cell_action(info, filled[0].first, filled[0].second), a) << state->action_to_string(a);
      }
    }
    if (name == "go") {
      EXPECT_TRUE(passed);
    }
  }
}

TEST(GameDisplay, IllegalMovesOnEmptyCellsAreExplained) {
  const GameRegistry registry = make_game_registry();
  for (const std::string& name : registry.names()) {
    SCOPED_TRACE(name);
    const auto initial = registry.make(name);
    const GameInfo& info = initial->info();
    int explained = 0;
    auto positions = one_game(*initial, 12);
    for (auto& state : one_game(*initial, 0)) positions.push_back(std::move(state));
    for (const auto& state : positions) {
      if (state->is_terminal()) continue;
      for (int r = 0; r < info.board_height; ++r)
        for (int c = 0; c < info.board_width; ++c) {
          const Action a = cell_action(info, r, c);
          if (state->is_legal(a)) {
            EXPECT_EQ(state->illegal_reason(a), "") << state->action_to_string(a);
          } else if (state->cell_owner(r, c) < 0 || info.drops) {  // the view says "occupied" itself
            EXPECT_NE(state->illegal_reason(a), "") << state->action_to_string(a) << "\n" << state->to_string();
            ++explained;
          }
        }
    }
    if (name == "othello" || name == "connect4") {
      EXPECT_GT(explained, 0);
    }
  }
}

TEST(GameDisplay, TerritoryCoversTheBoardOrIsEmpty) {
  const GameRegistry registry = make_game_registry();
  for (const std::string& name : registry.names()) {
    SCOPED_TRACE(name);
    const auto game = one_game(*registry.make(name), 13);
    const GameState& end = *game.back();
    const GameInfo& info = end.info();
    const auto owner = end.territory();
    if (owner.empty()) {
      EXPECT_NE(name, "go");
      continue;
    }
    ASSERT_EQ(owner.size(), static_cast<size_t>(info.board_height * info.board_width));
    for (int r = 0; r < info.board_height; ++r)
      for (int c = 0; c < info.board_width; ++c) {
        const int o = owner[static_cast<size_t>(r * info.board_width + c)];
        EXPECT_TRUE(o >= -1 && o <= 1);
        if (end.cell_owner(r, c) >= 0) {
          EXPECT_EQ(o, end.cell_owner(r, c)) << "a stone belongs to its player";
        }
      }
    EXPECT_FALSE(end.score_text().empty());
  }
}

}  // namespace
}  // namespace tp::envs
