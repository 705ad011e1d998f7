#include "nets/go_value.h"

#include <torch/torch.h>

#include "core/error.h"

namespace tp::nets {

namespace nn = torch::nn;

GoValueNetImpl::GoValueNetImpl(GoValueNetOptions o) : options_(std::move(o)) {
  const int64_t k = options_.filters();
  TP_CHECK_AS(
      UsageError,
      options_.layers() >= 1 && k >= 1 && options_.planes() >= 1 && options_.size() >= 1 && options_.hidden() >= 1,
      "bad value network shape");
  nn::Sequential body;
  body->push_back(nn::Conv2d(nn::Conv2dOptions(options_.planes(), k, 5).padding(2)));
  body->push_back(nn::ReLU());
  for (int64_t i = 1; i < options_.layers(); ++i) {
    body->push_back(nn::Conv2d(nn::Conv2dOptions(k, k, 3).padding(1)));
    body->push_back(nn::ReLU());
  }
  // No ReLU on the single 1x1 map: one channel that goes negative everywhere would leave the
  // fully connected layers a constant input (a first run here learnt nothing that way).
  body->push_back(nn::Conv2d(nn::Conv2dOptions(k, 1, 1)));
  body_ = register_module("body", body);
  hidden_ = register_module("hidden", nn::Linear(options_.size() * options_.size(), options_.hidden()));
  out_ = register_module("out", nn::Linear(options_.hidden(), 1));
}

torch::Tensor GoValueNetImpl::forward(const torch::Tensor& x) {
  const torch::Tensor h = torch::relu(hidden_->forward(body_->forward(x).flatten(1)));
  return torch::tanh(out_->forward(h)).squeeze(1);
}

std::string GoValueNetImpl::signature() const {
  return "govalue:p" + std::to_string(options_.planes()) + ":s" + std::to_string(options_.size()) + ":k" +
         std::to_string(options_.filters()) + ":l" + std::to_string(options_.layers()) + ":h" +
         std::to_string(options_.hidden());
}

}  // namespace tp::nets
