#include "agents/baselines/connect4_solver.h"

#include "core/error.h"

namespace tp::agents {

namespace {
constexpr int W = Connect4Position::kWidth, H = Connect4Position::kHeight;
constexpr int kMinScore = -(W * H) / 2 + 3;
constexpr int kMaxScore = (W * H + 1) / 2 - 3;
// Table values: 0 empty; 1..kMaxScore - kMinScore + 1 an upper bound, above that a lower bound.
constexpr int kLowerBoundBase = kMaxScore - 2 * kMinScore + 2;  // stored = score + this

constexpr uint64_t bottom_mask() {
  uint64_t m = 0;
  for (int c = 0; c < W; ++c) m |= uint64_t{1} << c * (H + 1);
  return m;
}
constexpr uint64_t kBottom = bottom_mask();
constexpr uint64_t kBoard = kBottom * ((uint64_t{1} << H) - 1);
uint64_t top_mask_col(int col) { return uint64_t{1} << ((H - 1) + col * (H + 1)); }
uint64_t bottom_mask_col(int col) { return uint64_t{1} << col * (H + 1); }
int popcount(uint64_t m) { return __builtin_popcountll(m); }

// Up to 7 moves sorted by score (insertion sort; the highest comes out first; equal scores
// keep the order of insertion reversed, so centre columns added last are tried first).
struct MoveSorter {
  struct Entry {
    uint64_t move;
    int score;
  };
  Entry entries[W];
  int size = 0;
  void add(uint64_t move, int score) {
    int pos = size++;
    for (; pos && entries[pos - 1].score > score; --pos) entries[pos] = entries[pos - 1];
    entries[pos] = {move, score};
  }
  uint64_t next() { return size ? entries[--size].move : 0; }
};

// Centre-first column order: 3, 2, 4, 1, 5, 0, 6.
constexpr int kColumnOrder[W] = {3, 2, 4, 1, 5, 0, 6};
}  // namespace

uint64_t Connect4Position::column_mask(int col) { return ((uint64_t{1} << H) - 1) << col * (H + 1); }
bool Connect4Position::can_play(int col) const { return (mask_ & top_mask_col(col)) == 0; }
void Connect4Position::play(uint64_t move) {
  current_ ^= mask_;
  mask_ |= move;
  ++moves_;
}
void Connect4Position::play_column(int col) { play((mask_ + bottom_mask_col(col)) & column_mask(col)); }

void Connect4Position::play_sequence(const std::string& moves) {
  for (size_t i = 0; i < moves.size(); ++i) {
    const int col = moves[i] - '1';
    TP_CHECK_AS(DataError, col >= 0 && col < W, "move ", i + 1, " '", moves[i], "' is not a column 1..7");
    TP_CHECK_AS(DataError, can_play(col), "move ", i + 1, " plays into full column ", col + 1);
    TP_CHECK_AS(DataError, !is_winning_move(col), "move ", i + 1, " (column ", col + 1, ") ends the game");
    play_column(col);
  }
}

bool Connect4Position::is_winning_move(int col) const { return winning_position() & possible() & column_mask(col); }
bool Connect4Position::can_win_next() const { return winning_position() & possible(); }
uint64_t Connect4Position::possible() const { return (mask_ + kBottom) & kBoard; }

uint64_t Connect4Position::possible_non_losing_moves() const {
  uint64_t possible_mask = possible();
  const uint64_t opponent_win = opponent_winning_position();
  const uint64_t forced = possible_mask & opponent_win;
  if (forced) {
    if (forced & (forced - 1)) return 0;  // two threats: lost
    possible_mask = forced;
  }
  return possible_mask & ~(opponent_win >> 1);  // never play below an opponent's threat
}

int Connect4Position::move_score(uint64_t move) const {
  return popcount(compute_winning_position(current_ | move, mask_));
}
uint64_t Connect4Position::winning_position() const { return compute_winning_position(current_, mask_); }
uint64_t Connect4Position::opponent_winning_position() const {
  return compute_winning_position(current_ ^ mask_, mask_);
}

// Empty cells that would complete four for the stones in `position`.
uint64_t Connect4Position::compute_winning_position(uint64_t position, uint64_t mask) {
  uint64_t r = (position << 1) & (position << 2) & (position << 3);  // vertical
  for (int shift : {H + 1, H, H + 2}) {                              // horizontal, two diagonals
    uint64_t p = (position << shift) & (position << 2 * shift);
    r |= p & (position << 3 * shift);
    r |= p & (position >> shift);
    p = (position >> shift) & (position >> 2 * shift);
    r |= p & (position << shift);
    r |= p & (position >> 3 * shift);
  }
  return r & (kBoard ^ mask);
}

Connect4Solver::Connect4Solver(int log2_entries) {
  TP_CHECK_AS(UsageError, log2_entries >= 17 && log2_entries <= 28, "solver table size 2^", log2_entries,
              " out of range 2^17..2^28 (32-bit keys need more than 2^17 slots)");
  const size_t size = (size_t{1} << log2_entries) + 9;  // odd size spreads keys (Pons)
  keys_.assign(size, 0);
  values_.assign(size, 0);
}

void Connect4Solver::reset_table() {
  std::fill(keys_.begin(), keys_.end(), 0);
  std::fill(values_.begin(), values_.end(), 0);
}

int Connect4Solver::negamax(const Connect4Position& p, int alpha, int beta) {
  ++nodes_;
  const uint64_t next = p.possible_non_losing_moves();
  if (next == 0) return -(W * H - p.moves()) / 2;  // every move loses at once
  if (p.moves() >= W * H - 2) return 0;            // draw: the board fills
  const int min = -(W * H - 2 - p.moves()) / 2;    // the opponent cannot win at once
  if (alpha < min) {
    alpha = min;
    if (alpha >= beta) return alpha;
  }
  int max = (W * H - 1 - p.moves()) / 2;  // we cannot win at once
  if (beta > max) {
    beta = max;
    if (alpha >= beta) return beta;
  }
  const uint64_t key = p.key();
  const size_t slot = key % keys_.size();
  if (keys_[slot] == static_cast<uint32_t>(key) && values_[slot]) {
    const int stored = values_[slot];
    if (stored > kMaxScore - kMinScore + 1) {  // a lower bound
      const int lower = stored - kLowerBoundBase;
      if (alpha < lower) {
        alpha = lower;
        if (alpha >= beta) return alpha;
      }
    } else {  // an upper bound
      const int upper = stored + kMinScore - 1;
      if (beta > upper) {
        beta = upper;
        if (alpha >= beta) return beta;
      }
    }
  }
  MoveSorter moves;
  for (int i = W; i--;)
    if (const uint64_t move = next & Connect4Position::column_mask(kColumnOrder[i]))
      moves.add(move, p.move_score(move));
  while (const uint64_t move = moves.next()) {
    Connect4Position child(p);
    child.play(move);
    const int score = -negamax(child, -beta, -alpha);
    if (score >= beta) {  // fails high: remember the lower bound (null-window checks fail high often)
      keys_[slot] = static_cast<uint32_t>(key);
      values_[slot] = static_cast<uint8_t>(score + kLowerBoundBase);
      return score;
    }
    if (score > alpha) alpha = score;
  }
  keys_[slot] = static_cast<uint32_t>(key);
  values_[slot] = static_cast<uint8_t>(alpha - kMinScore + 1);  // an upper bound
  return alpha;
}

int Connect4Solver::solve(const Connect4Position& p, bool weak) {
  if (p.can_win_next()) return (W * H + 1 - p.moves()) / 2;
  int min = -(W * H - p.moves()) / 2, max = (W * H + 1 - p.moves()) / 2;
  if (weak) min = -1, max = 1;
  while (min < max) {  // null-window searches narrow [min, max]
    int med = min + (max - min) / 2;
    if (med <= 0 && min / 2 < med)
      med = min / 2;
    else if (med >= 0 && max / 2 > med)
      med = max / 2;
    const int r = negamax(p, med, med + 1);
    if (r <= med)
      max = r;
    else
      min = r;
  }
  return min;
}

bool Connect4Solver::score_at_most(const Connect4Position& p, int bound) {
  if (p.can_win_next()) return (W * H + 1 - p.moves()) / 2 <= bound;  // negamax assumes no win at once
  return negamax(p, bound, bound + 1) <= bound;                       // fails low exactly when the score is <= bound
}

std::vector<int> Connect4Solver::analyze(const Connect4Position& p, bool weak) {
  std::vector<int> scores(W, kInvalidScore);
  for (int col = 0; col < W; ++col) {
    if (!p.can_play(col)) continue;
    if (p.is_winning_move(col)) {
      scores[col] = (W * H + 1 - p.moves()) / 2;
    } else if (p.moves() + 1 == W * H) {
      scores[col] = 0;  // the last cell, no win: draw
    } else {
      Connect4Position child(p);
      child.play_column(col);
      scores[col] = -solve(child, weak);
    }
  }
  return scores;
}

Connect4Position connect4_position(const envs::GameState& state) {
  TP_CHECK_AS(UsageError, state.info().name == "connect4", "the solver plays connect4 only, not ", state.info().name);
  Connect4Position p;
  for (envs::Action a : state.history()) p.play_column(a);
  return p;
}

envs::Action SolverPlayer::select_action(const envs::GameState& state) {
  TP_CHECK(!state.is_terminal(), "solver asked to move in a finished game");
  const Connect4Position p = connect4_position(state);
  for (int col : {3, 2, 4, 1, 5, 0, 6})
    if (p.can_play(col) && p.is_winning_move(col)) {  // nothing scores higher: skip the solve
      info_ = SearchInfo{1.0, {}};
      return col;
    }
  const auto scores = solver_.analyze(p);
  int best = Connect4Solver::kInvalidScore, choice = -1, ties = 0;
  for (int col = 0; col < Connect4Position::kWidth; ++col) {
    if (scores[col] == Connect4Solver::kInvalidScore) continue;
    if (scores[col] > best)
      best = scores[col], choice = col, ties = 1;
    else if (scores[col] == best && rng_.below(++ties) == 0)
      choice = col;
  }
  info_.value = best > 0 ? 1.0 : best < 0 ? -1.0 : 0.0;
  info_.visits.clear();
  return choice;
}

}  // namespace tp::agents
