#include "nets/go_policy.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace nn = torch::nn;

GoPolicyNetImpl::GoPolicyNetImpl(GoPolicyNetOptions o) : options_(std::move(o)) {
  const int64_t k = options_.filters();
  TP_CHECK_AS(UsageError, options_.layers() >= 1, "the policy network needs at least one convolution");
  TP_CHECK_AS(UsageError, k >= 1 && options_.planes() >= 1 && options_.size() >= 1, "bad policy network shape");
  nn::Sequential tower;
  tower->push_back(nn::Conv2d(nn::Conv2dOptions(options_.planes(), k, 5).padding(2)));
  tower->push_back(nn::ReLU());
  for (int64_t i = 1; i < options_.layers(); ++i) {
    tower->push_back(nn::Conv2d(nn::Conv2dOptions(k, k, 3).padding(1)));
    tower->push_back(nn::ReLU());
  }
  tower_ = register_module("tower", tower);
  point_logits_ = register_module("point_logits", nn::Conv2d(nn::Conv2dOptions(k, 1, 1).bias(false)));
  point_bias_ = register_parameter("point_bias", torch::zeros({options_.size() * options_.size()}));
  pass_logit_ = register_module("pass_logit", nn::Linear(k, 1));
}

torch::Tensor GoPolicyNetImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = tower_->forward(x);
  const torch::Tensor points = point_logits_->forward(h).flatten(1) + point_bias_;
  const torch::Tensor pass = pass_logit_->forward(h.mean({2, 3}));
  return torch::cat({points, pass}, 1);
}

std::string GoPolicyNetImpl::signature() const {
  return "gopolicy:p" + std::to_string(options_.planes()) + ":s" + std::to_string(options_.size()) + ":k" +
         std::to_string(options_.filters()) + ":l" + std::to_string(options_.layers());
}

}  // namespace tp::nets
