#include "nets/residual_tower.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace {
torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k) {
  // No bias: batch norm follows every convolution.
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).padding(k / 2).bias(false));
}
}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int64_t filters) {
  conv1_ = register_module("conv1", conv(filters, filters, 3));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(filters));
  conv2_ = register_module("conv2", conv(filters, filters, 3));
  bn2_ = register_module("bn2", torch::nn::BatchNorm2d(filters));
}

torch::Tensor ResidualBlockImpl::forward(torch::Tensor x) {
  auto y = torch::relu(bn1_(conv1_(x)));
  y = bn2_(conv2_(y));
  return torch::relu(y + x);
}

ResidualTowerImpl::ResidualTowerImpl(ResidualTowerOptions o) : options_(o) {
  TP_CHECK_AS(UsageError, o.in_planes() > 0 && o.height() > 0 && o.width() > 0 && o.num_actions() > 0,
              "residual tower needs positive input planes, board size and actions");
  TP_CHECK_AS(UsageError, o.blocks() >= 0 && o.filters() > 0 && o.value_hidden() > 0,
              "residual tower needs blocks >= 0, filters > 0 and value_hidden > 0");
  const int64_t area = o.height() * o.width();
  input_conv_ = register_module("input_conv", conv(o.in_planes(), o.filters(), 3));
  input_bn_ = register_module("input_bn", torch::nn::BatchNorm2d(o.filters()));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.blocks(); ++i) blocks_->push_back(ResidualBlock(o.filters()));
  policy_conv_ = register_module("policy_conv", conv(o.filters(), o.policy_channels(), 1));
  policy_bn_ = register_module("policy_bn", torch::nn::BatchNorm2d(o.policy_channels()));
  policy_fc_ = register_module("policy_fc", torch::nn::Linear(o.policy_channels() * area, o.num_actions()));
  value_conv_ = register_module("value_conv", conv(o.filters(), o.value_channels(), 1));
  value_bn_ = register_module("value_bn", torch::nn::BatchNorm2d(o.value_channels()));
  value_fc1_ = register_module("value_fc1", torch::nn::Linear(o.value_channels() * area, o.value_hidden()));
  value_fc2_ = register_module("value_fc2", torch::nn::Linear(o.value_hidden(), 1));
}

std::pair<torch::Tensor, torch::Tensor> ResidualTowerImpl::forward(torch::Tensor x) {
  auto h = torch::relu(input_bn_(input_conv_(x)));
  for (const auto& block : *blocks_) h = block->as<ResidualBlock>()->forward(h);
  auto p = torch::relu(policy_bn_(policy_conv_(h))).flatten(1);
  auto logits = policy_fc_(p);
  auto v = torch::relu(value_bn_(value_conv_(h))).flatten(1);
  v = torch::tanh(value_fc2_(torch::relu(value_fc1_(v)))).squeeze(1);
  return {logits, v};
}

std::string ResidualTowerImpl::signature() const {
  const auto& o = options_;
  return "resnet:" + std::to_string(o.in_planes()) + "x" + std::to_string(o.height()) + "x" +
         std::to_string(o.width()) + "-b" + std::to_string(o.blocks()) + "-f" + std::to_string(o.filters()) + "-p" +
         std::to_string(o.policy_channels()) + "-v" + std::to_string(o.value_channels()) + "x" +
         std::to_string(o.value_hidden()) + "-a" + std::to_string(o.num_actions());
}

}  // namespace tp::nets
