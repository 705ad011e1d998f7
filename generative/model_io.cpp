#include "generative/model_io.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include "core/error.h"
#include "core/run_dir.h"
#include "generative/model_factory.h"

namespace tp::gen {

TrainConfig TrainConfig::for_algorithm(const std::string& algorithm) {
  TrainConfig c;
  c.model = ModelConfig::for_algorithm(algorithm);
  c.loop = TrainLoopOptions::for_algorithm(algorithm);
  return c;
}

void TrainConfig::add_to(OptionSet& set) {
  loop.add_to(set);
  model.add_to(set);
  common.add_to(set);
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
  TP_CHECK_AS(CheckpointError, std::filesystem::exists(path), "checkpoint not found: ", path);
  if (!std::filesystem::is_directory(path)) return path;
  const std::string dir = std::filesystem::exists(path + "/checkpoints") ? path + "/checkpoints" : path;
  auto latest = CheckpointStore(dir, 1).latest();
  TP_CHECK_AS(CheckpointError, latest.has_value(), "no checkpoint in ", dir);
  return *latest;
}

LoadedModel load_model_checkpoint(const std::string& path_in) {
  LoadedModel out;
  out.path = resolve_checkpoint(path_in);
  CheckpointReader reader(out.path);
  out.header = reader.header();
  const auto& algos = model_algorithms();
  TP_CHECK_AS(CheckpointError, std::find(algos.begin(), algos.end(), out.header.algorithm) != algos.end(), out.path,
              " is a '", out.header.algorithm, "' checkpoint, not a generative model");
  // The recorded config.ini, parsed by the same option binding that wrote it.
  out.config = TrainConfig::for_algorithm(out.header.algorithm);
  {
    const std::string tmp = (std::filesystem::temp_directory_path() /
                             ("torchplay-config-" + std::to_string(::getpid()) + ".ini")).string();
    write_file_atomic(tmp, out.header.config);
    OptionSet set("checkpoint config");
    out.config.add_to(set);
    set.set_default_config_file(tmp);
    try {
      set.parse({});
    } catch (const Error& e) {
      std::filesystem::remove(tmp);
      TP_THROW(CheckpointError, "bad config in checkpoint ", out.path, " (", e.what(), ")");
    }
    std::filesystem::remove(tmp);
  }
  out.model = make_model(out.config.model, get_shape(out.header));
  reader.expect(out.header.algorithm, out.model->architecture());
  out.model->load(reader);
  return out;
}

}  // namespace tp::gen
