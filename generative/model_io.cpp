#include "generative/model_io.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include "core/error.h"
#include "core/run_dir.h"
#include "core/shipped_models.h"
#include "generative/model_factory.h"

namespace tp::gen {

TrainConfig TrainConfig::preset(const std::string& algorithm) {
  TrainConfig c;
  c.model = ModelConfig::preset(algorithm);
  c.loop = TrainLoopOptions::preset(algorithm);
  return c;
}

TrainConfig TrainConfig::recorded_base(const std::string& algorithm) {
  TrainConfig c;
  c.model.algorithm = algorithm;
  return c;
}

void TrainConfig::bind(OptionSet& set) {
  loop.bind(set);
  model.bind(set);
  common.bind(set);
}

void put_shape(CheckpointHeader& h, const DataShape& s) {
  h.counters["data_channels"] = s.channels;
  h.counters["data_height"] = s.height;
  h.counters["data_width"] = s.width;
  h.counters["data_classes"] = s.num_classes;
}

DataShape get_shape(const CheckpointHeader& h) {
  DataShape s;
  s.channels = h.counter("data_channels");
  s.height = h.counter("data_height");
  s.width = h.counter("data_width");
  s.num_classes = h.counter("data_classes");
  if (!s.is_image()) s.synthetic = h.env;
  return s;
}

std::string resolve_checkpoint(const std::string& path) {
  if (!std::filesystem::exists(path))
    if (const auto shipped = shipped_model(path)) return *shipped;
  TP_CHECK_AS(CheckpointError, std::filesystem::exists(path), "checkpoint not found: ", path);
  if (!std::filesystem::is_directory(path)) return path;
  const std::string dir = std::filesystem::exists(path + "/checkpoints") ? path + "/checkpoints" : path;
  auto latest = CheckpointStore(dir, 1).latest();
  TP_CHECK_AS(CheckpointError, latest.has_value(), "no checkpoint in ", dir);
  return *latest;
}

LoadedModel load_model_checkpoint(const std::string& path_in, torch::Device device) {
  CheckpointReader reader(resolve_checkpoint(path_in));
  return load_model_checkpoint(reader, device);
}

LoadedModel load_model_checkpoint(CheckpointReader& reader, torch::Device device) {
  LoadedModel out;
  out.path = reader.path();
  out.header = reader.header();
  const auto& algos = model_algorithms();
  TP_CHECK_AS(CheckpointError, std::find(algos.begin(), algos.end(), out.header.algorithm) != algos.end(), out.path,
              " is a '", out.header.algorithm, "' checkpoint, not a generative model");
  // The recorded config.ini, parsed by the same option binding that wrote it.
  out.config = TrainConfig::recorded_base(out.header.algorithm);
  {
    OptionSet set("checkpoint config");
    out.config.bind(set);
    try {
      set.parse_config_text(out.header.config, "the config of " + out.path);
    } catch (const Error& e) {
      TP_THROW(CheckpointError, "bad config in checkpoint ", out.path, " (", e.what(), ")");
    }
  }
  out.model = make_model(out.config.model, get_shape(out.header));
  reader.expect(out.header.algorithm, out.model->architecture());
  out.model->load(reader);  // CPU tensors (core/checkpoint.h)
  out.model->to(device);
  return out;
}

}  // namespace tp::gen
