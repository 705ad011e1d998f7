#pragma once
// Options binding shared by `train` and checkpoint loading, and rebuilding a trained model
// from its checkpoint (the header's config.ini text gives the options, its counters the
// data shape), for `generate`, `eval --model` and the sample viewer.
#include <memory>
#include <string>

#include "core/checkpoint.h"
#include "core/options.h"
#include "generative/model.h"

namespace tp::gen {

// Every option a generative training run records in config.ini.
struct TrainConfig {
  CommonOptions common;
  TrainLoopOptions loop;
  ModelConfig model;

  static TrainConfig preset(const std::string& algorithm);
  // The base a recorded config.ini (a checkpoint's, a resumed run's) is read over: every
  // option's own default, not the preset's. A record holds every option that existed when it
  // was written, so one it lacks was added later, and its own default (off) is how that run
  // trained; a preset turning it on would rebuild another model.
  static TrainConfig recorded_base(const std::string& algorithm);
  void bind(OptionSet& set);
};

// Writes the data shape into checkpoint counters and reads it back.
void put_shape(CheckpointHeader& header, const DataShape& shape);
DataShape get_shape(const CheckpointHeader& header);

struct LoadedModel {
  std::unique_ptr<GenerativeModel> model;
  CheckpointHeader header;
  TrainConfig config;
  std::string path;
};

// Loads a checkpoint file, or the newest checkpoint of a run directory. Throws
// CheckpointError naming the file for anything that is not a generative checkpoint.
// The model is loaded onto `device` (whatever device the run trained on).
LoadedModel load_model_checkpoint(const std::string& path, torch::Device device = torch::kCPU);
// The same from an open checkpoint (torchplay export reads what the load used).
LoadedModel load_model_checkpoint(CheckpointReader& reader, torch::Device device = torch::kCPU);
// A checkpoint file itself, the newest one in RUN/checkpoints when `path` is a run directory,
// or a shipped model's file (models/README.md) when it is a short name.
std::string resolve_checkpoint(const std::string& path);

}  // namespace tp::gen
