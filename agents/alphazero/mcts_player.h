#pragma once
// An MCTS player over any evaluator: the rollout baseline ("mcts:N") and the AlphaZero
// checkpoints. Keeps its tree between moves when the new position extends the last one.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agents/alphazero/mcts.h"
#include "agents/game_player.h"

namespace tp::agents {

// The pass that ends the game with a win for the side to move: in a game with passes, when
// the opponent has just passed and passing back finishes the game in the mover's favour
// (Go: the count already wins). Searchers take it rather than play on in a decided game;
// none otherwise.
std::optional<envs::Action> winning_pass(const envs::GameState& state);

class MctsPlayer final : public GamePlayer {
 public:
  MctsPlayer(std::string name, std::shared_ptr<Evaluator> evaluator, MctsOptions options, uint64_t seed);
  std::string name() const override { return name_; }
  envs::Action select_action(const envs::GameState& state) override;
  void new_game() override;
  void set_move_time(double seconds) override { move_time_ = seconds; }
  const SearchInfo* last_search() const override { return &info_; }
  const BatchedSearch* batched_search() const override { return &batched_; }

 private:
  std::string name_;
  std::shared_ptr<Evaluator> evaluator_;
  BatchedSearch batched_;
  Mcts mcts_;
  SearchInfo info_;
  double move_time_ = 0;
};

}  // namespace tp::agents
