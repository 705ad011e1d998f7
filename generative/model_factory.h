#pragma once
// The one place that knows every generative algorithm and its model class: builds a model by
// algorithm name. Include it only where models are made (training, checkpoint loading).
#include <memory>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "generative/model.h"
#include "generative/options.h"

namespace tp::gen {

// The algorithms: gan dcgan cgan wgan-gp vae ae dae sae classifier.
const std::vector<std::string>& model_algorithms();
// Builds a freshly initialized model (LibTorch's default generator must be seeded before) on
// `device`: initialized on the CPU (the same weights on every device), then moved.
// UsageError for an unknown algorithm.
std::unique_ptr<GenerativeModel> make_model(const ModelConfig& config, const DataShape& shape,
                                            torch::Device device = torch::kCPU);

// Gives `model` the cores of `layout` (from init_runtime with CoreUse::kDataParallel): as
// data-parallel parts when the model splits its batches (GenerativeModel::split_batches),
// otherwise as intra-op threads, `threads` (--threads) of them or one when it is 0. Returns
// the layout in effect.
ThreadLayout give_cores(GenerativeModel& model, const ThreadLayout& layout, int threads);

}  // namespace tp::gen
