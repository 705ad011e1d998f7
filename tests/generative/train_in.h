#pragma once
// Trains a generative model of `cfg` in-process, as `torchplay train` does: seeded from
// cfg.common.seed, quiet, into `run_dir` (or resuming it). The image-to-image tests' runner.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "core/run_dir.h"
#include "generative/model_factory.h"
#include "generative/model_io.h"
#include "generative/train_loop.h"

namespace tp::test {

inline std::unique_ptr<gen::GenerativeModel> train_in(const gen::TrainConfig& cfg, const gen::Dataset& train,
                                                      const gen::Dataset& test, const std::string& run_dir,
                                                      bool resume) {
  torch::manual_seed(cfg.common.seed);
  auto model = gen::make_model(cfg.model, gen::DataShape::of(train));
  RunSettings s;
  (resume ? s.resume : s.run_dir) = run_dir;
  s.quiet = true;
  gen::train_model(*model, cfg.loop, train, test, s, cfg.common.seed);
  return model;
}

}  // namespace tp::test
