#pragma once
// Random Go play that ends games properly: a uniformly random legal move that does not fill
// one of the mover's own eyes (GoBoard::is_eye), or pass when no such move is left. Played to
// the end, every dead stone gets captured, so Tromp-Taylor area equals the Chinese-rules
// score of the final position (the differential test against GNU Go relies on this).
#include <vector>

#include "core/rng.h"
#include "envs/games/go/go_state.h"

namespace tp::envs::go {

class RandomMovePicker {
 public:
  // A legal action of `state` (not terminal); pass when nothing else is left.
  Action pick(const GoState& state, Rng& rng);

 private:
  std::vector<Action> candidates_;  // reused: no allocation per move once grown
};

// Plays `state` to its end with the picker; returns the number of moves played.
int random_playout(GoState& state, Rng& rng, RandomMovePicker& picker);

}  // namespace tp::envs::go
