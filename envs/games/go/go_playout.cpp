#include "envs/games/go/go_playout.h"

namespace tp::envs::go {

Action RandomMovePicker::pick(const GoState& state, Rng& rng) {
  const GoBoard& board = state.board();
  const int n = state.size();
  const Color c = state.to_play();
  candidates_.clear();
  for (int r = 0; r < n; ++r)
    for (int col = 0; col < n; ++col)
      if (board.at(r, col) == kEmpty) candidates_.push_back(r * n + col);
  // Draw without replacement until a move is legal and no own eye: uniform over those moves,
  // and the expensive legality test runs on few points.
  while (!candidates_.empty()) {
    const size_t i = rng.below(static_cast<uint32_t>(candidates_.size()));
    const Action a = candidates_[i];
    if (!board.is_eye(state.board_point(a), c) && state.is_legal(a)) return a;
    candidates_[i] = candidates_.back();
    candidates_.pop_back();
  }
  return state.pass_action();
}

int random_playout(GoState& state, Rng& rng, RandomMovePicker& picker) {
  int moves = 0;
  while (!state.is_terminal()) {
    state.apply(picker.pick(state, rng));
    ++moves;
  }
  return moves;
}

}  // namespace tp::envs::go
