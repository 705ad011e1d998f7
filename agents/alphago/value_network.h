#pragma once
// Stage 4 of AlphaGo (Lee): the value network (Silver et al. 2016, "Reinforcement learning of
// value networks"), as a run of the one training skeleton. Its data are self-play games of
// the RL policy against itself (play_policy_games), one position drawn uniformly from each
// game, as in the paper (successive positions of one game are strongly correlated, and
// training on whole games overfits), labelled with the game's outcome for the player to
// move. The first skeleton steps play --games games, --batch-games at a time; the rest are
// epochs of Adam on the mean squared error, each position under a random board symmetry, a
// --test-fraction of the positions held out. After each epoch: held-out MSE, a metrics row
// and a checkpoint (network, Adam, the positions). The baseline beside it: the MSE of one
// playout of the rollout policy (--rollout) from each held-out position.
#include <cstdint>
#include <functional>
#include <string>

#include "core/options.h"
#include "core/training_run.h"
#include "envs/games/go/go_state.h"

namespace tp::agents::alphago {

constexpr const char* kValueNetworkAlgorithm = "alphago-value";

struct ValueNetworkOptions {
  std::string policy;   // the self-play policy: an alphago-rl (or -sl) checkpoint or run directory
  std::string rollout;  // a rollout checkpoint for the baseline MSE ("": none)
  int games = 8000;
  int batch_games = 128;
  int filters = 64;
  int layers = 6;
  int epochs = 10;
  int batch_size = 64;
  double lr = 1e-3;
  double test_fraction = 0.1;
  double komi = 7.5;

  void bind(OptionSet& set);
  void validate() const;
};

// Result fields: test_mse, train_mse, rollout_mse, positions, epochs.
RunOutcome train_value_network(const ValueNetworkOptions& options, RunSettings settings, uint64_t seed);

// A trained value network (checkpoint file) as a batched function for LeeEvaluator: n
// positions in, values for their players to move out. CheckpointError for another kind of
// checkpoint or board size.
using ValueFunction = std::function<void(const envs::go::GoState* const*, int, float*)>;
ValueFunction load_value_function(const std::string& path, int size, const std::string& device);

}  // namespace tp::agents::alphago
