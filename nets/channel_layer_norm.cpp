#include "nets/channel_layer_norm.h"

#include <torch/torch.h>

namespace tp::nets {

ChannelLayerNormImpl::ChannelLayerNormImpl(int64_t channels) {
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels})));
}

torch::Tensor ChannelLayerNormImpl::forward(const torch::Tensor& x) {
  return norm_->forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

}  // namespace tp::nets
