#pragma once
// Minimax with alpha-beta pruning (negamax). Exact when the depth reaches the end of the
// game (Tic-tac-toe: always); at the depth limit a non-terminal position scores 0, and
// quicker wins score higher than slower ones.
#include "agents/game_player.h"
#include "core/rng.h"

namespace tp::agents {

// Negamax value of `state` for the side to move, in [-1, 1] (wins are 1 - plies/1000).
double minimax_value(const envs::GameState& state, int depth);
// The value of each legal move (after playing it), aligned with state.legal_actions().
std::vector<double> minimax_move_values(const envs::GameState& state, int depth);

class MinimaxPlayer final : public GamePlayer {
 public:
  // depth <= 0: unlimited (exact).
  MinimaxPlayer(int depth, uint64_t seed) : depth_(depth), rng_(seed) {}
  std::string name() const override { return depth_ > 0 ? "minimax:" + std::to_string(depth_) : "minimax"; }
  // One of the best moves, ties broken at random.
  envs::Action select_action(const envs::GameState& state) override;
  const SearchInfo* last_search() const override { return &info_; }

 private:
  int depth_;
  Rng rng_;
  SearchInfo info_;
};

}  // namespace tp::agents
