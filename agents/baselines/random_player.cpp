#include "agents/baselines/random_player.h"

#include "core/error.h"

namespace tp::agents {

envs::Action RandomPlayer::select_action(const envs::GameState& state) {
  state.legal_actions_into(legal_);
  TP_CHECK(!legal_.empty(), "random player asked to move in a finished game");
  return legal_[rng_.below(static_cast<uint32_t>(legal_.size()))];
}

}  // namespace tp::agents
