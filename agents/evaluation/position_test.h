#pragma once
// Connect Four test positions in Pascal Pons' format (tests/data/connect4): one
// "<moves> <score>" line per position. The mistake rate of a player is the share of positions
// where its move makes the solved outcome for the mover (win/draw/loss) worse than the
// position's own: the figure `torchplay eval --game connect4 --positions FILE` prints.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agents/game_player.h"

namespace tp::agents {

struct PonsPosition {
  std::string moves;  // columns 1..7 from the empty board, e.g. "4453"
  int score = 0;      // exact value for the side to move (> 0 win, 0 draw, < 0 loss)
};

// Reads a Pons-format file; '#' lines and blank lines are skipped. Throws DataError naming
// the file (and line) when it cannot be read, a line is malformed, a move sequence is not a
// legal unfinished game, or it holds no positions.
std::vector<PonsPosition> read_pons_positions(const std::string& path);

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
  std::function<void(int64_t done)> on_progress;
};

// The player's mistake rate on `positions`. `connect4` is a Connect Four initial state
// (envs' game registry); MCTS players search many positions at once.
MistakeRateReport connect4_mistake_rate(const std::vector<PonsPosition>& positions, const envs::GameState& connect4,
                                        GamePlayer& player, const PositionTestOptions& options);

}  // namespace tp::agents
