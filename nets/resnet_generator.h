#pragma once
// CycleGAN's generator (Zhu et al. 2017, appendix 7.2, after Johnson et al. 2016) for small
// images: c7s1-ngf, d(2 ngf), d(4 ngf), `blocks` residual blocks of 4 ngf maps, u(2 ngf),
// u(ngf), c7s1-channels with tanh. c7s1-k: 7x7 convolution, stride 1, reflection padding;
// d-k: 3x3 stride-2 convolution; u-k: 3x3 stride-1/2 (transposed) convolution; every layer
// but the last has instance normalization and ReLU; residual blocks are two reflection-padded
// 3x3 convolutions. 28x28 images are worked on at 28, 14 and 7 pixels (the paper: 6 blocks
// for 128x128 images, 9 for 256x256).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct ResnetGeneratorOptions {
  TORCH_ARG(int64_t, channels) = 1;  // in and out
  TORCH_ARG(int64_t, ngf) = 32;      // Zhu et al.: 64
  TORCH_ARG(int64_t, blocks) = 6;
};

class ResnetGeneratorImpl : public torch::nn::Module {
 public:
  explicit ResnetGeneratorImpl(ResnetGeneratorOptions options);
  // (N, channels, H, W) in [-1, 1], H and W multiples of 4 -> the same shape, in [-1, 1].
  torch::Tensor forward(const torch::Tensor& x);
  std::string signature() const;

 private:
  ResnetGeneratorOptions options_;
  torch::nn::Sequential net_{nullptr};
};
TORCH_MODULE(ResnetGenerator);

}  // namespace tp::nets
