#pragma once
// Connect Four, 7 columns x 6 rows: a move drops a stone into a column (text "1".."7" from
// the left, as in Pascal Pons' solver test files); four in a row wins.
#include "envs/games/game.h"

namespace tp::envs {

GameSpec connect4_spec();

}  // namespace tp::envs
