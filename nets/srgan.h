#pragma once
// The networks of SRGAN (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution
// Using a Generative Adversarial Network").
//
// SRResNet: a 9x9 convolution (PReLU), `blocks` residual blocks (conv3x3-BN-PReLU-conv3x3-BN
// plus the input) and a conv3x3-BN with a skip over all of them, all at the low resolution;
// then per factor 2 of the upscaling a sub-pixel block (conv3x3 to 4x the maps, pixel shuffle
// (Shi et al. 2016), PReLU); then a 9x9 convolution to the image, tanh.
//
// SRGANDiscriminator: conv3x3 + LeakyReLU 0.2, then seven conv3x3-BN-LeakyReLU layers of
// widths ndf, 2ndf, 2ndf, 4ndf, 4ndf, 8ndf, 8ndf with strides 2, 1, 2, 1, 2, 1, 2, then a
// dense layer of 16 ndf units (the paper's 1024 for ndf 64), LeakyReLU, and one logit.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct SRResNetOptions {
  TORCH_ARG(int64_t, channels) = 1;
  TORCH_ARG(int64_t, scale) = 4;    // a power of two
  TORCH_ARG(int64_t, width) = 64;   // Ledig et al.: 64
  TORCH_ARG(int64_t, blocks) = 16;  // Ledig et al.: 16
};

class SRResNetImpl : public torch::nn::Module {
 public:
  explicit SRResNetImpl(SRResNetOptions options);
  // x: (N, C, h, w) in [-1, 1] -> (N, C, scale h, scale w) in [-1, 1].
  torch::Tensor forward(const torch::Tensor& x);
  std::string signature() const;

 private:
  SRResNetOptions options_;
  torch::nn::Sequential head_{nullptr}, tail_{nullptr}, trunk_end_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
};
TORCH_MODULE(SRResNet);

struct SRGANDiscriminatorOptions {
  TORCH_ARG(int64_t, channels) = 1;
  TORCH_ARG(int64_t, image_size) = 28;
  TORCH_ARG(int64_t, ndf) = 64;  // Ledig et al.: 64
};

class SRGANDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit SRGANDiscriminatorImpl(SRGANDiscriminatorOptions options);
  // x: (N, C, size, size) in [-1, 1] -> one logit per image, (N).
  torch::Tensor forward(const torch::Tensor& x);
  std::string signature() const;

 private:
  SRGANDiscriminatorOptions options_;
  torch::nn::Sequential net_{nullptr};
};
TORCH_MODULE(SRGANDiscriminator);

}  // namespace tp::nets
