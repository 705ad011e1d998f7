#pragma once
// The rules engine of Go: stones on a padded board, chains kept incrementally (a circular
// list of stones per chain, the chain's root on every stone) with pseudo-liberties, so
// "in atari" and captures cost O(1) per neighbour instead of a flood fill per move.
// Pseudo-liberties count (stone, empty neighbour) pairs; a chain has exactly one distinct
// liberty iff count * sum(lib^2) == sum(lib)^2 (equality in Cauchy-Schwarz), the trick of
// Leela/Pachi-style boards. A Zobrist hash of the stones is kept for superko.
// Knows nothing of turns, passes, history or superko: GoState (go_state.h) adds those.
#include <cstdint>
#include <string>
#include <vector>

namespace tp::envs::go {

enum Color : uint8_t { kBlack = 0, kWhite = 1, kEmpty = 2, kBorder = 3 };
inline Color opponent(Color c) { return c == kBlack ? kWhite : kBlack; }

constexpr int kMinSize = 5, kMaxSize = 19;

class GoBoard {
 public:
  explicit GoBoard(int size);

  int size() const { return size_; }
  // Points are indices into the padded (size+2)^2 board; rows count from the top.
  int stride() const { return size_ + 2; }
  int point(int row, int col) const { return (row + 1) * stride() + col + 1; }
  int row_of(int p) const { return p / stride() - 1; }
  int col_of(int p) const { return p % stride() - 1; }
  Color at(int p) const { return static_cast<Color>(color_[p]); }
  Color at(int row, int col) const { return at(point(row, col)); }
  // The four orthogonal neighbours of p (some may be border points).
  int neighbour(int p, int k) const { return p + offsets_[k]; }

  // True when c playing on empty p would leave its own chain without liberties and capture
  // nothing (illegal under the rules implemented here).
  bool is_suicide(int p, Color c) const;
  // The Zobrist hash of the position after c plays the legal move p (captures included).
  uint64_t hash_after(int p, Color c) const;
  // Plays a stone; the caller guarantees p is empty and not suicide. Returns stones captured.
  int play(int p, Color c);

  uint64_t hash() const { return hash_; }
  int stones(Color c) const { return stones_[c]; }
  // Distinct liberties of the chain through stone p (a flood over the chain; tests, GTP).
  int liberties(int p) const;
  // Stones in the chain through p.
  int chain_size(int p) const { return chain_size_[chain_[p]]; }
  bool same_chain(int p, int q) const { return chain_[p] == chain_[q]; }
  bool in_atari(int p) const;
  // The only liberty of the chain through p, which must be in atari.
  int atari_liberty(int p) const;

  // p is an eye of c: every neighbour is c (or the edge) and the diagonals hold at most one
  // opponent stone (none on the edge). Random playouts never fill such points.
  bool is_eye(int p, Color c) const;

  // Tromp-Taylor area: stones of a colour plus the empty points that reach only that colour.
  void area(int& black, int& white) const;
  // Which colour owns each empty region under area scoring: kBlack, kWhite, or kEmpty
  // (neutral, dame) for each point (stones map to their colour). Rows from the top.
  std::vector<Color> ownership() const;

 private:
  void add_liberty(int root, int lib);
  void remove_liberty(int root, int lib);
  void merge(int a, int b);
  int capture(int root);

  int size_;
  int offsets_[4];
  std::vector<uint8_t> color_;
  std::vector<int16_t> chain_;  // root of the chain through each stone
  std::vector<int16_t> next_;   // next stone of the chain (circular)
  // Per chain root:
  std::vector<int16_t> chain_size_;
  std::vector<int16_t> libs_;         // pseudo-liberties
  std::vector<int32_t> lib_sum_;      // sum of pseudo-liberty points
  std::vector<int64_t> lib_sum_sq_;   // sum of their squares
  std::vector<uint64_t> chain_hash_;  // xor of the chain's stone keys
  uint64_t hash_ = 0;
  int stones_[2] = {0, 0};
};

// The Zobrist key of a stone of colour c on padded point p (a fixed table, same in every run).
uint64_t zobrist_key(Color c, int p);

}  // namespace tp::envs::go
