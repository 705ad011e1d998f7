#pragma once
// Layer normalization over the channels of each cell of an NCHW feature map: what flax's
// nn.LayerNorm does on an NHWC map (PQN's MinAtar torso, Gallici et al. 2024).
#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace tp::nets {

class ChannelLayerNormImpl : public torch::nn::Module {
 public:
  explicit ChannelLayerNormImpl(int64_t channels);
  // x [N, C, H, W] -> the same shape, each (n, h, w) normalised over C with a learned scale and shift.
  torch::Tensor forward(const torch::Tensor& x);
  const torch::nn::LayerNorm& norm() const { return norm_; }

 private:
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(ChannelLayerNorm);

}  // namespace tp::nets
