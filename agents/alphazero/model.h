#pragma once
// An AlphaZero network for a game, and loading a trained one from a checkpoint (the player
// factory and eval use this).
#include <torch/types.h>

#include <string>

#include "agents/alphazero/mcts.h"
#include "envs/games/game.h"
#include "nets/residual_tower.h"

namespace tp {
class CheckpointReader;
}

namespace tp::agents {

struct AlphaZeroOptions;

// The algorithm name in the header of every `train alphazero` checkpoint.
inline constexpr char kAlphaZeroAlgorithm[] = "alphazero";

nets::ResidualTower make_alphazero_net(const envs::GameInfo& info, const AlphaZeroOptions& options);

// The checkpoint entry holding AlphaZeroModelInfo's JSON.
inline constexpr char kAlphaZeroPlayerEntry[] = "player";

// What a checkpoint needs to rebuild its player: the network shape and search settings
// (stored as JSON bytes kAlphaZeroPlayerEntry next to the modules).
struct AlphaZeroModelInfo {
  std::string game, game_options;
  int blocks = 0, filters = 0, value_hidden = 0;
  // KataGo's network additions (absent before them: none).
  int global_pooling = 0;
  bool auxiliary_heads = false;
  int simulations = 0;
  double c_puct = 0;
  // Gumbel search settings (absent from checkpoints made before it: PUCT).
  bool gumbel = false;
  int considered_actions = 16;
  double gumbel_c_visit = 50.0, gumbel_c_scale = 0.1;
  // First-play urgency (absent before it: AlphaZero's zero).
  bool fpu_parent = false;
  double fpu_reduction = 0.2;
  // The search the trained agent plays with: `simulations` unless overridden (> 0).
  MctsOptions play_options(int simulations_override = 0) const;
  std::string to_json() const;
  static AlphaZeroModelInfo from_json(const std::string& text, const std::string& path);
};

struct LoadedAlphaZeroModel {
  AlphaZeroModelInfo info;
  nets::ResidualTower net{nullptr};  // the gated best network, in eval mode
};

// Loads the best network of an AlphaZero checkpoint; CheckpointError for another algorithm
// or a network that does not fit `game` (another game or board size).
LoadedAlphaZeroModel load_alphazero_model(const std::string& path, const envs::GameState& game, torch::Device device);
// The same from an open checkpoint (torchplay export reads what the load used).
LoadedAlphaZeroModel load_alphazero_model(CheckpointReader& reader, const envs::GameState& game, torch::Device device);

}  // namespace tp::agents
