#pragma once
// The one training loop of every generative model: epochs of shuffled mini-batches from a
// dataset held in memory, one metrics.csv row per epoch (epoch means of the model's losses,
// its test evaluation, images/s), a PNG of the fixed inputs' samples per epoch
// (RUN/samples/epoch_NNN.png), a checkpoint per epoch and on SIGINT/SIGTERM (networks,
// optimizers, counters, the fixed inputs, the batch order and LibTorch's generator), so
// --resume continues exactly where the run stopped, mid-epoch included.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/run_dir.h"
#include "generative/model.h"

namespace tp::gen {

struct TrainRun {
  const RunDir* run = nullptr;
  std::string config_ini;  // recorded in every checkpoint
  uint64_t seed = 1;       // fixed-noise stream
  bool quiet = false;
  bool resume = false;     // continue from the newest checkpoint of `run`
};

struct TrainResult {
  int64_t epochs_done = 0, steps = 0;
  double train_seconds = 0, images_per_second = 0;
  std::vector<std::pair<std::string, double>> last;  // the last metrics row
  std::string checkpoint;                            // the last checkpoint written
  int interrupted_by = 0;                            // the signal, 0 when finished
};

TrainResult train_model(GenerativeModel& model, const TrainLoopOptions& loop, const Dataset& train, const Dataset& test,
                        const TrainRun& run);

}  // namespace tp::gen
