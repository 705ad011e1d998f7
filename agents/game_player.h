#pragma once
// What eval, watch and play need from a board-game player: a move for a position. Built by
// `make_game_player` from a spec, so every command and view works with every agent kind:
// "random", "minimax[:DEPTH]", "mcts:N" (UCT with random rollouts), "solver" (Connect Four),
// or an AlphaZero checkpoint path.
#include <cstdint>
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
  // Details of the last select_action (nullptr when the player has none).
  virtual const SearchInfo* last_search() const { return nullptr; }
  // Non-null for MCTS players: their evaluator and search options.
  virtual const BatchedSearch* batched_search() const { return nullptr; }
};

struct GamePlayerContext {
  uint64_t seed = 1;
  std::string device = "cpu";
  int simulations = 0;  // checkpoint players: MCTS simulations per move (0: the run's setting)
};

// Throws UsageError for an unknown spec and CheckpointError for a bad or mismatched
// checkpoint (another game or algorithm).
std::unique_ptr<GamePlayer> make_game_player(const std::string& spec, const envs::GameState& game,
                                             const GamePlayerContext& ctx);
// True when `spec` names a checkpoint rather than a built-in player: a network that plays
// only the board it was trained on (GTP refuses other board sizes for it).
bool is_checkpoint_spec(const std::string& spec);

// An MCTS player over any evaluator (the rollout baseline and the AlphaZero checkpoints):
// keeps its tree between moves when the new position extends the last one.
class MctsPlayer final : public GamePlayer {
 public:
  MctsPlayer(std::string name, std::shared_ptr<Evaluator> evaluator, MctsOptions options, uint64_t seed);
  std::string name() const override { return name_; }
  envs::Action select_action(const envs::GameState& state) override;
  void new_game() override;
  const SearchInfo* last_search() const override { return &info_; }
  const BatchedSearch* batched_search() const override { return &batched_; }

 private:
  std::string name_;
  std::shared_ptr<Evaluator> evaluator_;
  BatchedSearch batched_;
  Mcts mcts_;
  SearchInfo info_;
};

}  // namespace tp::agents
