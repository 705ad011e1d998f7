#pragma once
// What eval, watch and play need from a board-game player: a move for a position. Callers
// hold players through this interface only; agents/game_player_factory.h builds one from a
// spec ("random", "mcts:N", a checkpoint, ...), so every command and view works with every
// agent kind.
#include <memory>
#include <string>
#include <vector>

#include "agents/alphazero/mcts.h"
#include "envs/games/game.h"

namespace tp::agents {

// What a searching player found for its last move (the board view's overlay).
struct SearchInfo {
  double value = 0.0;       // the player's estimate for the side to move, in [-1, 1]
  std::vector<int> visits;  // per action (info().num_actions); empty for non-MCTS players
};

// A player whose moves come from MCTS over an Evaluator: match runners drive many games
// at once with batched evaluation instead of calling select_action game by game.
struct BatchedSearch {
  Evaluator* evaluator = nullptr;
  MctsOptions options;
};

class GamePlayer {
 public:
  virtual ~GamePlayer() = default;
  virtual std::string name() const = 0;
  // A legal move for the (non-terminal) state's side to move.
  virtual envs::Action select_action(const envs::GameState& state) = 0;
  // Called when a new game starts (players with per-game state reset it).
  virtual void new_game() {}
  // The time the next moves may take (a clock's share, GTP time_settings or match --move-time):
  // searching players stop searching after `seconds` (0: no limit; others ignore it).
  virtual void set_move_time(double seconds) { (void)seconds; }
  // Details of the last select_action (nullptr when the player has none).
  virtual const SearchInfo* last_search() const { return nullptr; }
  // Non-null for MCTS players: their evaluator and search options.
  virtual const BatchedSearch* batched_search() const { return nullptr; }
};

}  // namespace tp::agents
