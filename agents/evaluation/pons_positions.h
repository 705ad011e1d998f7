#pragma once
// Connect Four test positions in Pascal Pons' format (tests/data/connect4): one
// "<moves> <score>" line per position.
#include <cstdint>
#include <string>
#include <vector>

namespace tp::agents {

struct PonsPosition {
  std::string moves;  // columns 1..7 from the empty board, e.g. "4453"
  int score = 0;      // exact value for the side to move (> 0 win, 0 draw, < 0 loss)
  // The answers, when known: bit c set when column c + 1 keeps the position's solved outcome
  // (win, draw or loss) for the side to move; 0 when not known (the solver checks the move).
  uint8_t good_columns = 0;
};

// Reads a Pons-format file; '#' lines and blank lines are skipped. Throws DataError naming
// the file (and line) when it cannot be read, a line is malformed, a move sequence is not a
// legal unfinished game, or it holds no positions.
std::vector<PonsPosition> read_pons_positions(const std::string& path);

// A positions file's answers file: the same path with ".answers" appended. It lists, line by
// line, each position's moves and the columns that keep its outcome ("4453 34"), so checking
// a move is a lookup instead of a proof (the beginning sets' proofs take seconds each).
std::string pons_answers_path(const std::string& positions_path);

// Fills `items`' good_columns from the answers file at `path`. Throws DataError naming the
// file and line when it cannot be read, a line is malformed, its moves differ from the
// position at the same place in `items`, it names a full column or none, or the line counts
// differ.
void read_pons_answers(const std::string& path, std::vector<PonsPosition>& items);

// Writes `items`' answers (every good_columns set) to `path` atomically, `header` as '#' lines.
void write_pons_answers(const std::string& path, const std::vector<PonsPosition>& items, const std::string& header);

}  // namespace tp::agents
