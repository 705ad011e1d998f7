// One random-play conformance test over every registered board game (docs/architecture.md): legal
// moves until terminal, zero-sum returns, clone independence, text round-trip, symmetry
// consistency, move-list reconstruction.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/rng.h"
#include "envs/games/game_registry.h"

namespace tp::envs {
namespace {

std::vector<float> encoded(const GameState& s) {
  const GameInfo& i = s.info();
  std::vector<float> planes(static_cast<size_t>(i.num_planes) * i.board_height * i.board_width, -7.f);
  s.encode(planes.data());
  return planes;
}

// Replays `state`'s history mapped through symmetry k; the encoding must equal the
// transformed encoding of the original at every step (the symmetry is a true game symmetry).
void check_symmetries(const GameState& initial, const GameState& state) {
  for (int k = 0; k < state.num_symmetries(); ++k) {
    auto mirrored = initial.clone();
    for (Action a : state.history()) {
      const Action b = state.symmetry_action(k, a);
      ASSERT_TRUE(mirrored->is_legal(b)) << state.info().name << " symmetry " << k << " maps legal "
                                         << state.action_to_string(a) << " to illegal " << b;
      mirrored->apply(b);
    }
    const auto original = encoded(state);
    std::vector<float> transformed(original.size());
    state.transform_planes(k, original.data(), transformed.data());
    EXPECT_EQ(transformed, encoded(*mirrored)) << state.info().name << " symmetry " << k;
    EXPECT_EQ(mirrored->is_terminal(), state.is_terminal());
    EXPECT_EQ(mirrored->returns(), state.returns());
  }
}

TEST(GameConformance, RandomGamesObeyTheContract) {
  const GameRegistry registry = make_game_registry();
  ASSERT_GE(registry.names().size(), 4u);
  for (const std::string& name : registry.names()) {
    SCOPED_TRACE(name);
    auto initial = registry.make(name);
    const GameInfo& info = initial->info();
    EXPECT_EQ(info.name, name);
    EXPECT_GT(info.num_actions, 0);
    EXPECT_GT(info.num_planes, 0);
    EXPECT_FALSE(initial->is_terminal());
    EXPECT_EQ(initial->current_player(), 0);
    Rng rng(17);
    const int games = name == "gomoku" ? 6 : 30;
    for (int g = 0; g < games; ++g) {
      auto state = initial->clone();
      std::vector<Action> legal;
      int plies = 0;
      while (!state->is_terminal()) {
        ASSERT_LE(plies, info.max_game_length);
        EXPECT_EQ(state->returns(), (std::vector<double>{0.0, 0.0}));
        EXPECT_TRUE(state->winning_cells().empty());
        legal = state->legal_actions();
        ASSERT_FALSE(legal.empty());
        std::vector<Action> into{99, 98};
        state->legal_actions_into(into);
        EXPECT_EQ(into, legal);
        int legal_count = 0;
        for (Action a = 0; a < info.num_actions; ++a) {
          const bool in_list = std::find(legal.begin(), legal.end(), a) != legal.end();
          EXPECT_EQ(state->is_legal(a), in_list) << a;
          legal_count += in_list;
          // Text round-trip for every action.
          EXPECT_EQ(state->string_to_action(state->action_to_string(a)), a);
        }
        EXPECT_EQ(legal_count, static_cast<int>(legal.size()));
        EXPECT_FALSE(state->is_legal(-1));
        EXPECT_FALSE(state->is_legal(info.num_actions));
        EXPECT_THROW(state->apply(info.num_actions), Error);
        const Action a = legal[rng.below(static_cast<uint32_t>(legal.size()))];
        // Clone independence: the clone is unchanged by moves on the original.
        auto before = state->clone();
        const std::string before_text = before->to_string();
        const int player = state->current_player();
        state->apply(a);
        ++plies;
        EXPECT_EQ(before->to_string(), before_text);
        EXPECT_EQ(before->current_player(), player);
        EXPECT_EQ(static_cast<int>(state->history().size()), plies);
        // assign_from copies exactly.
        auto copy = initial->clone();
        ASSERT_TRUE(copy->assign_from(*state));
        EXPECT_EQ(copy->to_string(), state->to_string());
        EXPECT_EQ(encoded(*copy), encoded(*state));
      }
      const auto r = state->returns();
      ASSERT_EQ(r.size(), 2u);
      EXPECT_DOUBLE_EQ(r[0] + r[1], 0.0);
      EXPECT_LE(std::abs(r[0]), 1.0);
      EXPECT_TRUE(state->legal_actions().empty());
      EXPECT_THROW(state->apply(0), Error);
      // A winning line, where the game has one, is on the board and the winner's.
      for (const auto& [row, col] : state->winning_cells()) {
        ASSERT_TRUE(row >= 0 && row < info.board_height && col >= 0 && col < info.board_width);
        EXPECT_NE(r[0], r[1]);
        EXPECT_EQ(state->cell_owner(row, col), r[0] > r[1] ? 0 : 1);
      }
      // The game rebuilds from its move list as text.
      std::vector<std::string> moves;
      for (Action a : state->history()) moves.push_back(state->action_to_string(a));
      auto rebuilt = state_from_moves(*initial, moves);
      EXPECT_EQ(rebuilt->to_string(), state->to_string());
      EXPECT_EQ(rebuilt->returns(), r);
      // Board cells agree with the encoding of the side to move.
      const auto planes = encoded(*state);
      const int area = info.board_height * info.board_width;
      const int me = state->current_player();
      for (int row = 0; row < info.board_height; ++row)
        for (int col = 0; col < info.board_width; ++col) {
          const int owner = state->cell_owner(row, col);
          const int i = row * info.board_width + col;
          EXPECT_EQ(planes[i], owner == me ? 1.f : 0.f);
          EXPECT_EQ(planes[area + i], owner == 1 - me ? 1.f : 0.f);
        }
      if (g < 3) check_symmetries(*initial, *state);
    }
  }
}

TEST(GameRegistry, UnknownNamesAndParamsAreUsageErrors) {
  const GameRegistry registry = make_game_registry();
  try {
    registry.make("chess");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("connect4"), std::string::npos) << e.what();
  }
  EXPECT_THROW(registry.make("gomoku", "size=3"), UsageError);
  EXPECT_THROW(registry.make("gomoku", "colour=red"), UsageError);
  EXPECT_THROW(registry.make("tictactoe", "size=4"), UsageError);
  EXPECT_EQ(registry.make("gomoku", "size=9")->info().num_actions, 81);
}

TEST(GameRegistry, MoveListsAreCheckedMoveByMove) {
  const GameRegistry registry = make_game_registry();
  auto c4 = registry.make("connect4");
  EXPECT_EQ(split_move_list("4453"), (std::vector<std::string>{"4", "4", "5", "3"}));
  EXPECT_EQ(split_move_list("a1, b2  c3"), (std::vector<std::string>{"a1", "b2", "c3"}));
  EXPECT_THROW(state_from_moves(*c4, split_move_list("1111111")), Error);  // column full
  EXPECT_THROW(state_from_moves(*c4, {"8"}), Error);
  auto ttt = registry.make("tictactoe");
  EXPECT_THROW(state_from_moves(*ttt, {"a1", "a1"}), Error);
  EXPECT_THROW(state_from_moves(*ttt, {"a1", "b1", "a2", "b2", "a3", "c3"}), Error);  // game over
}

}  // namespace
}  // namespace tp::envs
