#pragma once
// AlphaGo's value network (Silver et al. 2016): the policy network's convolutions (a 5x5, then
// 3x3s, k filters, ReLU) on the 48 feature planes plus the colour plane, a 1x1 convolution to
// one map, a fully connected layer of 256 ReLUs and one tanh output: the expected outcome for
// the player to move, in [-1, 1].
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>

namespace tp::nets {

struct GoValueNetOptions {
  TORCH_ARG(int64_t, planes) = 49;
  TORCH_ARG(int64_t, size) = 9;
  TORCH_ARG(int64_t, filters) = 64;
  TORCH_ARG(int64_t, layers) = 6;  // convolutions before the 1x1 (the paper: 12 on 19x19)
  TORCH_ARG(int64_t, hidden) = 256;
};

class GoValueNetImpl : public torch::nn::Module {
 public:
  explicit GoValueNetImpl(GoValueNetOptions options);
  // (N, planes, size, size) -> (N) values in [-1, 1].
  torch::Tensor forward(const torch::Tensor& x);
  const GoValueNetOptions& options() const { return options_; }
  std::string signature() const;

 private:
  GoValueNetOptions options_;
  torch::nn::Sequential body_{nullptr};
  torch::nn::Linear hidden_{nullptr}, out_{nullptr};
};
TORCH_MODULE(GoValueNet);

}  // namespace tp::nets
