#pragma once
// Games where a move places a stone on any empty cell and k in a row wins:
// Tic-tac-toe (3x3, three in a row) and free-style Gomoku (15x15 by default, five or more).
#include "envs/games/game.h"

namespace tp::envs {

GameSpec tictactoe_spec();
GameSpec gomoku_spec();  // params: size=N (5..26, default 15)

}  // namespace tp::envs
