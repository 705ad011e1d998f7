#include "agents/alphazero/mcts_player.h"

#include "core/error.h"

namespace tp::agents {

MctsPlayer::MctsPlayer(std::string name, std::shared_ptr<Evaluator> evaluator, MctsOptions options, uint64_t seed)
    : name_(std::move(name)), evaluator_(std::move(evaluator)), mcts_(options, seed) {
  batched_.evaluator = evaluator_.get();
  batched_.options = options;
}

std::optional<envs::Action> winning_pass(const envs::GameState& state) {
  const envs::GameInfo& info = state.info();
  if (!info.has_pass || state.is_terminal() || state.history().empty()) return std::nullopt;
  const envs::Action pass = info.num_actions - 1;
  if (state.history().back() != pass || !state.is_legal(pass)) return std::nullopt;
  const int me = state.current_player();
  auto after = state.clone();
  after->apply(pass);
  if (!after->is_terminal() || after->returns()[static_cast<size_t>(me)] <= 0) return std::nullopt;
  return pass;
}

envs::Action MctsPlayer::select_action(const envs::GameState& state) {
  TP_CHECK(!state.is_terminal(), name_, " asked to move in a finished game");
  if (const auto pass = winning_pass(state)) {
    // Decided: no search, so the overlay shows no counts and the value is the result.
    info_.value = 1.0;
    info_.visits.clear();
    return *pass;
  }
  mcts_.sync(state);
  mcts_.search(*evaluator_, move_time_);
  info_.value = mcts_.root_value();
  mcts_.visit_counts(info_.visits);
  return mcts_.select_move(0.0);
}

void MctsPlayer::new_game() { info_ = SearchInfo{}; }

}  // namespace tp::agents
