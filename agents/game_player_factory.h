#pragma once
// Builds a board-game player from a spec, the one place that knows every player kind:
// "random", "minimax[:DEPTH]", "mcts:N" (UCT with random rollouts), "solver" (Connect Four),
// an AlphaZero or AlphaGo SL-policy checkpoint, or the AlphaGo-Lee agent
// "lee:policy=SL,rollout=ROLLOUT[,...]" (agents/alphago/lee_agent.h). Include it only where players are made.
#include <cstdint>
#include <memory>
#include <string>

#include "agents/game_player.h"
#include "envs/games/game.h"

namespace tp::agents {

struct GamePlayerContext {
  uint64_t seed = 1;
  std::string device = "cpu";
  int simulations = 0;  // checkpoint players: MCTS simulations per move (0: the run's setting)
  int leaf_batch = 0;   // searching network players: leaves per network call (0: the player's own)
  // AlphaZero checkpoints: "puct" or "gumbel" in place of the search the run trained with
  // ("": the run's), to tell a network's strength from its search's.
  std::string search{};
};

// Throws UsageError for an unknown spec and CheckpointError for a bad or mismatched
// checkpoint (another game or algorithm).
std::unique_ptr<GamePlayer> make_game_player(const std::string& spec, const envs::GameState& game,
                                             const GamePlayerContext& ctx);
// True when `spec` names a checkpoint (or a TorchScript network) rather than a built-in player: a network that plays
// only the board it was trained on (GTP refuses other board sizes for it).
bool is_checkpoint_spec(const std::string& spec);

}  // namespace tp::agents
