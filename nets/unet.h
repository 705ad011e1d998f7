#pragma once
// Image-to-image networks of pix2pix (Isola et al. 2017) for small images.
//
// UNet: an encoder of stride-2 4x4 convolutions (LeakyReLU 0.2, BatchNorm but on the first and
// innermost layers) down to 1x1, and a decoder of stride-2 transposed convolutions (ReLU,
// BatchNorm) back up, each decoder layer also fed the encoder's map of its size (the skip
// connections; off: the paper's encoder-decoder ablation); tanh output. The image is padded
// with the background value -1 to the next power of two (28 -> 32) and the output cropped back.
// Widths ngf, 2 ngf, 4 ngf, 8 ngf, 8 ngf, ... The decoder's first three layers apply dropout,
// in training and at test time alike: the paper's only noise source ("we apply dropout at test
// time"); its masks come from the generator passed to forward().
//
// PatchDiscriminator: PatchGAN, one logit per overlapping patch of the (input, output) pair
// stacked as channels. `layers` stride-2 4x4 convolutions, then two stride-1 ones: 1 layer sees
// 16x16 patches, 2 see 34x34, 3 see 70x70 (the paper's default for 256x256 images).
#include <ATen/core/Generator.h>
#include <c10/util/Optional.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct UNetOptions {
  TORCH_ARG(int64_t, in_channels) = 1;
  TORCH_ARG(int64_t, out_channels) = 1;
  TORCH_ARG(int64_t, image_size) = 28;  // square images, >= 8
  TORCH_ARG(int64_t, ngf) = 64;         // Isola et al.: 64
  TORCH_ARG(double, dropout) = 0.5;     // Isola et al.: 50% in the decoder's first three layers
  TORCH_ARG(bool, skips) = true;        // false: the encoder-decoder without skip connections
};

class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(UNetOptions options);
  // x: (N, in_channels, size, size) in [-1, 1] -> (N, out_channels, size, size) in [-1, 1].
  // Dropout masks from `generator` (nullopt: LibTorch's default generator).
  torch::Tensor forward(const torch::Tensor& x, const c10::optional<at::Generator>& generator = c10::nullopt);
  const UNetOptions& options() const { return options_; }
  int64_t depth() const { return depth_; }  // stride-2 layers down to 1x1
  int64_t padded_size() const { return int64_t{1} << depth_; }
  std::string signature() const;

 private:
  UNetOptions options_;
  int64_t depth_ = 0;
  torch::nn::ModuleList down_{nullptr}, up_{nullptr};  // up_[i] undoes down_[i]
};
TORCH_MODULE(UNet);

struct PatchDiscriminatorOptions {
  TORCH_ARG(int64_t, in_channels) = 2;  // input + output channels
  TORCH_ARG(int64_t, ndf) = 64;
  TORCH_ARG(int64_t, layers) = 3;  // stride-2 convolutions (3: the 70x70 PatchGAN)
  // Instance instead of batch normalization (CycleGAN's discriminator).
  TORCH_ARG(bool, instance_norm) = false;
};

class PatchDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit PatchDiscriminatorImpl(PatchDiscriminatorOptions options);
  // pair: (N, in_channels, H, W) in [-1, 1] -> logits (N, 1, h, w), one per patch.
  torch::Tensor forward(const torch::Tensor& pair);
  // The side of the input square one logit sees.
  int64_t receptive_field() const;
  std::string signature() const;

 private:
  PatchDiscriminatorOptions options_;
  torch::nn::Sequential net_{nullptr};
};
TORCH_MODULE(PatchDiscriminator);

}  // namespace tp::nets
