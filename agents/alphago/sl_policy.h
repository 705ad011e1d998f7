#pragma once
// Stage 1 of AlphaGo (Lee): the SL policy network, trained to predict the expert's move from
// the game records of a directory (engine-games or any SGF collection), as a run of the one
// training skeleton (core/training_run.h). The games are split by game (split_by_game); the
// training positions are drawn in a shuffled order per epoch, each under a random one of
// the 8 board symmetries, their planes computed on the fly (features.h); a skeleton step is
// one minibatch. At each epoch's end: held-out top-1 accuracy and loss on every held-out
// position (no augmentation), a metrics row and a checkpoint (network, optimizer, counters),
// so --resume continues at the next epoch.
#include <cstdint>
#include <string>

#include "agents/alphago/expert_games.h"
#include "agents/alphago/features.h"
#include "core/options.h"
#include "core/training_run.h"

namespace tp::agents::alphago {

constexpr const char* kSlPolicyAlgorithm = "alphago-sl";

struct SlPolicyOptions : ExpertDataOptions {
  std::string features = "full";  // full (48 planes) | stones (4)
  int filters = 64;
  int layers = 6;
  int epochs = 10;
  int batch_size = 64;
  double lr = 1e-3;  // Adam

  void bind(OptionSet& set);
  void validate() const;
  FeatureSet feature_set() const { return features == "stones" ? FeatureSet::kStones : FeatureSet::kFull; }
};

// Trains (or, with settings.resume, continues). `seed` draws the epochs' order and the
// symmetries (LibTorch's generator, seeded by init_runtime, the initial weights). The
// result's fields: test_accuracy, test_loss, train_accuracy, positions, epochs.
RunOutcome train_sl_policy(const SlPolicyOptions& options, RunSettings settings, uint64_t seed);

}  // namespace tp::agents::alphago
