#pragma once
// DCGAN networks (Radford et al. 2016) for small images whose side is a multiple of 4
// (28x28 Fashion-MNIST): the generator maps z (plus a one-hot class for a conditional GAN)
// through a transposed convolution to a (2*ngf, side/4, side/4) map, then two stride-2
// transposed convolutions up to the image, with BatchNorm + ReLU between and tanh on the
// output (no BatchNorm there). The discriminator mirrors it with stride-2 convolutions,
// LeakyReLU 0.2, normalization on every layer but the input one, and one logit per image.
// A conditional discriminator sees the class as extra constant one-hot input planes.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "nets/shard_sync.h"

namespace tp::nets {

struct DCGANOptions {
  TORCH_ARG(int64_t, z_dim) = 100;  // Radford et al.: z in R^100
  TORCH_ARG(int64_t, channels) = 1;
  TORCH_ARG(int64_t, image_size) = 28;  // a multiple of 4
  TORCH_ARG(int64_t, ngf) = 64;         // generator width (the paper's 64x64 model uses 128..1024)
  TORCH_ARG(int64_t, ndf) = 64;
  TORCH_ARG(int64_t, num_classes) = 0;  // > 0: conditional (label into G and D)
  // Discriminator normalization: "batch" (DCGAN); WGAN-GP needs a per-sample one ("layer"/"none").
  TORCH_ARG(std::string, d_norm) = "batch";
  // Minibatch standard deviation (Karras et al. 2018): the discriminator's last layer also sees
  // one plane holding the batch's mean per-feature standard deviation, so a generator whose
  // samples are too alike in a batch is told apart from the data.
  TORCH_ARG(bool, minibatch_std) = false;
  // PacGAN packing (Lin et al. 2018): the discriminator judges `pack` consecutive images (all
  // real or all fake) at once, stacked as channels, and gives one logit per pack.
  TORCH_ARG(int64_t, pack) = 1;
};

class DCGANGeneratorImpl : public torch::nn::Module, public BatchStatistics {
 public:
  explicit DCGANGeneratorImpl(DCGANOptions options);
  // z: (N, z_dim); labels: (N) int64 for a conditional model, undefined otherwise.
  // Returns images in [-1, 1], (N, channels, size, size).
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels = {});
  const DCGANOptions& options() const { return options_; }
  std::string signature() const;

 private:
  DCGANOptions options_;
  torch::nn::Sequential net_{nullptr};
};
TORCH_MODULE(DCGANGenerator);

class DCGANDiscriminatorImpl : public torch::nn::Module, public BatchStatistics {
 public:
  explicit DCGANDiscriminatorImpl(DCGANOptions options);
  // x in [-1, 1]; returns one logit (critic value for WGAN) per image, shape (N), or per pack
  // of `pack` consecutive images, shape (N / pack).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& labels = {});
  std::string signature() const;

 private:
  DCGANOptions options_;
  torch::nn::Sequential net_{nullptr};  // its last layer maps to the logit
};
TORCH_MODULE(DCGANDiscriminator);

// One-hot planes (N, classes, h, w) for conditional convolutional inputs.
torch::Tensor one_hot_planes(const torch::Tensor& labels, int64_t classes, int64_t h, int64_t w);

}  // namespace tp::nets
