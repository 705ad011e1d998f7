#pragma once
// The AlphaGo Zero network (Silver et al. 2017, "Neural network architecture"): an input
// convolution, a tower of residual blocks, a policy head and a value head.
//   input:  3x3 conv (filters) - BN - ReLU
//   block:  3x3 conv - BN - ReLU - 3x3 conv - BN - skip add - ReLU
//   policy: 1x1 conv (2) - BN - ReLU - linear to the action logits
//   value:  1x1 conv (1) - BN - ReLU - linear (256) - ReLU - linear (1) - tanh
// KataGo's additions (Wu 2019), off by default so older checkpoints keep their signature:
//   global pooling: every k-th block also pools a channel group over the whole board (mean
//     and max) into per-channel biases, so a 3x3 tower sees the whole board in one block;
//   auxiliary heads: ownership (1x1 conv to one logit per cell: will the side to move own it
//     at the end?) and score (a second output of the value head's hidden layer).
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>
#include <utility>

namespace tp::nets {

struct ResidualTowerOptions {
  ResidualTowerOptions(int64_t in_planes, int64_t height, int64_t width, int64_t num_actions)
      : in_planes_(in_planes), height_(height), width_(width), num_actions_(num_actions) {}
  TORCH_ARG(int64_t, in_planes);
  TORCH_ARG(int64_t, height);
  TORCH_ARG(int64_t, width);
  TORCH_ARG(int64_t, num_actions);
  TORCH_ARG(int64_t, blocks) = 19;               // AlphaGo Zero: 19 (or 39) residual blocks
  TORCH_ARG(int64_t, filters) = 256;             // AlphaGo Zero: 256
  TORCH_ARG(int64_t, policy_channels) = 2;       // AlphaGo Zero: 2 filters in the policy head
  TORCH_ARG(int64_t, value_channels) = 1;        // AlphaGo Zero: 1 filter in the value head
  TORCH_ARG(int64_t, value_hidden) = 256;        // AlphaGo Zero: 256 hidden units
  TORCH_ARG(int64_t, global_pooling_every) = 0;  // blocks k, 2k, ... pool globally (0: none)
  TORCH_ARG(bool, auxiliary_heads) = false;      // ownership and score heads (KataGo)
};

// Everything the tower predicts; ownership and score are undefined without auxiliary heads.
struct TowerOutputs {
  torch::Tensor policy_logits;     // [N, num_actions]
  torch::Tensor value;             // [N] in [-1, 1]
  torch::Tensor ownership_logits;  // [N, height * width]: logit of "the side to move owns it"
  torch::Tensor score;             // [N]: final area margin / board area, side to move's view
};

class ResidualBlockImpl : public torch::nn::Module {
 public:
  explicit ResidualBlockImpl(int64_t filters);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
};
TORCH_MODULE(ResidualBlock);

// A residual block with KataGo's global pooling: a group of channels computed from the input
// is averaged and maxed over the board, and a linear map of those adds a bias to every
// channel of the block's first convolution.
class GlobalPoolingBlockImpl : public torch::nn::Module {
 public:
  explicit GlobalPoolingBlockImpl(int64_t filters);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, pool_conv_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, pool_bn_{nullptr};
  torch::nn::Linear pool_fc_{nullptr};
};
TORCH_MODULE(GlobalPoolingBlock);

class ResidualTowerImpl : public torch::nn::Module {
 public:
  explicit ResidualTowerImpl(ResidualTowerOptions options);
  // x: [N, in_planes, height, width] -> {policy logits [N, num_actions], value [N] in [-1, 1]}
  std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor x);
  // Policy, value and, with auxiliary_heads, ownership and score (for training).
  TowerOutputs forward_all(torch::Tensor x);
  const ResidualTowerOptions& options() const { return options_; }
  // "resnet:3x6x7-b5-f64-a7" — the architecture signature stored in checkpoints.
  // KataGo's additions append "-g<k>" and "-aux".
  std::string signature() const;

 private:
  torch::Tensor trunk(torch::Tensor x);
  TowerOutputs outputs(torch::Tensor x, bool auxiliary);

  ResidualTowerOptions options_;
  torch::nn::Conv2d input_conv_{nullptr};
  torch::nn::BatchNorm2d input_bn_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::Conv2d policy_conv_{nullptr}, value_conv_{nullptr};
  torch::nn::BatchNorm2d policy_bn_{nullptr}, value_bn_{nullptr};
  torch::nn::Linear policy_fc_{nullptr}, value_fc1_{nullptr}, value_fc2_{nullptr};
  torch::nn::Conv2d ownership_conv_{nullptr};
  torch::nn::Linear score_fc_{nullptr};
};
TORCH_MODULE(ResidualTower);

}  // namespace tp::nets
