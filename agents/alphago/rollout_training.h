#pragma once
// Training the rollout policy (rollout_policy.h) on expert games, as a run of the one
// training skeleton: the candidates' feature keys of every position are extracted once (keys
// seen only in held-out games get no weight, so the held-out accuracy is honest), then each
// skeleton step is one epoch of plain SGD on the softmax log-likelihood of the expert's move,
// in a shuffled order drawn from (seed, epoch). After each epoch: held-out top-1 accuracy and
// loss, a metrics row and a checkpoint (the canonical keys and their weights), so --resume
// continues at the next epoch. The run ends by timing playouts from held-out positions.
#include <cstdint>
#include <string>

#include "agents/alphago/expert_games.h"
#include "agents/alphago/rollout_policy.h"
#include "core/options.h"
#include "core/training_run.h"

namespace tp::agents::alphago {

constexpr const char* kRolloutPolicyAlgorithm = "alphago-rollout";

struct RolloutTrainingOptions : ExpertDataOptions {
  int epochs = 10;
  double lr = 0.05;
  int timed_playouts = 400;  // playouts timed at the end (0: none)

  void bind(OptionSet& set);
  void validate() const;
};

// Result fields: test_accuracy, test_loss, train_accuracy, weights, playouts_per_s.
RunOutcome train_rollout_policy(const RolloutTrainingOptions& options, RunSettings settings, uint64_t seed);

// The policy of a rollout checkpoint (a file or run directory); CheckpointError for another
// algorithm or a malformed one.
RolloutPolicy load_rollout_policy(const std::string& path);

}  // namespace tp::agents::alphago
