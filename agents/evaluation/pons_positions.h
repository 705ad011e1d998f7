#pragma once
// Connect Four test positions in Pascal Pons' format (tests/data/connect4): one
// "<moves> <score>" line per position.
#include <string>
#include <vector>

namespace tp::agents {

struct PonsPosition {
  std::string moves;  // columns 1..7 from the empty board, e.g. "4453"
  int score = 0;      // exact value for the side to move (> 0 win, 0 draw, < 0 loss)
};

// Reads a Pons-format file; '#' lines and blank lines are skipped. Throws DataError naming
// the file (and line) when it cannot be read, a line is malformed, a move sequence is not a
// legal unfinished game, or it holds no positions.
std::vector<PonsPosition> read_pons_positions(const std::string& path);

}  // namespace tp::agents
