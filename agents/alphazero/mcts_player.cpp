#include "agents/alphazero/mcts_player.h"

#include "core/error.h"

namespace tp::agents {

MctsPlayer::MctsPlayer(std::string name, std::shared_ptr<Evaluator> evaluator, MctsOptions options, uint64_t seed)
    : name_(std::move(name)), evaluator_(std::move(evaluator)), mcts_(options, seed) {
  batched_.evaluator = evaluator_.get();
  batched_.options = options;
}

envs::Action MctsPlayer::select_action(const envs::GameState& state) {
  TP_CHECK(!state.is_terminal(), name_, " asked to move in a finished game");
  mcts_.sync(state);
  mcts_.search(*evaluator_);
  info_.value = mcts_.root_value();
  mcts_.visit_counts(info_.visits);
  return mcts_.select_move(0.0);
}

void MctsPlayer::new_game() { info_ = SearchInfo{}; }

}  // namespace tp::agents
