#pragma once
// Connect Four test positions (pons_positions.h): the mistake rate of a player is the share of positions
// where its move makes the solved outcome for the mover (win/draw/loss) worse than the
// position's own: the figure `torchplay eval --game connect4 --positions FILE` prints.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agents/evaluation/pons_positions.h"
#include "agents/game_player.h"

namespace tp::agents {

struct MistakeRateReport {
  int positions = 0;
  int mistakes = 0;
  double mistake_rate = 0;
  std::optional<int> exact_scores;  // with check_exact_scores: positions the solver scores exactly
};

struct PositionTestOptions {
  int parallel = 64;  // positions searched at once by an MCTS player (batched evaluation)
  uint64_t seed = 1;  // the batched search's seed
  // Also solve every position exactly and count the scores that match the file (checks the
  // solver itself, independently of the player's moves).
  bool check_exact_scores = false;
  // Threads checking the moves with the solver, each with a table of its own (the beginning
  // sets' checks take most of the time; the search above is not affected).
  int solver_threads = 1;
  // Called as work finishes, with the units done out of 2 x positions: each position's move
  // chosen (searched), then checked; `checking` tells the two phases apart.
  std::function<void(int64_t done, bool checking)> on_progress;
};

// The player's mistake rate on `positions`. `connect4` is a Connect Four initial state
// (envs' game registry); MCTS players search many positions at once. A position's move is
// looked up in its good_columns when they are known (an answers file), else proved by the solver.
MistakeRateReport connect4_mistake_rate(const std::vector<PonsPosition>& positions, const envs::GameState& connect4,
                                        GamePlayer& player, const PositionTestOptions& options);

// Sets every position's good_columns with the solver: one null-window search per open column
// of a won or drawn position (in a lost one every column keeps the outcome). `threads`
// threads, each with its own table; `on_progress` gets the positions done. Throws DataError
// naming the position when no column keeps a won or drawn position's outcome (the file's
// score and the solver disagree).
void solve_good_columns(std::vector<PonsPosition>& positions, int threads,
                        const std::function<void(int64_t done)>& on_progress = {});

}  // namespace tp::agents
