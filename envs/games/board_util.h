#pragma once
// Helpers shared by the grid games (Tic-tac-toe, Connect Four, Gomoku, Othello): board
// symmetries, cell names ("d4"), the clone/assign_from boilerplate and the k-in-a-row test.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "envs/games/game.h"

namespace tp::envs {

// The eight symmetries of a square board, by index: 0 identity, 1 rot90, 2 rot180,
// 3 rot270, 4 mirror left-right, 5 mirror top-bottom, 6 transpose, 7 anti-transpose.
// 0, 2, 4 and 5 are also defined on rectangular boards.
void map_cell(int transform, int height, int width, int row, int col, int& out_row, int& out_col);
// Applies map_cell to each of `planes` height x width planes: out[map(r,c)] = in[r,c].
void transform_board_planes(int transform, int planes, int height, int width, const float* in, float* out);

// "d4": column letter (a = left) and row number. rows_from_top: row 1 is the top row
// (Othello), else the bottom row (as in chess and Go).
std::string cell_name(int row, int col, int height, bool rows_from_top);
// Inverse of cell_name (case-insensitive); false when the text names no cell on the board.
bool parse_cell_name(const std::string& text, int height, int width, bool rows_from_top, int& row, int& col);

// Length of the line through (row, col) in direction (dr, dc) of cells equal to cells[row][col].
int line_length(const std::vector<signed char>& cells, int height, int width, int row, int col, int dr, int dc);
// True when (row, col) is part of `k` or more in a row (any of the four directions).
bool makes_k_in_row(const std::vector<signed char>& cells, int height, int width, int row, int col, int k);
// The cells of every line of `k` or more through (row, col), in order along each line
// (GameState::winning_cells after the winning move).
std::vector<std::pair<int, int>> k_in_row_cells(const std::vector<signed char>& cells, int height, int width, int row,
                                                int col, int k);

// Plain text of a board: one line per row (x = player 0, o = player 1, . empty) with
// column letters underneath, and whose turn it is.
std::string board_to_string(const std::vector<signed char>& cells, int height, int width, bool rows_from_top,
                            bool column_numbers, const std::string& footer);

// The three input planes every grid game writes: stones of the side to move, stones of the
// opponent, and a constant plane that is 1 when the side to move is player 0 (who moved first).
constexpr int kStonePlanes = 3;
void encode_stones(const std::vector<signed char>& cells, int player, int height, int width, float* planes);

// clone() and assign_from() for a copyable final state class.
template <class Derived>
class CopyableGameState : public GameState {
 public:
  std::unique_ptr<GameState> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  bool assign_from(const GameState& other) override {
    const auto* d = dynamic_cast<const Derived*>(&other);
    if (!d) return false;
    static_cast<Derived&>(*this) = *d;  // vectors keep their capacity: no allocation
    return true;
  }
};

}  // namespace tp::envs
