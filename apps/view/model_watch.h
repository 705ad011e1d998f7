#pragma once
// `torchplay watch --model CHECKPOINT`: the sample viewer in a window (the translation viewer
// for image-to-image models). No SFML or LibTorch
// types here, so the command compiles in headless builds.
#include <cstdint>
#include <string>

namespace tp::view {

struct ModelWatchOptions {
  std::string model;         // checkpoint file or run directory
  int n = 0;                 // samples in the grid (0: 64), test images per page for image-to-image models (0: 8)
  int64_t class_label = -1;  // conditional models: start class (-1: classes in turn)
  int steps = 10;            // latent-walk samples, endpoints included
  double fps = 30;
  std::string record_dir;
  uint64_t seed = 1;
  std::string device = "cpu";  // where the generator runs
  bool quiet = false;
};

// Runs until the window is closed (close button or Escape). Returns the exit code: 0, or
// 130/143 when SIGINT/SIGTERM closed it.
int watch_model(const ModelWatchOptions& options);

}  // namespace tp::view
