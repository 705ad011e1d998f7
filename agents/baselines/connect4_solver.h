#pragma once
// A Connect Four solver after Pascal Pons (http://blog.gamesolver.org): bitboards, negamax
// with alpha-beta, a transposition table, move ordering (centre first, then by the number of
// threats a move creates), anticipation of forced and losing moves, and a null-window
// search that narrows the score. Scores use Pons' convention: for the side to move, a win
// with its k-th stone scores 22 - k, a loss likewise negative, a draw 0.
#include <cstdint>
#include <string>
#include <vector>

#include "agents/game_player.h"

namespace tp::agents {

// A Connect Four position as two bitboards (7 columns of 6 cells plus a sentinel bit).
class Connect4Position {
 public:
  static constexpr int kWidth = 7, kHeight = 6;

  bool can_play(int col) const;
  // Plays column `col` (0-based); the caller checks can_play.
  void play_column(int col);
  // Plays a Pons move string ("4453", columns 1..7). Throws DataError naming the move when
  // a column is invalid or full, or when a move would end the game (the files hold only
  // unfinished positions).
  void play_sequence(const std::string& moves);
  bool is_winning_move(int col) const;
  bool can_win_next() const;
  int moves() const { return moves_; }
  uint64_t key() const { return current_ + mask_; }

  uint64_t possible() const;
  uint64_t possible_non_losing_moves() const;
  int move_score(uint64_t move) const;
  void play(uint64_t move);
  static uint64_t column_mask(int col);

 private:
  uint64_t winning_position() const;
  uint64_t opponent_winning_position() const;
  static uint64_t compute_winning_position(uint64_t position, uint64_t mask);

  uint64_t current_ = 0;  // stones of the side to move
  uint64_t mask_ = 0;     // all stones
  int moves_ = 0;
};

class Connect4Solver {
 public:
  // Transposition table with 2^log2_entries (+ a few, prime-ish) entries of 5 bytes.
  explicit Connect4Solver(int log2_entries = 23);
  // The exact score of `p` for the side to move (weak: only its sign, -1/0/1).
  int solve(const Connect4Position& p, bool weak = false);
  // Whether `p`'s exact score for the side to move is at most `bound`: one null-window search,
  // cheaper than solve() (even weak) when only the comparison is wanted.
  bool score_at_most(const Connect4Position& p, int bound);
  // The exact score of every column for the side to move (kInvalidScore where full).
  std::vector<int> analyze(const Connect4Position& p, bool weak = false);
  static constexpr int kInvalidScore = -1000;
  uint64_t nodes() const { return nodes_; }
  void reset_table();

 private:
  int negamax(const Connect4Position& p, int alpha, int beta);
  // Keys are stored in 32 bits: a position's key is below 2^49 and the table's size is odd and
  // above 2^17, so (slot, low 32 bits) identify the key (Chinese remainder theorem, as in Pons).
  std::vector<uint32_t> keys_;
  std::vector<uint8_t> values_;
  uint64_t nodes_ = 0;
};

// A Connect Four position from a game state's history.
Connect4Position connect4_position(const envs::GameState& state);

// Plays a best move by exact score (ties broken at random). Slow in the opening (a
// full solve from the empty board takes minutes); fast from the middle game on.
class SolverPlayer final : public GamePlayer {
 public:
  explicit SolverPlayer(uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "solver"; }
  envs::Action select_action(const envs::GameState& state) override;
  const SearchInfo* last_search() const override { return &info_; }

 private:
  Connect4Solver solver_;
  Rng rng_;
  SearchInfo info_;
};

}  // namespace tp::agents
