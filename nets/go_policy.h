#pragma once
// AlphaGo's policy network (Silver et al. 2016): a first convolution of 5x5 (k filters),
// then 3x3 convolutions of k filters, all with ReLU and zero padding, and a final 1x1
// convolution to one map with a bias per point, whose softmax over the points is the move
// distribution. The paper's 19x19 games had no pass to predict; the games here end in
// passes, so a pass logit comes from the last hidden maps' mean (a linear layer).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct GoPolicyNetOptions {
  TORCH_ARG(int64_t, planes) = 48;   // input feature planes
  TORCH_ARG(int64_t, size) = 9;      // board size
  TORCH_ARG(int64_t, filters) = 64;  // k
  TORCH_ARG(int64_t, layers) = 6;    // convolutions before the 1x1 output (the paper: 12)
};

class GoPolicyNetImpl : public torch::nn::Module {
 public:
  explicit GoPolicyNetImpl(GoPolicyNetOptions options);
  // (N, planes, size, size) -> logits (N, size^2 + 1): the points row by row, then pass.
  torch::Tensor forward(const torch::Tensor& x);
  const GoPolicyNetOptions& options() const { return options_; }
  std::string signature() const;

 private:
  GoPolicyNetOptions options_;
  torch::nn::Sequential tower_{nullptr};
  torch::nn::Conv2d point_logits_{nullptr};
  torch::Tensor point_bias_;
  torch::nn::Linear pass_logit_{nullptr};
};
TORCH_MODULE(GoPolicyNet);

}  // namespace tp::nets
