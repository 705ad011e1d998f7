#pragma once
#include "agents/game_player.h"
#include "core/rng.h"

namespace tp::agents {

// Uniformly random legal moves.
class RandomPlayer final : public GamePlayer {
 public:
  explicit RandomPlayer(uint64_t seed) : rng_(seed) {}
  std::string name() const override { return "random"; }
  envs::Action select_action(const envs::GameState& state) override;

 private:
  Rng rng_;
  std::vector<envs::Action> legal_;
};

}  // namespace tp::agents
