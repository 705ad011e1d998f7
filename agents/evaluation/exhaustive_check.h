#pragma once
// The exhaustive check of a board-game player against exact minimax: in every reachable
// non-terminal position, does the player pick a value-optimal move (one keeping the best
// win/draw/loss outcome)? Feasible for small games such as Tic-tac-toe (4520 positions).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/game_player.h"

namespace tp::agents {

using ReachablePositions = std::vector<std::unique_ptr<envs::GameState>>;

constexpr size_t kMaxReachablePositions = 200000;

// Every distinct non-terminal position reachable from `initial` (distinct by to_string()).
// Throws UsageError when there are more than `limit`: the game is too big for the check.
ReachablePositions reachable_positions(const envs::GameState& initial, size_t limit = kMaxReachablePositions);

struct ExhaustiveReport {
  int positions = 0;
  int suboptimal = 0;            // positions where the player's move loses value (outcome) against minimax
  std::string first_suboptimal;  // the first such position as text with the move chosen; empty when none
};

// The player's move in each of `positions` (reachable_positions) against minimax's values.
ExhaustiveReport exhaustive_check(const ReachablePositions& positions, GamePlayer& player,
                                  const std::function<void(int64_t done)>& on_progress = nullptr);

}  // namespace tp::agents
