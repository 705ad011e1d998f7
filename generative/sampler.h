#pragma once
// Sampling from a trained generator checkpoint: the API behind `torchplay generate` and the
// SFML sample viewer (`torchplay watch --model`). Latents are plain tensors, so a viewer can
// keep a batch, resample one cell, or walk between two latents.
//
//   tp::gen::Sampler s("runs/dcgan-.../checkpoints/ckpt-2345.tpck");   // or a run directory
//   auto z = s.random_latents(64, /*seed=*/1);                         // (64, latent_dim)
//   auto images = s.sample(z, /*class_label=*/3);                      // (64, 1, 28, 28) in [0, 1]
//   auto path = tp::gen::Sampler::interpolate(z[0], z[1], 10);         // (10, latent_dim)
//   tp::Image grid = s.render(s.sample(path), 10);                      // write_png(...) or upload
#include <torch/types.h>

#include <memory>
#include <string>

#include "core/png_image.h"
#include "generative/model_io.h"

namespace tp::gen {

class Sampler {
 public:
  // Loads a checkpoint file or the newest checkpoint of a run directory onto `device` (the
  // samples come back on the CPU). Throws UsageError when the model cannot generate from
  // latents (autoencoders, the classifier).
  explicit Sampler(const std::string& checkpoint, torch::Device device = torch::kCPU);
  // A model already loaded (or built in memory); the same check.
  explicit Sampler(LoadedModel loaded);
  ~Sampler();

  const std::string& algorithm() const;
  const std::string& checkpoint_path() const { return loaded_.path; }
  const DataShape& shape() const { return loaded_.model->shape(); }
  bool is_image() const { return shape().is_image(); }
  int64_t latent_dim() const { return loaded_.model->latent_dim(); }
  int64_t num_classes() const { return loaded_.model->num_classes(); }  // 0: unconditional
  // "class 8 (Bag)", or "class 8" when the training set names no classes.
  std::string class_text(int64_t label) const;

  // n latents from the prior N(0, I), reproducible from `seed`.
  torch::Tensor random_latents(int64_t n, uint64_t seed) const;
  // Samples for latents z (N, latent_dim) or (latent_dim): images (N, C, H, W) in [0, 1] or
  // points (N, 2). Conditional models: every sample of class `class_label`, or with -1 the
  // classes in turn (sample i gets class i mod num_classes). Unconditional models refuse a label.
  torch::Tensor sample(const torch::Tensor& z, int64_t class_label = -1);
  // `steps` latents from a to b (inclusive). Spherical interpolation (White 2016), which
  // keeps the norm typical of the Gaussian prior; linear when a and b are (anti)parallel.
  static torch::Tensor interpolate(const torch::Tensor& a, const torch::Tensor& b, int64_t steps);
  // Samples along a latent walk (`path`: steps x latent_dim) as rows of a grid: one row of
  // class `class_label`, or for a conditional model with -1 one row per class, so every
  // class walks the same latents.
  torch::Tensor sample_walk(const torch::Tensor& path, int64_t class_label = -1);
  // A picture of samples: an image grid with `columns`, or a scatter plot of 2-D points.
  Image render(const torch::Tensor& samples, int columns) const;

 private:
  LoadedModel loaded_;
};

}  // namespace tp::gen
