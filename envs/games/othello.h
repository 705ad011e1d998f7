#pragma once
// Othello (Reversi), 8x8: a move must flip at least one line of opponent discs; a player
// without such a move passes (action 64, text "pass"); the game ends when neither can move
// and the player with more discs wins. Black (player 0, "x") moves first. Cells are named
// a1..h8 with row 1 at the top, as in Othello notation.
#include "envs/games/game.h"

namespace tp::envs {

GameSpec othello_spec();

}  // namespace tp::envs
