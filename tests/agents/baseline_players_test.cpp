// Random, minimax and rollout-MCTS players, and the game-player factory.
#include <gtest/gtest.h>

#include "agents/alphazero/batched_games.h"
#include "agents/baselines/minimax.h"
#include "agents/game_player_factory.h"
#include "core/error.h"
#include "envs/games/game_registry.h"

namespace tp::agents {
namespace {

const envs::GameRegistry& registry() {
  static const envs::GameRegistry r = envs::make_game_registry();
  return r;
}

TEST(Minimax, TicTacToeIsADrawAndWinsAreTaken) {
  auto empty = registry().make("tictactoe");
  EXPECT_EQ(minimax_value(*empty, 0), 0.0);
  auto s = envs::state_from_moves(*empty, {"a1", "a2", "b1", "b2"});  // x to move, c1 wins
  MinimaxPlayer player(0, 3);
  EXPECT_EQ(s->action_to_string(player.select_action(*s)), "c1");
  EXPECT_GT(minimax_value(*s, 0), 0.9);
  s = envs::state_from_moves(*empty, {"a1", "b2", "a2"});  // o must block a3
  EXPECT_EQ(s->action_to_string(player.select_action(*s)), "a3");
}

TEST(Minimax, NeverLosesAndBeatsRandomMostly) {
  GamePlayerContext ctx;
  auto minimax = make_game_player("minimax", *registry().make("tictactoe"), ctx);
  auto random = make_game_player("random", *registry().make("tictactoe"), ctx);
  BatchedPlayOptions opt;
  opt.games = 40;
  const auto score = score_for_a(play_match(*registry().make("tictactoe"), *minimax, *random, opt, 5));
  EXPECT_EQ(score.losses, 0);
  EXPECT_GE(score.wins, 28);
}

TEST(RolloutMcts, BeatsRandomAtConnectFour) {
  GamePlayerContext ctx;
  auto game = registry().make("connect4");
  auto mcts = make_game_player("mcts:200", *game, ctx);
  ASSERT_NE(mcts->batched_search(), nullptr);
  EXPECT_TRUE(mcts->batched_search()->options.uct);
  auto random = make_game_player("random", *game, ctx);
  BatchedPlayOptions opt;
  opt.games = 10;
  const auto score = score_for_a(play_match(*game, *mcts, *random, opt, 9));
  EXPECT_GE(score.wins, 9);
  // Played move by move (the view's path), it also finds the immediate win.
  auto s = envs::state_from_moves(*game, envs::split_move_list("112233"));
  EXPECT_EQ(s->action_to_string(mcts->select_action(*s)), "4");
  ASSERT_NE(mcts->last_search(), nullptr);
  EXPECT_EQ(mcts->last_search()->visits.size(), 7u);
  EXPECT_GT(mcts->last_search()->value, 0.5);
}

TEST(GamePlayerFactory, RejectsUnknownSpecsWithUsageErrors) {
  GamePlayerContext ctx;
  auto ttt = registry().make("tictactoe");
  EXPECT_THROW(make_game_player("alphabeta", *ttt, ctx), UsageError);
  EXPECT_THROW(make_game_player("mcts:", *ttt, ctx), UsageError);
  EXPECT_THROW(make_game_player("mcts:-5", *ttt, ctx), UsageError);
  EXPECT_THROW(make_game_player("minimax:x", *ttt, ctx), UsageError);
  EXPECT_THROW(make_game_player("solver", *ttt, ctx), UsageError);  // connect4 only
  EXPECT_EQ(make_game_player("minimax:3", *ttt, ctx)->name(), "minimax:3");
  EXPECT_EQ(make_game_player("random", *ttt, ctx)->name(), "random");
}

TEST(GamePlayerFactory, CheckpointSpecsAreThoseThatAreNoBuiltInPlayer) {
  for (const std::string spec : {"random", "minimax", "minimax:3", "mcts:100", "solver"})
    EXPECT_FALSE(is_checkpoint_spec(spec)) << spec;
  EXPECT_TRUE(is_checkpoint_spec("runs/az/checkpoints/ckpt-000000000020.tpck"));
}

}  // namespace
}  // namespace tp::agents
