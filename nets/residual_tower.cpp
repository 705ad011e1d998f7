#include "nets/residual_tower.h"

#include <torch/torch.h>

#include <algorithm>

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

GlobalPoolingBlockImpl::GlobalPoolingBlockImpl(int64_t filters) {
  // KataGo pools 32 of 96-256 channels; a quarter (at least one) keeps the ratio here.
  const int64_t pooled = std::max<int64_t>(1, filters / 4);
  conv1_ = register_module("conv1", conv(filters, filters, 3));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(filters));
  pool_conv_ = register_module("pool_conv", conv(filters, pooled, 3));
  pool_bn_ = register_module("pool_bn", torch::nn::BatchNorm2d(pooled));
  pool_fc_ = register_module("pool_fc", torch::nn::Linear(2 * pooled, filters));
  conv2_ = register_module("conv2", conv(filters, filters, 3));
  bn2_ = register_module("bn2", torch::nn::BatchNorm2d(filters));
}

torch::Tensor GlobalPoolingBlockImpl::forward(torch::Tensor x) {
  auto g = torch::relu(pool_bn_(pool_conv_(x)));
  const auto pooled = torch::cat({g.mean({2, 3}), g.amax({2, 3})}, 1);
  auto y = torch::relu(bn1_(conv1_(x)) + pool_fc_(pooled).unsqueeze(2).unsqueeze(3));
  y = bn2_(conv2_(y));
  return torch::relu(y + x);
}

ResidualTowerImpl::ResidualTowerImpl(ResidualTowerOptions o) : options_(o) {
  TP_CHECK_AS(UsageError, o.in_planes() > 0 && o.height() > 0 && o.width() > 0 && o.num_actions() > 0,
              "residual tower needs positive input planes, board size and actions");
  TP_CHECK_AS(UsageError, o.blocks() >= 0 && o.filters() > 0 && o.value_hidden() > 0 && o.global_pooling_every() >= 0,
              "residual tower needs blocks >= 0, filters > 0, value_hidden > 0 and global_pooling_every >= 0");
  const int64_t area = o.height() * o.width();
  input_conv_ = register_module("input_conv", conv(o.in_planes(), o.filters(), 3));
  input_bn_ = register_module("input_bn", torch::nn::BatchNorm2d(o.filters()));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 1; i <= o.blocks(); ++i) {
    if (o.global_pooling_every() > 0 && i % o.global_pooling_every() == 0)
      blocks_->push_back(GlobalPoolingBlock(o.filters()));
    else
      blocks_->push_back(ResidualBlock(o.filters()));
  }
  policy_conv_ = register_module("policy_conv", conv(o.filters(), o.policy_channels(), 1));
  policy_bn_ = register_module("policy_bn", torch::nn::BatchNorm2d(o.policy_channels()));
  policy_fc_ = register_module("policy_fc", torch::nn::Linear(o.policy_channels() * area, o.num_actions()));
  value_conv_ = register_module("value_conv", conv(o.filters(), o.value_channels(), 1));
  value_bn_ = register_module("value_bn", torch::nn::BatchNorm2d(o.value_channels()));
  value_fc1_ = register_module("value_fc1", torch::nn::Linear(o.value_channels() * area, o.value_hidden()));
  value_fc2_ = register_module("value_fc2", torch::nn::Linear(o.value_hidden(), 1));
  if (o.auxiliary_heads()) {
    ownership_conv_ =
        register_module("ownership_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.filters(), 1, 1).bias(true)));
    score_fc_ = register_module("score_fc", torch::nn::Linear(o.value_hidden(), 1));
  }
}

torch::Tensor ResidualTowerImpl::trunk(torch::Tensor x) {
  auto h = torch::relu(input_bn_(input_conv_(x)));
  for (const auto& block : *blocks_) {
    if (auto* plain = block->as<ResidualBlockImpl>())
      h = plain->forward(h);
    else
      h = block->as<GlobalPoolingBlockImpl>()->forward(h);
  }
  return h;
}

TowerOutputs ResidualTowerImpl::outputs(torch::Tensor x, bool auxiliary) {
  const auto h = trunk(x);
  TowerOutputs out;
  out.policy_logits = policy_fc_(torch::relu(policy_bn_(policy_conv_(h))).flatten(1));
  const auto hidden = torch::relu(value_fc1_(torch::relu(value_bn_(value_conv_(h))).flatten(1)));
  out.value = torch::tanh(value_fc2_(hidden)).squeeze(1);
  if (auxiliary && options_.auxiliary_heads()) {
    out.ownership_logits = ownership_conv_(h).flatten(1);
    out.score = score_fc_(hidden).squeeze(1);
  }
  return out;
}

std::pair<torch::Tensor, torch::Tensor> ResidualTowerImpl::forward(torch::Tensor x) {
  auto out = outputs(std::move(x), /*auxiliary=*/false);  // search needs neither extra head
  return {out.policy_logits, out.value};
}

TowerOutputs ResidualTowerImpl::forward_all(torch::Tensor x) { return outputs(std::move(x), /*auxiliary=*/true); }

std::string ResidualTowerImpl::signature() const {
  const auto& o = options_;
  return "resnet:" + std::to_string(o.in_planes()) + "x" + std::to_string(o.height()) + "x" +
         std::to_string(o.width()) + "-b" + std::to_string(o.blocks()) + "-f" + std::to_string(o.filters()) + "-p" +
         std::to_string(o.policy_channels()) + "-v" + std::to_string(o.value_channels()) + "x" +
         std::to_string(o.value_hidden()) + "-a" + std::to_string(o.num_actions()) +
         (o.global_pooling_every() > 0 ? "-g" + std::to_string(o.global_pooling_every()) : "") +
         (o.auxiliary_heads() ? "-aux" : "");
}

}  // namespace tp::nets
