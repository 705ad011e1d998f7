#pragma once
// Board-game registry: names ("tictactoe", "connect4", "gomoku", "othello", ...) to their
// GameSpec factories. Built by an explicit function; callers own it.
#include <memory>
#include <string>
#include <vector>

#include "envs/games/game.h"

namespace tp::envs {

class GameRegistry {
 public:
  void add(GameSpec spec);
  // The initial state of `name` with `params` ("size=9"). UsageError listing the known
  // games for an unknown name; the game's factory rejects unknown or bad params.
  std::unique_ptr<GameState> make(const std::string& name, const std::string& params = "") const;
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;  // registration order
  std::string names_text() const;          // "tictactoe, connect4, ...": help texts and errors
  const GameSpec& spec(const std::string& name) const;

 private:
  std::vector<GameSpec> specs_;
};

// Every board game torchplay ships.
GameRegistry make_game_registry();

// Plays `moves` (text as the game writes them) on a copy of `initial`. Throws tp::Error
// naming the move and its index when one is unknown or illegal.
std::unique_ptr<GameState> state_from_moves(const GameState& initial, const std::vector<std::string>& moves);
// Splits a move list given as one string: whitespace or commas separate moves, except that
// a string of digits only (Connect Four, "4453") is one move per digit.
std::vector<std::string> split_move_list(const std::string& text);

}  // namespace tp::envs
